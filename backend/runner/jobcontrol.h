#pragma once

// The thread-safe handle through which the GUI thread steers one running job. The controller
// keeps it; the JobRunner (pool thread) attaches a wake-up function while its event loop runs.
// Requests are flags plus a queued wake-up, so the caller never blocks and never touches the
// runner's QProcess (which belongs to the pool thread).

#include <QtCore/QMutex>

#include <atomic>
#include <functional>
#include <sys/types.h>

namespace longrun {

class JobControl final
{
public:
    enum class Stop { None, Cancel, Shutdown };

    // GUI thread.
    void requestStop(Stop reason);
    void requestPause(bool paused);
    // Last resort at the shutdown deadline: SIGKILL the worker's process group right now.
    void killNow();

    // Runner thread.
    void attach(std::function<void()> wake);
    void detach();
    void setProcessGroup(pid_t pgid) { m_pgid.store(pgid); }
    [[nodiscard]] Stop stopRequest() const { return m_stop.load(); }
    [[nodiscard]] bool pauseRequested() const { return m_pause.load(); }

private:
    void wake();

    QMutex m_mutex;
    std::function<void()> m_wake;
    std::atomic<Stop> m_stop{Stop::None};
    std::atomic<bool> m_pause{false};
    std::atomic<pid_t> m_pgid{0};
};

} // namespace longrun
