#pragma once

// The worker's side of a `command` job's processes once they run: noticing the program's exit
// in the same poll as its output, reaping what ends while the job runs, and ending everything
// the program started. Two ways to hold them (DESIGN.md, "Containment"):
// - NamespaceWatch: the program runs in a PID namespace whose init is our child (pidns.h); the
//   kernel ends every process in it when the init dies, so ending the job is one SIGKILL;
// - SubreaperWatch, the fallback: the worker is a child subreaper, so that what leaves the
//   program's session (setsid, a daemon's double fork) is re-parented to us, and a /proc walk
//   of our descendants finds it. It misses what outlives a SIGKILLed worker, and what forks
//   faster than the walk.
// Main thread only.

#include "process/fd.h"

#include <sys/types.h>

namespace longrun::worker {

class ProgramWatch
{
public:
    virtual ~ProgramWatch() = default;
    ProgramWatch(const ProgramWatch &) = delete;
    ProgramWatch &operator=(const ProgramWatch &) = delete;

    // For poll: readable once the program has ended; -1 once that is known.
    [[nodiscard]] virtual int fd() const = 0;
    // Reaps what has ended, without waiting. True once the program's status is known.
    virtual bool reap() = 0;
    // SIGKILLs everything left of the job, reaps it, and stops forwarding pause and resume.
    // The program's status is known afterwards.
    virtual void endAll() = 0;
    // Cancel: SIGTERM to every process of the program; after a grace, endAll().
    void stop();

    [[nodiscard]] bool exited() const { return m_exited; }
    [[nodiscard]] int status() const { return m_status; }

protected:
    ProgramWatch() = default;
    virtual void terminate() = 0;
    void setExited(int status);

private:
    bool m_exited = false;
    int m_status = 0;
};

// Before the fork of a program that SubreaperWatch will hold: the worker becomes a child
// subreaper, and arms its SIGCHLD self-pipe where there is no pidfd.
void prepareSubreaper();

// The program is our child. Its exit wakes a pidfd (Linux >= 5.3), else the read end of a
// SIGCHLD self-pipe (also when LONGRUN_WORKER_NO_PIDFD is set, for the tests). reap() also reaps
// the orphans re-parented to us, so that they do not pile up as zombies.
class SubreaperWatch final : public ProgramWatch
{
public:
    explicit SubreaperWatch(pid_t program);

    [[nodiscard]] int fd() const override;
    bool reap() override;
    // Also once the program has been reaped: what it left behind, in or out of its session,
    // a few rounds, for what forks meanwhile.
    void endAll() override;

private:
    void terminate() override;
    void reapBlocking();

    pid_t m_pid;
    bool m_usePidfd;
    Fd m_pidfd;
};

// The program runs under `init`, our child; `status` is NamespaceInit::status.
class NamespaceWatch final : public ProgramWatch
{
public:
    NamespaceWatch(pid_t init, Fd status);

    [[nodiscard]] int fd() const override;
    bool reap() override;
    void endAll() override;

private:
    void terminate() override;
    void readStatus();

    pid_t m_init;
    Fd m_status;
    bool m_initReaped = false;
};

} // namespace longrun::worker
