#include "framing.h"

#include <cereal/archives/portable_binary.hpp>

#include <cstdlib>
#include <cstring>
#include <istream>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <streambuf>

namespace longrun::protocol {

namespace wire {
void checkVersion(std::uint32_t version, std::uint32_t known, const char *type)
{
    if (version == 0 || version > known)
        throw cereal::Exception(std::string(type) + " message version " + std::to_string(version)
                                + " is not supported (this build knows 1 to "
                                + std::to_string(known) + ")");
}
} // namespace wire

Value intValue(std::string key, std::int64_t v)
{
    Value value;
    value.key = std::move(key);
    value.type = Value::Type::Int;
    value.integer = v;
    return value;
}

Value realValue(std::string key, double v)
{
    Value value;
    value.key = std::move(key);
    value.type = Value::Type::Real;
    value.real = v;
    return value;
}

Value textValue(std::string key, std::string v)
{
    Value value;
    value.key = std::move(key);
    value.type = Value::Type::Text;
    value.text = std::move(v);
    return value;
}

Value boolValue(std::string key, bool v)
{
    Value value;
    value.key = std::move(key);
    value.type = Value::Type::Bool;
    value.integer = v ? 1 : 0;
    return value;
}

const char *messageName(const WorkerMessage &m)
{
    static constexpr const char *names[] = {"hello",  "progress", "data",
                                            "result", "error",    "output"};
    static_assert(std::size(names) == std::variant_size_v<WorkerMessage>);
    return names[m.index()];
}

std::uint64_t logLimit()
{
    const char *text = std::getenv("LONGRUN_LOG_LIMIT");
    if (text == nullptr || *text == '\0')
        return kDefaultLogLimit;
    std::uint64_t value = 0;
    for (const char *c = text; *c != '\0'; ++c) {
        // Digits only, and at most 2^50: anything else is a mistake, not a limit.
        if (*c < '0' || *c > '9' || value > (std::uint64_t{1} << 50))
            return kDefaultLogLimit;
        value = value * 10 + static_cast<std::uint64_t>(*c - '0');
    }
    return value;
}

namespace {

// Reads straight from the frame's bytes, without copying them into a stringstream.
class ViewBuffer final : public std::streambuf
{
public:
    explicit ViewBuffer(std::string_view bytes)
    {
        char *begin = const_cast<char *>(bytes.data());
        setg(begin, begin, begin + bytes.size());
    }
    [[nodiscard]] std::size_t remaining() const
    {
        return static_cast<std::size_t>(egptr() - gptr());
    }
};

// Appends to a std::string without the copy a stringstream makes.
class AppendBuffer final : public std::streambuf
{
public:
    explicit AppendBuffer(std::string &out)
        : m_out(out)
    {}

protected:
    int_type overflow(int_type ch) override
    {
        if (ch != traits_type::eof())
            m_out.push_back(static_cast<char>(ch));
        return ch;
    }
    std::streamsize xsputn(const char *s, std::streamsize n) override
    {
        m_out.append(s, static_cast<std::size_t>(n));
        return n;
    }

private:
    std::string &m_out;
};

template<class Message>
void appendFrameImpl(std::string &out, const Message &message)
{
    const std::size_t start = out.size();
    out.append(4, '\0');
    // On failure, take the half-written frame back out: a caller batching frames into `out`
    // must not send a zero length prefix followed by a stray payload.
    try {
        AppendBuffer buffer(out);
        std::ostream stream(&buffer);
        cereal::PortableBinaryOutputArchive archive(stream);
        archive(message);
    } catch (...) {
        out.resize(start);
        throw;
    }
    const std::size_t length = out.size() - start - 4;
    if (length > kMaxFrameSize) {
        out.resize(start);
        throw std::length_error("message of " + std::to_string(length)
                                + " bytes is larger than the frame limit");
    }
    const auto n = static_cast<std::uint32_t>(length);
    const unsigned char prefix[4] = {
        static_cast<unsigned char>(n), static_cast<unsigned char>(n >> 8),
        static_cast<unsigned char>(n >> 16), static_cast<unsigned char>(n >> 24)};
    std::memcpy(out.data() + start, prefix, 4);
}

} // namespace

std::string encodeFrame(const WorkerMessage &message)
{
    std::string out;
    appendFrameImpl(out, message);
    return out;
}

std::string encodeFrame(const ParentMessage &message)
{
    std::string out;
    appendFrameImpl(out, message);
    return out;
}

void appendFrame(std::string &out, const WorkerMessage &message)
{
    appendFrameImpl(out, message);
}

void appendFrame(std::string &out, const ParentMessage &message)
{
    appendFrameImpl(out, message);
}

template<class Message>
Message decodePayload(std::string_view payload)
{
    if (payload.empty())
        throw std::runtime_error("empty frame");
    // cereal's portable archive starts with one byte saying the writer's endianness.
    if (static_cast<unsigned char>(payload.front()) > 1)
        throw std::runtime_error("bad archive header byte "
                                 + std::to_string(static_cast<unsigned char>(payload.front())));
    ViewBuffer buffer(payload);
    std::istream stream(&buffer);
    Message message;
    try {
        cereal::PortableBinaryInputArchive archive(stream);
        archive(message);
    } catch (const cereal::Exception &e) {
        // cereal says "Failed to read N bytes from input stream! Read M": a truncated message.
        const std::string what = e.what();
        if (what.rfind("Failed to read", 0) == 0)
            throw std::runtime_error("truncated message (" + what + ")");
        throw std::runtime_error(what);
    } catch (const std::bad_alloc &) {
        throw std::runtime_error("message too large to decode");
    } catch (const std::length_error &e) {
        throw std::runtime_error(std::string("bad length in message: ") + e.what());
    }
    if (buffer.remaining() != 0)
        throw std::runtime_error(std::to_string(buffer.remaining())
                                 + " unexpected bytes after the message");
    return message;
}

template WorkerMessage decodePayload<WorkerMessage>(std::string_view);
template ParentMessage decodePayload<ParentMessage>(std::string_view);

template<class Message>
void FrameDecoder<Message>::feed(std::string_view bytes)
{
    if (hasError() || bytes.empty())
        return;
    // Drop what was consumed before growing, so the buffer stays near one frame.
    if (m_offset > 0 && m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    } else if (m_offset > 64 * 1024 && m_offset * 2 > m_buffer.size()) {
        m_buffer.erase(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(bytes);
}

template<class Message>
std::optional<Message> FrameDecoder<Message>::next()
{
    if (hasError())
        return std::nullopt;
    const std::size_t available = m_buffer.size() - m_offset;
    if (available < 4)
        return std::nullopt;
    const auto *p = reinterpret_cast<const unsigned char *>(m_buffer.data() + m_offset);
    const std::uint32_t length = std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8
                                 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
    if (length > m_maxFrameSize) {
        fail("frame " + std::to_string(m_framesDecoded + 1) + " announces " + std::to_string(length)
             + " bytes, more than the limit of " + std::to_string(m_maxFrameSize));
        return std::nullopt;
    }
    if (length == 0) {
        fail("frame " + std::to_string(m_framesDecoded + 1) + " is empty");
        return std::nullopt;
    }
    if (available - 4 < length)
        return std::nullopt;
    const std::string_view payload(m_buffer.data() + m_offset + 4, length);
    try {
        Message message = decodePayload<Message>(payload);
        m_offset += 4 + std::size_t{length};
        ++m_framesDecoded;
        return message;
    } catch (const std::exception &e) {
        fail("frame " + std::to_string(m_framesDecoded + 1) + ": " + e.what());
        return std::nullopt;
    }
}

template<class Message>
void FrameDecoder<Message>::fail(std::string message)
{
    m_error = std::move(message);
    m_buffer.clear();
    m_buffer.shrink_to_fit();
    m_offset = 0;
}

template class FrameDecoder<WorkerMessage>;
template class FrameDecoder<ParentMessage>;

} // namespace longrun::protocol
