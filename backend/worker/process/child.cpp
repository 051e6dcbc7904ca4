#include "process/child.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

namespace longrun::worker {

namespace {

// dup2 onto `target`; if the fd already is the target, keep it open across exec.
void moveTo(int fd, int target)
{
    if (fd == target)
        ::fcntl(fd, F_SETFD, 0);
    else
        ::dup2(fd, target);
}

} // namespace

ChildReports readReports(int fd)
{
    ChildReports reports;
    for (;;) {
        ChildReport report;
        ssize_t got = 0;
        do {
            got = ::read(fd, &report, sizeof report);
        } while (got < 0 && errno == EINTR);
        if (got != static_cast<ssize_t>(sizeof report))
            return reports;
        if (report.stage == kProcNote)
            reports.procError = report.error;
        else
            reports.failure = report;
    }
}

void reportStage(int fd, std::int32_t stage, std::int32_t error)
{
    const ChildReport report{stage, error};
    [[maybe_unused]] const ssize_t n = ::write(fd, &report, sizeof report);
}

void reportAndExit(int fd, std::int32_t stage, std::int32_t error)
{
    reportStage(fd, stage, error);
    _exit(127);
}

void resetSignals()
{
    struct sigaction defaults = {};
    defaults.sa_handler = SIG_DFL;
    sigemptyset(&defaults.sa_mask);
    for (int sig = 1; sig < NSIG; ++sig)
        sigaction(sig, &defaults, nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

void runChild(const ChildSetup &setup)
{
    // Dies with the thread that forked it (our main thread, alive until the worker exits, or
    // the namespace's init).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != setup.parent)
        _exit(127);
    resetSignals();
    // A fresh child leads no group, so this cannot fail: a session of its own, without
    // longrun's terminal (spawn.h).
    ::setsid();
    if (setup.tty
        && (::ioctl(setup.out, TIOCSCTTY, 0) != 0 || ::tcsetpgrp(setup.out, getpid()) != 0))
        reportAndExit(setup.report, kTerminal, errno);
    moveTo(setup.in, STDIN_FILENO);
    moveTo(setup.out, STDOUT_FILENO);
    moveTo(setup.err, STDERR_FILENO);
    if (setup.cwd != nullptr && ::chdir(setup.cwd) != 0)
        reportAndExit(setup.report, kChdir, errno);
    // Our own copy of the worker's memory: the program is looked up on the PATH it gets.
    if (setup.envp != nullptr)
        environ = setup.envp;
    ::execvp(setup.argv[0], setup.argv);
    reportAndExit(setup.report, kExec, errno);
}

} // namespace longrun::worker
