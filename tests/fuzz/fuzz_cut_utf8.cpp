// libFuzzer target: cutUtf8 (backend/protocol/text.cpp), which cuts whatever a worker sends to
// a size. For any bytes and any limit the result must be a prefix of at most the limit, end on
// a boundary of the text's characters and ill-formed pieces (never inside either), and be the
// longest such prefix; a valid text must give a valid prefix. The boundaries come from a second,
// table-driven reading of Unicode's table 3-7 written here. A broken invariant traps.

#include "text.h"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

using longrun::protocol::cutUtf8;

namespace {
void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

// Unicode 15, table 3-7: the well-formed UTF-8 byte sequences, by lead byte.
struct Form
{
    std::uint8_t leadLow, leadHigh, secondLow, secondHigh;
    std::size_t length;
};
constexpr Form kForms[] = {
    {0x00, 0x7f, 0x00, 0x00, 1}, {0xc2, 0xdf, 0x80, 0xbf, 2}, {0xe0, 0xe0, 0xa0, 0xbf, 3},
    {0xe1, 0xec, 0x80, 0xbf, 3}, {0xed, 0xed, 0x80, 0x9f, 3}, {0xee, 0xef, 0x80, 0xbf, 3},
    {0xf0, 0xf0, 0x90, 0xbf, 4}, {0xf1, 0xf3, 0x80, 0xbf, 4}, {0xf4, 0xf4, 0x80, 0x8f, 4},
};

struct Reading
{
    std::vector<std::size_t> boundaries; // 0, then the end of every character or piece
    bool valid = true;
};

Reading read(std::string_view text)
{
    Reading reading;
    reading.boundaries.push_back(0);
    std::size_t at = 0;
    while (at < text.size()) {
        const auto lead = static_cast<std::uint8_t>(text[at]);
        const Form *form = nullptr;
        for (const Form &f : kForms) {
            if (lead >= f.leadLow && lead <= f.leadHigh)
                form = &f;
        }
        std::size_t taken = 1;
        if (form) {
            // A maximal subpart: the lead and as many fitting continuation bytes as follow.
            while (taken < form->length && at + taken < text.size()) {
                const auto c = static_cast<std::uint8_t>(text[at + taken]);
                const bool fits = taken == 1 ? c >= form->secondLow && c <= form->secondHigh
                                             : c >= 0x80 && c <= 0xbf;
                if (!fits)
                    break;
                ++taken;
            }
        }
        reading.valid = reading.valid && form && taken == form->length;
        at += taken;
        reading.boundaries.push_back(at);
    }
    return reading;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 2)
        return 0;
    // The first two bytes: the limit, mostly within the text so that it cuts.
    const std::string_view text(reinterpret_cast<const char *>(data + 2), size - 2);
    const std::size_t maxBytes = (data[0] | (std::size_t{data[1]} << 8)) % (text.size() + 4);

    const std::string_view cut = cutUtf8(text, maxBytes);
    check(cut.data() == text.data() && cut.size() <= text.size()); // a prefix
    check(cut.size() <= maxBytes);

    const Reading reading = read(text);
    std::size_t boundary = 0; // the last boundary within the limit
    std::size_t next = 0;     // the first one past it
    for (std::size_t b : reading.boundaries) {
        if (b <= maxBytes)
            boundary = b;
        else if (next == 0 || b < next)
            next = b;
    }
    check(cut.size() == boundary); // ends on a boundary, and the longest prefix that does
    check(next == 0 || next > maxBytes);
    if (reading.valid)
        check(read(cut).valid); // a valid text never loses its validity by the cut

    // Cutting again changes nothing; a smaller limit never gives more.
    check(cutUtf8(cut, maxBytes) == cut);
    if (maxBytes > 0)
        check(cutUtf8(text, maxBytes - 1).size() <= cut.size());
    return 0;
}
