#include "jobs/startrequest.h"

#include "framing.h"

#include <cereal/archives/portable_binary.hpp>

#include <ostream>
#include <streambuf>

namespace longrun {

namespace {

// A stream buffer that only counts what is written to it: the size of a frame without the
// memory of one (a request refused for being too large may be hundreds of MiB).
class CountingBuffer final : public std::streambuf
{
public:
    [[nodiscard]] std::uint64_t count() const { return m_count; }

protected:
    int_type overflow(int_type c) override
    {
        if (!traits_type::eq_int_type(c, traits_type::eof()))
            ++m_count;
        return traits_type::not_eof(c);
    }
    std::streamsize xsputn(const char *, std::streamsize n) override
    {
        m_count += static_cast<std::uint64_t>(n);
        return n;
    }

private:
    std::uint64_t m_count = 0;
};

} // namespace

protocol::Start startRequest(const JobSpec &spec)
{
    protocol::Start request;
    request.kind = spec.kind.toStdString();
    request.params.reserve(static_cast<std::size_t>(spec.params.size()));
    for (const JobParam &p : spec.params) {
        protocol::Param param;
        param.key = p.key.toStdString();
        param.values.reserve(static_cast<std::size_t>(p.values.size()));
        for (const QString &v : p.values)
            param.values.push_back(v.toStdString());
        request.params.push_back(std::move(param));
    }
    return request;
}

std::uint64_t startPayloadSize(const JobSpec &spec)
{
    // Archived exactly as encodeFrame() archives it: the variant, in a portable archive.
    const protocol::ParentMessage message{startRequest(spec)};
    CountingBuffer buffer;
    std::ostream stream(&buffer);
    {
        cereal::PortableBinaryOutputArchive archive(stream);
        archive(message);
    }
    return buffer.count();
}

QString checkStartRequest(const JobSpec &spec)
{
    const auto tooLong = [](qsizetype items) {
        return static_cast<std::uint64_t>(items) > protocol::kMaxListElements;
    };
    if (tooLong(spec.params.size()))
        return QStringLiteral("the request has %1 parameters, more than the limit of %2")
            .arg(spec.params.size())
            .arg(protocol::kMaxListElements);
    for (const JobParam &p : spec.params) {
        if (tooLong(p.values.size()))
            return QStringLiteral("parameter '%1' has %2 values, more than the limit of %3")
                .arg(p.key)
                .arg(p.values.size())
                .arg(protocol::kMaxListElements);
    }
    const std::uint64_t size = startPayloadSize(spec);
    if (size > protocol::kMaxFrameSize)
        return QStringLiteral("the request is %1 bytes, larger than the frame limit of %2 MiB "
                              "(%3 bytes): a parameter this large cannot be sent to the worker")
            .arg(size)
            .arg(protocol::kMaxFrameSize / (1024 * 1024))
            .arg(protocol::kMaxFrameSize);
    return {};
}

QByteArray startFrame(const JobSpec &spec)
{
    return QByteArray::fromStdString(
        protocol::encodeFrame(protocol::ParentMessage{startRequest(spec)}));
}

} // namespace longrun
