#include "process/spawn.h"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <utility>

namespace longrun::worker {

namespace {

enum Stage : std::int32_t { kChdir = 1, kExec = 2, kTerminal = 3 };

struct ChildReport
{
    std::int32_t stage = 0;
    std::int32_t error = 0;
};

// Between fork and exec only async-signal-safe calls: the worker has a reader thread.
[[noreturn]] void reportAndExit(int fd, std::int32_t stage, std::int32_t error)
{
    const ChildReport report{stage, error};
    [[maybe_unused]] const ssize_t n = ::write(fd, &report, sizeof report);
    _exit(127);
}

// dup2 onto `target`; if the fd already is the target, keep it open across exec.
void moveTo(int fd, int target)
{
    if (fd == target)
        ::fcntl(fd, F_SETFD, 0);
    else
        ::dup2(fd, target);
}

struct ChildSetup
{
    char *const *argv;
    const char *cwd; // nullptr: stay
    int in, out, err, report;
    bool tty;
    pid_t parent;
};

// exec keeps ignored signals ignored and the mask as is; the program must get defaults.
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

[[noreturn]] void runChild(const ChildSetup &setup)
{
    // Dies with the thread that forked it (our main thread, alive until the worker exits).
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
    ::execvp(setup.argv[0], setup.argv);
    reportAndExit(setup.report, kExec, errno);
}

bool makePty(Fd &master, Fd &slave, std::string &error)
{
    master = Fd(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    char name[128];
    if (!master.valid() || ::grantpt(master.get()) != 0 || ::unlockpt(master.get()) != 0
        || ::ptsname_r(master.get(), name, sizeof name) != 0) {
        error = std::string("command: cannot create a pseudo-terminal: ") + std::strerror(errno);
        return false;
    }
    // O_NOCTTY: never our own controlling terminal; the program's child makes it its own.
    slave = Fd(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave.valid()) {
        error = std::string("command: cannot open '") + name + "': " + std::strerror(errno);
        return false;
    }
    winsize size = {};
    size.ws_row = 40;
    size.ws_col = 120;
    ::ioctl(slave.get(), TIOCSWINSZ, &size);
    // Keep "\n" as the program wrote it; the default "\r\n" would only clutter the tail.
    termios mode = {};
    if (::tcgetattr(slave.get(), &mode) == 0) {
        mode.c_oflag &= ~static_cast<tcflag_t>(ONLCR);
        ::tcsetattr(slave.get(), TCSANOW, &mode);
    }
    return true;
}

bool makePipe(Fd &readEnd, Fd &writeEnd)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return false;
    readEnd = Fd(fds[0]);
    writeEnd = Fd(fds[1]);
    return true;
}

std::string failure(const ChildReport &report, const std::string &program, const std::string &cwd)
{
    const char *why = std::strerror(report.error);
    if (report.stage == kChdir)
        return "command: cannot change to directory '" + cwd + "': " + why;
    if (report.stage == kTerminal)
        return std::string("command: cannot give the pseudo-terminal to the program: ") + why;
    return "command: cannot run '" + program + "': " + why;
}

// The report pipe closes on exec (CLOEXEC): nothing read means the program is running.
std::string waitForExec(pid_t pid, int reportFd, const std::string &program, const std::string &cwd)
{
    ChildReport report;
    ssize_t got = 0;
    do {
        got = ::read(reportFd, &report, sizeof report);
    } while (got < 0 && errno == EINTR);
    if (got != static_cast<ssize_t>(sizeof report))
        return {};
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return failure(report, program, cwd);
}

} // namespace

Program spawnProgram(const std::vector<std::string> &words, const std::string &cwd, bool tty)
{
    std::vector<char *> argv;
    for (const auto &word : words)
        argv.push_back(const_cast<char *>(word.c_str()));
    argv.push_back(nullptr);

    Program program;
    Fd devNull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    Fd outWrite, errWrite, reportRead, reportWrite;
    if (tty) {
        if (!makePty(program.out, outWrite, program.error))
            return program;
    } else if (!makePipe(program.out, outWrite) || !makePipe(program.err, errWrite)) {
        program.error = std::string("command: cannot create pipes: ") + std::strerror(errno);
        return program;
    }
    if (!devNull.valid() || !makePipe(reportRead, reportWrite)) {
        program.error = std::string("command: cannot start: ") + std::strerror(errno);
        return program;
    }
    const ChildSetup setup{argv.data(),
                           cwd.empty() ? nullptr : cwd.c_str(),
                           devNull.get(),
                           outWrite.get(),
                           tty ? outWrite.get() : errWrite.get(),
                           reportWrite.get(),
                           tty,
                           getpid()};
    const pid_t pid = ::fork();
    if (pid < 0) {
        program.error = std::string("command: cannot fork: ") + std::strerror(errno);
        return program;
    }
    if (pid == 0)
        runChild(setup);
    reportWrite.reset();
    program.error = waitForExec(pid, reportRead.get(), words.front(), cwd);
    if (program.error.empty())
        program.pid = pid;
    if (tty)
        program.slave = std::move(outWrite);
    return program;
}

} // namespace longrun::worker
