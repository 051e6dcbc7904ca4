#pragma once

// The worker's side of a `command` job's processes once they run: noticing the program's exit
// in the same poll as its output, reaping what is re-parented to us while the job runs, and
// ending everything the program left behind. Main thread only.

#include "process/fd.h"

#include <sys/types.h>

namespace longrun::worker {

// Whatever the program starts stays below us, even what leaves its session or process group
// (setsid, a daemon's double fork): orphans are re-parented to us, not to init, so that the
// end of the job can end them too (killDescendants) and the job can reap them as it runs.
void becomeSubreaper();

// A pollable fd that is readable once the program has ended: a pidfd (Linux >= 5.3), else the
// read end of a SIGCHLD self-pipe (also when LONGRUN_WORKER_NO_PIDFD is set, for the tests).
// Construct it before the fork, so that the pipe is armed before the child can end.
class ExitWatch final
{
public:
    ExitWatch();
    ExitWatch(const ExitWatch &) = delete;
    ExitWatch &operator=(const ExitWatch &) = delete;

    void attach(pid_t pid);
    // For poll; -1 once the program has been reaped.
    [[nodiscard]] int fd() const;
    // Reaps every child that has ended, the program's adopted orphans included, without
    // waiting; only the program's own status is kept. True once the program has been reaped.
    bool reap();
    // Waits for the program (after a SIGKILL).
    void reapBlocking();

    [[nodiscard]] pid_t pid() const { return m_pid; }
    [[nodiscard]] bool exited() const { return m_exited; }
    [[nodiscard]] int status() const { return m_status; }

private:
    void drainSignalPipe() const;

    pid_t m_pid = -1;
    Fd m_pidfd;
    bool m_usePidfd = false;
    bool m_exited = false;
    int m_status = 0;
};

// Cancel: the program and everything below us get SIGTERM; after a grace, SIGKILL; then
// killDescendants().
void stopProgram(ExitWatch &watch);

// Once the program has been reaped: SIGKILLs everything it left behind, in or out of its
// session, and reaps what was re-parented to us. A few rounds, for what forks meanwhile.
void killDescendants();

} // namespace longrun::worker
