#pragma once

// Frames: a u32 little-endian length, then one cereal PortableBinary archive holding one
// message (a ParentMessage or a WorkerMessage variant). No Qt.
//
// FrameDecoder is incremental and total: feed it bytes in any chunks, take messages out with
// next(). Any malformed input ends in one sticky protocol error with a clear text; it never
// throws, never allocates for a frame larger than the limit, and never waits for more input
// than the length prefix promised.

#include "messages.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace longrun::protocol {

// One whole frame (length prefix included), ready to write.
[[nodiscard]] std::string encodeFrame(const WorkerMessage &message);
[[nodiscard]] std::string encodeFrame(const ParentMessage &message);
// Appends the frame to out, to batch several frames into one write.
void appendFrame(std::string &out, const WorkerMessage &message);
void appendFrame(std::string &out, const ParentMessage &message);

template<class Message>
class FrameDecoder final
{
public:
    explicit FrameDecoder(std::uint32_t maxFrameSize = kMaxFrameSize)
        : m_maxFrameSize(maxFrameSize)
    {}

    // Appends bytes. After an error, further input is ignored.
    void feed(std::string_view bytes);
    void feed(const char *data, std::size_t size) { feed(std::string_view(data, size)); }

    // The next complete message, or nothing when more bytes are needed or after an error.
    [[nodiscard]] std::optional<Message> next();

    [[nodiscard]] bool hasError() const { return !m_error.empty(); }
    [[nodiscard]] const std::string &error() const { return m_error; }
    // Bytes received but not yet part of a decoded message (a truncated frame at EOF).
    [[nodiscard]] std::size_t pendingBytes() const { return m_buffer.size() - m_offset; }

private:
    void fail(std::string message);

    std::string m_buffer;
    std::size_t m_offset = 0;
    std::uint32_t m_maxFrameSize;
    std::uint64_t m_framesDecoded = 0;
    std::string m_error;
};

// Decodes exactly one frame's payload (without length prefix). Throws std::runtime_error with a
// clear text on any malformed input. Exposed for the fuzzers and tests.
template<class Message>
[[nodiscard]] Message decodePayload(std::string_view payload);

extern template class FrameDecoder<WorkerMessage>;
extern template class FrameDecoder<ParentMessage>;

using WorkerFrameDecoder = FrameDecoder<WorkerMessage>;
using ParentFrameDecoder = FrameDecoder<ParentMessage>;

} // namespace longrun::protocol
