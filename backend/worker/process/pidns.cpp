#include "process/pidns.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace longrun::worker {

namespace {

// What the init needs, copied before the clone; everything it does is async-signal-safe (it
// is a forked copy of a process with threads, child.h), for its whole life.
struct InitArgs
{
    const ChildSetup *setup; // nullptr: the probe
    int report;
    int status;        // write end
    int lifeline;      // read end: hung up once the worker is gone
    int lifelineWrite; // our copy of the worker's end, closed first
    bool userNamespace;
    uid_t uid;
    gid_t gid;
};

// "<id> <id> 1": the user keeps its uid and gid inside, nobody else is mapped.
void formatMap(char *out, unsigned long id)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + id % 10);
        id /= 10;
    } while (id != 0);
    char *p = out;
    for (int copy = 0; copy < 2; ++copy) {
        for (int i = n - 1; i >= 0; --i)
            *p++ = digits[i];
        *p++ = ' ';
    }
    *p++ = '1';
    *p = '\0';
}

int writeFile(const char *path, const char *text)
{
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    const ssize_t n = ::write(fd, text, std::strlen(text));
    const int error = n < 0 ? errno : 0;
    ::close(fd);
    return error;
}

int mapUser(uid_t uid, gid_t gid)
{
    char map[64];
    // Unprivileged, gid_map can only be written once setgroups(2) is denied for good.
    int error = writeFile("/proc/self/setgroups", "deny");
    formatMap(map, uid);
    if (error == 0)
        error = writeFile("/proc/self/uid_map", map);
    formatMap(map, gid);
    if (error == 0)
        error = writeFile("/proc/self/gid_map", map);
    return error;
}

// Our mounts must not propagate to the host's namespace (as root, / is usually shared).
int remountProc()
{
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0)
        return errno;
    if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
        return errno;
    return 0;
}

// The worker's signals to the init are for the whole job: kill(-1) from a namespace's init
// reaches every other process in it. Pause stops them (SIGTSTP may be ignored, SIGSTOP not).
void onInitSignal(int sig)
{
    const int saved = errno;
    ::kill(-1, sig == SIGTSTP ? SIGSTOP : sig);
    errno = saved;
}

constexpr int kForwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGTSTP, SIGCONT};

void forwardSignals(sigset_t &set)
{
    sigemptyset(&set);
    struct sigaction action = {};
    action.sa_handler = onInitSignal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (const int sig : kForwarded) {
        sigaddset(&set, sig);
        sigaction(sig, &action, nullptr);
    }
}

// Keeps /dev/null as 0, 1, 2 and the status pipe as 3: nothing of the worker's (its frame
// pipes, the pty) stays open in the init.
int closeAllBut(int devNull, int status)
{
    for (int target = 0; target < 3; ++target)
        ::dup2(devNull, target);
    if (status != 3 && ::dup2(status, 3) != 3)
        return -1;
    if (::syscall(SYS_close_range, 4U, ~0U, 0U) != 0) {
        for (int fd = 4; fd < 4096; ++fd)
            ::close(fd);
    }
    return 3;
}

// Reaps everything until nothing is left; the program's status goes to the worker at once.
[[noreturn]] void reapAll(pid_t program, int status)
{
    int programStatus = 0;
    for (;;) {
        int wstatus = 0;
        const pid_t pid = ::waitpid(-1, &wstatus, 0);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid < 0)
            break;
        if (pid == program) {
            programStatus = wstatus;
            [[maybe_unused]] const ssize_t n = ::write(status, &wstatus, sizeof wstatus);
            ::close(status);
        }
    }
    _exit(WIFEXITED(programStatus) ? WEXITSTATUS(programStatus) : 128 + WTERMSIG(programStatus));
}

[[noreturn]] void initMain(const InitArgs &args)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::close(args.lifelineWrite);
    // The worker may have died before the line above: then no signal will come.
    pollfd lifeline = {args.lifeline, POLLIN, 0};
    if (::poll(&lifeline, 1, 0) != 0)
        _exit(127);
    prctl(PR_SET_NAME, "longrun-init");
    resetSignals();
    // Out of the worker's group: the app's signals to it reach the job through the worker.
    ::setsid();
    if (args.userNamespace) {
        if (const int error = mapUser(args.uid, args.gid); error != 0)
            reportAndExit(args.report, kNamespace, error);
    }
    if (const int error = remountProc(); error != 0)
        reportStage(args.report, kProcNote, error);
    if (args.setup == nullptr)
        _exit(0);
    sigset_t forwarded;
    forwardSignals(forwarded);
    // The program must not run our handlers between its fork and its exec.
    sigprocmask(SIG_BLOCK, &forwarded, nullptr);
    ChildSetup setup = *args.setup;
    setup.parent = getpid();
    // Not fork(): glibc's takes the malloc locks first, which a thread of the worker may have
    // held when we were cloned; the raw call runs no fork handlers.
    const auto program =
        static_cast<pid_t>(::syscall(SYS_clone, SIGCHLD, nullptr, nullptr, nullptr, nullptr));
    if (program < 0)
        reportAndExit(args.report, kFork, errno);
    if (program == 0)
        runChild(setup);
    sigprocmask(SIG_UNBLOCK, &forwarded, nullptr);
    const int status = closeAllBut(setup.in, args.status);
    reapAll(program, status);
}

