#pragma once

// How a worker process is started, and how it and everything it started are signalled: the
// one piece that another launcher (srun, one step per job; a warm worker serving many jobs)
// replaces. WorkerSession calls it on the runner's thread; signal() is thread-safe from hold()
// on, for JobControl::killNow on the GUI thread.

#include "jobs/jobtypes.h"

#include <QtCore/QString>

#include <sys/types.h>

QT_BEGIN_NAMESPACE
class QProcess;
QT_END_NAMESPACE

namespace longrun {

class WorkerLauncher
{
public:
    WorkerLauncher() = default;
    WorkerLauncher(const WorkerLauncher &) = delete;
    WorkerLauncher &operator=(const WorkerLauncher &) = delete;
    // Lets go of the worker: from then on signal() must reach nothing, and cannot.
    virtual ~WorkerLauncher() = default;

    // Sets up `process` and starts it.
    virtual void start(QProcess &process) = 0;
    // The process runs and QProcess has not reaped it: take hold of what signal() reaches.
    // Empty, or why that failed (the session then kills the process and reports it).
    [[nodiscard]] virtual QString hold(qint64 pid) = 0;
    // A POSIX signal to the worker and all it started, as long as that is still ours: also
    // after QProcess has reaped the worker, until the launcher is destroyed.
    virtual void signal(int signal) const = 0;
};

// A worker on this machine: in a process group of its own (a job's whole tree is signalled at
// once), niced, and killed by the kernel when the runner's thread exits (PR_SET_PDEATHSIG).
//
// Signalling only what is ours: a group id is a pid, free for reuse once no process holds it,
// and QProcess reaps the worker (the group's leader) before it reports the exit. A sweep of the
// group after that could then hit an unrelated group that got the same id after a pid wrap. So
// hold() puts an anchor in the group: a child of ours that joins it and exits at once, a zombie
// that nobody but this launcher reaps. A zombie still holds its pid and its group, so the id
// stays the worker's group until the destructor reaps the anchor. (The sweep stays ours: a
// worker that crashed or was killed cannot sweep its own group. pidfd_send_signal does not
// reach a group before Linux 6.9, nor a leader that is already reaped.)
class LocalLauncher final : public WorkerLauncher
{
public:
    explicit LocalLauncher(WorkerLaunch launch);
    ~LocalLauncher() override;

    void start(QProcess &process) override;
    [[nodiscard]] QString hold(qint64 pid) override;
    void signal(int signal) const override;

private:
    WorkerLaunch m_launch;
    pid_t m_group = 0;
    pid_t m_anchor = 0;
};

} // namespace longrun
