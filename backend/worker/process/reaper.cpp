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

bool pidfdWanted()
{
    const char *off = std::getenv("LONGRUN_WORKER_NO_PIDFD");
    if (off != nullptr && *off != '\0')
        return false;
    // Probe with ourselves: ENOSYS before Linux 5.3.
    const Fd probe(static_cast<int>(::syscall(SYS_pidfd_open, ::getpid(), 0)));
    return probe.valid();
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

void reapOrphans()
{
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
}

} // namespace

void becomeSubreaper()
{
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
}

ExitWatch::ExitWatch()
    : m_usePidfd(pidfdWanted())
{
    if (!m_usePidfd)
        armSignalPipe();
}

void ExitWatch::attach(pid_t pid)
{
    m_pid = pid;
    if (m_usePidfd)
        m_pidfd = Fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
}

int ExitWatch::fd() const
{
    if (m_exited)
        return -1;
    return m_usePidfd ? m_pidfd.get() : g_signalPipe[0];
}

void ExitWatch::drainSignalPipe() const
{
    if (m_usePidfd || g_signalPipe[0] < 0)
        return;
    char bytes[64];
    while (::read(g_signalPipe[0], bytes, sizeof bytes) > 0) {
    }
}

bool ExitWatch::reap()
{
    drainSignalPipe();
    for (;;) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid <= 0)
            break;
        if (pid == m_pid && !m_exited) {
            m_exited = true;
            m_status = status;
            m_pidfd.reset();
        }
    }
    return m_exited;
}

void ExitWatch::reapBlocking()
{
    while (!m_exited) {
        int status = 0;
        const pid_t pid = ::waitpid(m_pid, &status, 0);
        if (pid < 0 && errno == EINTR)
            continue;
        m_exited = true;
        m_status = pid == m_pid ? status : 0;
        m_pidfd.reset();
    }
}

void stopProgram(ExitWatch &watch)
{
    // Once reaped, the program's group may be empty and its number reused: only descendants.
    if (!watch.exited())
        ::kill(-watch.pid(), SIGTERM);
    for (const pid_t pid : liveDescendants())
        ::kill(pid, SIGTERM);
    const auto deadline = Clock::now() + kTermGrace;
    while (!watch.reap()) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            break;
        // The pidfd or the SIGCHLD pipe wakes us; 5 ms in case neither exists.
        pollfd pfd = {watch.fd(), POLLIN, 0};
        ::poll(&pfd, 1, static_cast<int>(std::min<long>(left.count(), watch.fd() < 0 ? 5 : 50)));
    }
    if (!watch.exited()) {
        ::kill(-watch.pid(), SIGKILL);
        ::kill(watch.pid(), SIGKILL);
        watch.reapBlocking();
    }
    killDescendants();
}

void killDescendants()
{
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
}

} // namespace longrun::worker
