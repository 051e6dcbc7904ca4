#pragma once

// The worker's side of the pipe: frames out on stdout (throttled), frames in on stdin (a
// reader thread), the cancel flag both share, and the process-level plumbing that makes sure a
// worker never outlives the app that started it.
//
// Threads: Output is used by the main thread only. The stdin reader thread only sets the
// CancelFlag and, when stdin closes, ends the process after a grace period.

#include "framing.h"

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace longrun::worker {

using Clock = std::chrono::steady_clock;

inline constexpr auto kThrottle = std::chrono::milliseconds(50);
// LONGRUN_VERSION: the project's version (CMake project(VERSION), see CMakeLists.txt here).
inline constexpr const char *kWorkerName = "longrun-worker " LONGRUN_VERSION;

// Ends the process because the parent is gone: kills the running command's process group (it
// has a session of its own) or its namespace's init, then our whole process group (ourselves and
// any grandchildren) when we lead it, else exits with `code`. Async-signal-safe.
[[noreturn]] void killGroupOrExit(int code);

// The process group of the command now running (0: none), for killGroupOrExit and for the
// forwarding of pause and resume: from then on SIGTSTP to the worker stops that group too
// before the worker stops itself, and SIGCONT continues it. (SIGSTOP cannot be caught, so an app
// that pauses a command with SIGSTOP stops the worker only: pause with SIGTSTP.)
void setProgramGroup(pid_t pgid);
// The same for a command in a PID namespace (process/pidns.h), whose init (0: none) hears
// SIGTSTP and SIGCONT for the whole job and is what killGroupOrExit kills.
void setProgramInit(pid_t init);

// Process set-up for a normal run: own process group, parent-death signal, SIGPIPE ignored.
// `startPpid` is getppid() as read at the very start of main.
void setupProcess(pid_t startPpid);

// Writes all bytes with write(2), retrying EINTR and partial writes. A broken pipe means the
// parent is gone: the group is killed (or the process exits).
void writeAll(int fd, std::string_view bytes);

// Set by the stdin reader (Cancel frame or stdin closed); read by the job everywhere.
// Also an eventfd so that waits (sleep, poll on a child's output) wake at once.
class CancelFlag final
{
public:
    CancelFlag();
    ~CancelFlag();
    CancelFlag(const CancelFlag &) = delete;
    CancelFlag &operator=(const CancelFlag &) = delete;

    void set();
    [[nodiscard]] bool isSet() const { return m_set.load(std::memory_order_relaxed); }
    // Pollable: readable once set.
    [[nodiscard]] int fd() const { return m_fd; }
    // Sleeps until `deadline` or until cancel; returns false when canceled.
    [[nodiscard]] bool sleepUntil(Clock::time_point deadline) const;

private:
    std::atomic<bool> m_set{false};
    int m_fd = -1;
};

// While a command runs, SIGTERM and SIGINT (the app's process-group kill, Ctrl-C by hand) do
// not end the worker at once: they set `cancel`, so that the job first ends its program, which
// runs in a session of its own where those signals do not reach; then the worker dies of the
// signal (dieOfCaughtSignal), as it would have.
void catchTermination(CancelFlag &cancel);
// The signal caught since catchTermination, or 0.
[[nodiscard]] int caughtTermination();
// Dies of the caught signal, if any; returns if there is none.
void dieOfCaughtSignal();

// Frames to the parent. Progress is throttled to one frame per kThrottle (a final 1.0 always
// goes); data points are batched into one Data frame per series per kThrottle. The last
// message goes out in the same write as whatever is still pending.
class Output final
{
public:
    explicit Output(int fd);

    // Immediately, bypassing throttling (Hello, and the fault kinds' deliberate oddities).
    void send(const protocol::WorkerMessage &message);
    void sendRaw(std::string_view bytes);

    void progress(double fraction, std::string text);
    // True when a progress() now would be written at once: lets a hot loop skip building text.
    [[nodiscard]] bool progressDue() const;
    void point(std::string_view series, double x, double y);
    // Writes what is pending and due; call now and then from loops that wait.
    void tick();
    // Writes everything pending now.
    void flush();
    // Pending frames plus the final Result or Error, in one write.
    void finish(const protocol::WorkerMessage &message);

private:
    void flushAt(Clock::time_point now, bool force);

    int m_fd;
    Clock::time_point m_lastProgress;
    Clock::time_point m_lastData;
    bool m_progressPending = false;
    double m_lastFraction = -1.0;
    protocol::Progress m_pendingProgress;
    std::vector<protocol::Data> m_pendingData;
};

// Reads the first frame from stdin on the calling thread. Returns the Start request; on EOF
// exits with 3, on anything else writes an Error frame and exits with 2.
[[nodiscard]] protocol::Start readStart(Output &out, protocol::ParentFrameDecoder &decoder);

// Starts the detached reader thread that owns stdin from now on.
void startStdinReader(protocol::ParentFrameDecoder decoder, CancelFlag &cancel);

// The reader ends the process 1 s after stdin closes unless a fault mode that simulates a
// stuck worker turned this off.
void setStdinGuard(bool enabled);

} // namespace longrun::worker
