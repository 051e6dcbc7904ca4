#include "output/outputlog.h"

#include "framing.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace longrun::worker {

namespace {

// Written at once past this much: a flood goes out in large writes, never held in memory.
constexpr std::size_t kPendingBytes = 256 * 1024;

std::uint64_t nowMs()
{
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

std::uint8_t wireStream(std::size_t stream)
{
    return stream == 0 ? protocol::OutputChunk::Out : protocol::OutputChunk::Err;
}

} // namespace

OutputLog::OutputLog(Output &out, std::uint64_t limit)
    : m_out(out)
    , m_limit(limit)
    , m_lastSend(Clock::now())
{}

void OutputLog::add(std::size_t stream, std::string_view bytes)
{
    const std::size_t index = std::min<std::size_t>(stream, 1);
    const std::uint64_t room = m_limit - m_sent;
    const std::size_t kept = static_cast<std::size_t>(std::min<std::uint64_t>(room, bytes.size()));
    m_dropped[index] += bytes.size() - kept;
    if (kept == 0)
        return;
    m_sent += kept;
    const std::uint64_t at = nowMs();
    for (std::size_t offset = 0; offset < kept; offset += protocol::kMaxOutputChunk) {
        protocol::OutputChunk chunk;
        chunk.stream = wireStream(index);
        chunk.atMs = at;
        chunk.bytes.assign(
            bytes.substr(offset, std::min(protocol::kMaxOutputChunk, kept - offset)));
        protocol::appendFrame(m_pending, chunk);
    }
    if (m_pending.size() >= kPendingBytes)
        send();
}

void OutputLog::tick()
{
    if (!m_pending.empty() && Clock::now() - m_lastSend >= kThrottle)
        send();
}

void OutputLog::finish()
{
    if (std::exchange(m_finished, true))
        return;
    const std::uint64_t at = nowMs();
    for (std::size_t index = 0; index < 2; ++index) {
        if (m_dropped[index] == 0)
            continue;
        protocol::OutputChunk note;
        note.stream = wireStream(index);
        note.atMs = at;
        note.dropped = m_dropped[index];
        note.limit = m_limit;
        protocol::appendFrame(m_pending, note);
    }
    send();
}

void OutputLog::send()
{
    if (!m_pending.empty())
        m_out.sendRaw(m_pending);
    m_pending.clear();
    m_lastSend = Clock::now();
}

} // namespace longrun::worker
