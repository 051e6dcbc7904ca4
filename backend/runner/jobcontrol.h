#pragma once

// The thread-safe handle through which the GUI thread steers one running job. The controller
// keeps it; the JobRunner (pool thread) attaches a wake-up function while its event loop runs.
// Requests are flags plus a queued wake-up, so the caller never blocks and never touches the
// runner's QProcess (which belongs to the pool thread).

#include <QtCore/QMutex>

#include <atomic>
#include <functional>

namespace longrun {

class JobControl final
{
public:
    enum class Stop { None, Cancel, Shutdown };

    // GUI thread.
    void requestStop(Stop reason);
    void requestPause(bool paused);
    // Last resort at the shutdown deadline: SIGKILL the worker's process group right now.
    // Under the lock: the runner's hold on the group cannot end while this signals it.
    void killNow();

    // Runner thread.
    void attach(std::function<void()> wake);
    void detach();
    // How killNow() reaches the worker; valid until detach(), which the runner calls before it
    // lets go of the worker's process group.
    void setKill(std::function<void()> kill);
    [[nodiscard]] Stop stopRequest() const { return m_stop.load(); }
    [[nodiscard]] bool pauseRequested() const { return m_pause.load(); }

private:
    void wake();

    QMutex m_mutex;
    std::function<void()> m_wake;
    std::function<void()> m_kill;
    std::atomic<Stop> m_stop{Stop::None};
    std::atomic<bool> m_pause{false};
};

} // namespace longrun
