// libFuzzer target for the wire protocol's FrameDecoder (both directions) and decodePayload().
//
// Input layout: byte 0 picks how the rest is cut into feed() calls, byte 1 seeds the chunk
// sizes; the remaining bytes are the stream. Seeds in corpus/frame_decoder/ are real frames
// (see write_fuzz_seeds.cpp). Any broken invariant aborts, which libFuzzer reports as a crash.

#include "framing.h"
#include "messages.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace {

using namespace longrun::protocol;

[[noreturn]] void violated(const char *what, const std::string &detail = {})
{
    std::fprintf(stderr, "invariant violated: %s %s\n", what, detail.c_str());
    std::abort();
}

void check(bool condition, const char *what, const std::string &detail = {})
{
    if (!condition)
        violated(what, detail);
}

std::uint32_t lengthPrefix(std::string_view bytes)
{
    std::uint32_t n = 0;
    for (std::size_t i = 4; i-- > 0;)
        n = n << 8 | static_cast<unsigned char>(bytes[i]);
    return n;
}

// Chunk sizes for one run, derived from the two control bytes.
class Chunker final
{
public:
    Chunker(std::uint8_t mode, std::uint8_t seed)
        : m_mode(mode >> 6)
        , m_state(seed * 2654435761u + 1u)
    {}

    std::size_t next(std::size_t remaining)
    {
        std::size_t n = remaining;
        switch (m_mode) {
        case 0: // everything at once
            break;
        case 1: // one byte at a time
            n = 1;
            break;
        case 2: // small pieces, 1..16
            n = 1 + (step() & 15u);
            break;
        default: // up to 4 KiB
            n = 1 + (step() & 4095u);
            break;
        }
        return n < remaining ? n : remaining;
    }

private:
    std::uint32_t step()
    {
        m_state = m_state * 1664525u + 1013904223u;
        return m_state >> 8;
    }

    unsigned m_mode;
    std::uint32_t m_state;
};

// Messages of which an older version is still read: Error (version 1 had no exit status).
template<class Message>
bool isOlderVersionReadable(const Message &message)
{
    if constexpr (std::is_same_v<Message, WorkerMessage>)
        return std::holds_alternative<Error>(message);
    else
        return false;
}

struct Outcome
{
    std::vector<std::string> frames; // the decoded messages, encoded again
    std::string error;
};

template<class Message>
Outcome decodeStream(std::string_view stream, Chunker chunker)
{
    FrameDecoder<Message> decoder;
    Outcome outcome;
    std::size_t fed = 0;
    while (fed < stream.size()) {
        const std::size_t pendingBefore = decoder.pendingBytes();
        const std::size_t n = chunker.next(stream.size() - fed);
        decoder.feed(stream.substr(fed, n));
        fed += n;
        // Where the next message starts: what was fed before this chunk minus what was pending.
        std::size_t consumed = fed - n - pendingBefore;
        while (std::optional<Message> message = decoder.next()) {
            check(outcome.error.empty() && !decoder.hasError(), "a message after an error");
            std::string frame = encodeFrame(*message);
            const std::string_view original = stream.substr(consumed, frame.size());
            // The encoding is canonical: a frame written little-endian re-encodes to itself,
            // but for a message of an older version still read (an Error of version 1, from an
            // older worker), which is written again in the current one.
            if (original.size() > 4 && original[4] == '\1')
                check(original == frame || isOlderVersionReadable(*message),
                      "re-encoded frame differs from the input");
            consumed += lengthPrefix(stream.substr(consumed)) + std::size_t{4};
            check(consumed == fed - decoder.pendingBytes(), "pendingBytes() does not add up");
            outcome.frames.push_back(std::move(frame));
        }
        check(decoder.hasError() == !decoder.error().empty(), "hasError() and error() disagree");
        if (decoder.hasError()) {
            check(decoder.pendingBytes() == 0, "bytes pending after an error");
            if (outcome.error.empty())
                outcome.error = decoder.error();
            check(decoder.error() == outcome.error, "the error changed", decoder.error());
        } else if (decoder.pendingBytes() >= 4) {
            const std::string_view tail = stream.substr(fed - decoder.pendingBytes());
            const std::uint64_t length = lengthPrefix(tail);
            check(length + 4 > decoder.pendingBytes(), "decoder waits on a complete frame");
        }
    }
    // Nothing is left to come out, and an error stays.
    check(!decoder.next().has_value(), "a message after draining");
    if (!outcome.error.empty()) {
        decoder.feed(encodeFrame(Message{}));
        check(!decoder.next().has_value(), "a message after an error");
        check(decoder.error() == outcome.error, "the error changed after more input");
        check(decoder.pendingBytes() == 0, "input kept after an error");
    }
    return outcome;
}

template<class Message>
void fuzzOneSide(std::string_view stream, std::uint8_t mode, std::uint8_t seed)
{
    const Outcome chunked = decodeStream<Message>(stream, Chunker(mode, seed));
    const Outcome whole = decodeStream<Message>(stream, Chunker(0, 0));
    // How the bytes were cut must not matter.
    check(chunked.frames == whole.frames, "chunked and whole feeds decoded different messages");
    check(chunked.error == whole.error, "chunked and whole feeds failed differently",
          chunked.error + " | " + whole.error);
    // Whatever decoded, decodes again to the same bytes.
    for (const std::string &frame : whole.frames) {
        const Message again = decodePayload<Message>(std::string_view(frame).substr(4));
        check(encodeFrame(again) == frame, "a decoded message does not round-trip");
    }

    // decodePayload() on the raw stream: a value or std::runtime_error, nothing else.
    try {
        (void)decodePayload<Message>(stream);
    } catch (const std::runtime_error &e) {
        check(e.what()[0] != '\0', "decodePayload() threw an empty text");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 2)
        return 0;
    const std::string_view stream(reinterpret_cast<const char *>(data) + 2, size - 2);
    fuzzOneSide<WorkerMessage>(stream, data[0], data[1]);
    fuzzOneSide<ParentMessage>(stream, data[0], data[1]);
    return 0;
}
