#include "text.h"

namespace longrun::protocol {

namespace {

// How many bytes the character (or ill-formed piece) starting at `text[at]` takes, following
// the well-formed byte sequences of Unicode's table 3-7: the ranges of the second byte exclude
// overlong forms, surrogates and code points above U+10FFFF.
std::size_t unitLength(std::string_view text, std::size_t at)
{
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    std::size_t length = 0;
    unsigned char low = 0x80; // the range of the second byte
    unsigned char high = 0xbf;
    if (lead < 0xc2 || lead > 0xf4)
        return 1; // ASCII, a stray continuation byte, or a byte that never starts a sequence
    if (lead < 0xe0) {
        length = 2;
    } else if (lead < 0xf0) {
        length = 3;
        low = lead == 0xe0 ? 0xa0 : 0x80;
        high = lead == 0xed ? 0x9f : 0xbf;
    } else {
        length = 4;
        low = lead == 0xf0 ? 0x90 : 0x80;
        high = lead == 0xf4 ? 0x8f : 0xbf;
    }
    std::size_t n = 1;
    for (; n < length && at + n < text.size(); ++n) {
        const unsigned char c = byte(at + n);
        if (c < low || c > high)
            break;
        low = 0x80;
        high = 0xbf;
    }
    return n;
}

} // namespace

std::string_view cutUtf8(std::string_view text, std::size_t maxBytes)
{
    if (text.size() <= maxBytes)
        return text;
    // Forwards from the start: going back from the cut over continuation bytes cannot tell
    // where an ill-formed piece begins (and walks through all of a run of stray bytes).
    std::size_t end = 0;
    while (end < text.size()) {
        const std::size_t length = unitLength(text, end);
        if (end + length > maxBytes)
            break;
        end += length;
    }
    return text.substr(0, end);
}

} // namespace longrun::protocol