// The worker's end of the lifeline: held for the worker's life (it runs one job), so that an
// init never mistakes a closed copy for the worker's death.
Fd &lifelineWriteEnd()
{
    static Fd fd;
    return fd;
}

// A sysctl's value, or "" when it does not exist here.
std::string sysctl(const char *path)
{
    const Fd fd(::open(path, O_RDONLY | O_CLOEXEC));
    char text[32];
    const ssize_t n = fd.valid() ? ::read(fd.get(), text, sizeof text) : -1;
    std::string value = n > 0 ? std::string(text, static_cast<std::size_t>(n)) : std::string();
    while (!value.empty() && value.back() == '\n')
        value.pop_back();
    return value;
}

} // namespace

std::string namespaceFailure(int stage, int error)
{
    const std::string why = std::strerror(error);
    if (stage == kNamespace) {
        // Ubuntu 24.04 lets the namespace be made but takes its capabilities away.
        const std::string note =
            sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1"
                ? " (kernel.apparmor_restrict_unprivileged_userns = 1)"
                : "";
        return "cannot map the user into a user namespace: " + why + note;
    }
    if (::geteuid() != 0 && sysctl("/proc/sys/kernel/unprivileged_userns_clone") == "0")
        return "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)";
    if (sysctl("/proc/sys/user/max_user_namespaces") == "0")
        return "user namespaces are disabled (user.max_user_namespaces = 0)";
    return "cannot create a PID namespace: " + why;
}

std::string procNote(int error)
{
    return std::string("pid-namespace, host /proc (mount: ") + std::strerror(error) + ")";
}

std::string probeContainment()
{
    if (const std::string off = namespacesDisabled(); !off.empty())
        return "subreaper: " + off;
    Fd reportRead, reportWrite;
    if (!makePipe(reportRead, reportWrite))
        return std::string("subreaper: cannot start: ") + std::strerror(errno);
    NamespaceInit init = startInit(nullptr, reportWrite.get());
    reportWrite.reset();
    if (init.pid < 0)
        return "subreaper: " + namespaceFailure(0, init.error);
    const ChildReports reports = readReports(reportRead.get());
    int status = 0;
    while (::waitpid(init.pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (reports.failure.stage != 0)
        return "subreaper: " + namespaceFailure(reports.failure.stage, reports.failure.error);
    return reports.procError != 0 ? procNote(reports.procError) : std::string(kPidNamespace);
}

std::string namespacesDisabled()
{
    const char *off = std::getenv(kNoNamespacesVariable);
    if (off != nullptr && *off != '\0')
        return std::string(kNoNamespacesVariable) + " is set";
    return {};
}

NamespaceInit startInit(const ChildSetup *setup, int report)
{
    NamespaceInit init;
    static Fd lifelineRead;
    Fd statusWrite;
    if (!lifelineRead.valid() && !makePipe(lifelineRead, lifelineWriteEnd())) {
        init.error = errno;
        return init;
    }
    if (!makePipe(init.status, statusWrite)) {
        init.error = errno;
        return init;
    }
    const bool root = ::geteuid() == 0;
    const InitArgs args{
        setup, report,     statusWrite.get(), lifelineRead.get(), lifelineWriteEnd().get(),
        !root, ::getuid(), ::getgid()};
    const unsigned long flags =
        CLONE_NEWPID | CLONE_NEWNS | (root ? 0UL : static_cast<unsigned long>(CLONE_NEWUSER));
    // Like fork(): the child returns here with a copy of our memory and stack.
    const long pid = ::syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (pid == 0)
        initMain(args);
    if (pid < 0) {
        init.error = errno;
        init.status.reset();
        return init;
    }
    init.pid = static_cast<pid_t>(pid);
    return init;
}

} // namespace longrun::worker
