#include "process/reaper.h"

#include "io.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <utility>
#include <vector>

namespace longrun::worker {

namespace {

constexpr auto kTermGrace = std::chrono::milliseconds(400);

int g_signalPipe[2] = {-1, -1};

void onChild(int)
{
    const int saved = errno;
    const char byte = 0;
    // Non-blocking: a full pipe already says "something ended".
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &byte, 1);
    errno = saved;
}

// Once per process; false if the pipe cannot be made (then the poll tick reaps).
bool armSignalPipe()
{
    if (g_signalPipe[0] >= 0)
        return true;
    if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return false;
    struct sigaction action = {};
    action.sa_handler = onChild;
    action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigemptyset(&action.sa_mask);
    sigaction(SIGCHLD, &action, nullptr);
    return true;
}

bool probePidfd()
{
    const char *off = std::getenv("LONGRUN_WORKER_NO_PIDFD");
    if (off != nullptr && *off != '\0')
        return false;
    // Probe with ourselves: ENOSYS before Linux 5.3.
    const Fd probe(static_cast<int>(::syscall(SYS_pidfd_open, ::getpid(), 0)));
    return probe.valid();
}

bool pidfdWanted()
{
    static const bool wanted = probePidfd();
    return wanted;
}

// Every live process below us: the program, what it started, and what left its session.
// Walking parent links from us finds them all, since we are a child subreaper.
std::vector<pid_t> liveDescendants()
{
    std::vector<std::pair<pid_t, pid_t>> links; // (pid, parent)
    DIR *proc = ::opendir("/proc");
    if (proc == nullptr)
        return {};
    while (const dirent *entry = ::readdir(proc)) {
        char *end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (pid <= 0 || *end != '\0')
            continue;
        char path[64];
        std::snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        const Fd stat(::open(path, O_RDONLY | O_CLOEXEC));
        char text[512];
        const ssize_t n = stat.valid() ? ::read(stat.get(), text, sizeof text - 1) : -1;
        if (n <= 0)
            continue;
        text[n] = '\0';
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        const char *close = std::strrchr(text, ')');
        char state = 0;
        long parent = 0;
        if (close == nullptr || std::sscanf(close + 1, " %c %ld", &state, &parent) != 2
            || state == 'Z' || state == 'X')
            continue;
        links.emplace_back(static_cast<pid_t>(pid), static_cast<pid_t>(parent));
    }
    ::closedir(proc);
    std::vector<pid_t> found{getpid()};
    for (std::size_t i = 0; i < found.size(); ++i) {
        for (const auto &[pid, parent] : links) {
            if (parent == found[i])
                found.push_back(pid);
        }
    }
    found.erase(found.begin());
    return found;
}

void drainSignalPipe()
{
    if (g_signalPipe[0] < 0)
        return;
    char bytes[64];
    while (::read(g_signalPipe[0], bytes, sizeof bytes) > 0) {
    }
}

void reapOrphans()
{
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
}

} // namespace

void ProgramWatch::setExited(int status)
{
    m_exited = true;
    m_status = status;
}

void ProgramWatch::stop()
{
    terminate();
    const auto deadline = Clock::now() + kTermGrace;
    while (!reap()) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            break;
        // The pidfd, the status pipe or the SIGCHLD pipe wakes us; 5 ms in case none exists.
        pollfd pfd = {fd(), POLLIN, 0};
        ::poll(&pfd, 1, static_cast<int>(std::min<long>(left.count(), fd() < 0 ? 5 : 50)));
    }
    endAll();
}

void prepareSubreaper()
{
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (!pidfdWanted())
        armSignalPipe();
}

SubreaperWatch::SubreaperWatch(pid_t program)
    : m_pid(program)
    , m_usePidfd(pidfdWanted())
{
    if (m_usePidfd)
        m_pidfd = Fd(static_cast<int>(::syscall(SYS_pidfd_open, program, 0)));
    setProgramGroup(program);
}

int SubreaperWatch::fd() const
{
    if (exited())
        return -1;
    return m_usePidfd ? m_pidfd.get() : g_signalPipe[0];
}

bool SubreaperWatch::reap()
{
    drainSignalPipe();
    for (;;) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid <= 0)
            break;
        if (pid == m_pid && !exited()) {
            setExited(status);
            m_pidfd.reset();
        }
    }
    return exited();
}

void SubreaperWatch::reapBlocking()
{
    while (!exited()) {
        int status = 0;
        const pid_t pid = ::waitpid(m_pid, &status, 0);
        if (pid < 0 && errno == EINTR)
            continue;
        setExited(pid == m_pid ? status : 0);
        m_pidfd.reset();
    }
}

void SubreaperWatch::terminate()
{
    // Once reaped, the program's group may be empty and its number reused: only descendants.
    if (!exited())
        ::kill(-m_pid, SIGTERM);
    for (const pid_t pid : liveDescendants())
        ::kill(pid, SIGTERM);
}

void SubreaperWatch::endAll()
{
    if (!exited()) {
        ::kill(-m_pid, SIGKILL);
        ::kill(m_pid, SIGKILL);
        reapBlocking();
    }
    for (int round = 0; round < 20; ++round) {
        const std::vector<pid_t> left = liveDescendants();
        if (left.empty())
            break;
        for (const pid_t pid : left)
            ::kill(pid, SIGKILL);
        reapOrphans();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    reapOrphans();
    setProgramGroup(0);
}

NamespaceWatch::NamespaceWatch(pid_t init, Fd status)
    : m_init(init)
    , m_status(std::move(status))
{
    ::fcntl(m_status.get(), F_SETFL, ::fcntl(m_status.get(), F_GETFL) | O_NONBLOCK);
    setProgramInit(init);
}

int NamespaceWatch::fd() const
{
    return exited() ? -1 : m_status.get();
}

void NamespaceWatch::readStatus()
{
    int status = 0;
    ssize_t n = 0;
    do {
        n = ::read(m_status.get(), &status, sizeof status);
    } while (n < 0 && errno == EINTR);
    if (n == static_cast<ssize_t>(sizeof status)) {
        setExited(status);
    } else if (n >= 0 || errno != EAGAIN) {
        // The init died without a word: the kernel killed the program with it.
        setExited(SIGKILL);
    } else {
        return;
    }
    m_status.reset();
}

bool NamespaceWatch::reap()
{
    if (!exited())
        readStatus();
    // The init ends by itself once the program and all it started have ended.
    int status = 0;
    if (!m_initReaped && ::waitpid(m_init, &status, WNOHANG) == m_init)
        m_initReaped = true;
    return exited();
}

void NamespaceWatch::terminate()
{
    if (!m_initReaped)
        ::kill(m_init, SIGTERM);
}

void NamespaceWatch::endAll()
{
    setProgramInit(0);
    if (!m_initReaped) {
        ::kill(m_init, SIGKILL);
        int status = 0;
        while (::waitpid(m_init, &status, 0) < 0 && errno == EINTR) {
        }
        m_initReaped = true;
    }
    // The init has closed the pipe by now: its status, or end of file.
    if (!exited())
        readStatus();
}

} // namespace longrun::worker
