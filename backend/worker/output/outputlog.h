#pragma once

// What of a `command` job's output goes to the app for the attempt's log: every byte the
// program writes, as it was read, up to the log limit (protocol::logLimit()) for both streams
// together. Reads are sent as OutputChunk frames, batched into one write per kThrottle (or
// sooner when much is pending), so a program printing line by line costs few syscalls while
// each chunk keeps the time it was read. Past the limit the bytes are counted, not sent, and
// finish() says so once per stream. Main thread only.

#include "io.h"
#include "messages.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace longrun::worker {

class OutputLog final
{
public:
    OutputLog(Output &out, std::uint64_t limit);

    // `stream`: 0 for stdout (or the pty), 1 for stderr.
    void add(std::size_t stream, std::string_view bytes);
    // Sends what is pending once it is due.
    void tick();
    // Sends what is pending and the notes of what the limit dropped. Once, at the end.
    void finish();

    [[nodiscard]] std::uint64_t sent() const { return m_sent; }

private:
    void send();

    Output &m_out;
    const std::uint64_t m_limit;
    std::uint64_t m_sent = 0;
    std::uint64_t m_dropped[2] = {};
    std::string m_pending; // encoded frames not written yet
    Clock::time_point m_lastSend;
    bool m_finished = false;
};

} // namespace longrun::worker
