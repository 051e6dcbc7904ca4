#include "runner/workerlauncher.h"

#include <QtCore/QProcess>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace longrun {

namespace {

constexpr int kWorkerNice = 10;

// The anchor's whole life: join the group and exit, in raw system calls only. It runs on a
// stack of its own in our memory while this thread waits (CLONE_VM | CLONE_VFORK), so it must
// touch nothing of ours: no libc wrapper that a sanitizer intercepts (ThreadSanitizer's
// _exit() would run its finalizer in our memory, and its vfork() is a fork()), no errno.
int anchorMain(void *group)
{
    const long joined = ::syscall(SYS_setpgid, 0, *static_cast<pid_t *>(group));
    ::syscall(SYS_exit, joined == 0 ? 0 : 1);
    return 1;
}

// A child that joins `group` and exits: 0 if it joined. A vfork-like clone, as posix_spawn
// does it: no copy of a large GUI process is made for two system calls.
pid_t spawnAnchor(pid_t group)
{
    alignas(16) char stack[16 * 1024];
    return ::clone(anchorMain, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &group);
}

} // namespace

LocalLauncher::LocalLauncher(WorkerLaunch launch)
    : m_launch(std::move(launch))
{}

LocalLauncher::~LocalLauncher()
{
    if (m_anchor <= 0)
        return;
    while (::waitpid(m_anchor, nullptr, 0) < 0 && errno == EINTR) {
    }
}

void LocalLauncher::start(QProcess &process)
{
    // Runs in the child between fork and exec: its own process group, a lower priority (so that
    // busy workers never starve the GUI thread or the threads reading their frames), and death
    // with this thread.
    process.setChildProcessModifier([] {
        ::setpgid(0, 0);
        ::setpriority(PRIO_PROCESS, 0, kWorkerNice);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    });
    process.start(m_launch.program, m_launch.arguments);
}

QString LocalLauncher::hold(qint64 pid)
{
    // The worker made its own group before exec; unreaped, it holds the group for the anchor.
    const auto group = static_cast<pid_t>(pid);
    const pid_t anchor = spawnAnchor(group);
    if (anchor < 0)
        return QStringLiteral("cannot hold its process group: %1")
            .arg(QString::fromLocal8Bit(std::strerror(errno)));
    // Without reaping it (WNOWAIT): its zombie is what holds the group.
    siginfo_t info = {};
    int waited = 0;
    while ((waited = ::waitid(P_PID, static_cast<id_t>(anchor), &info, WEXITED | WNOWAIT)) < 0
           && errno == EINTR) {
    }
    if (waited < 0 || info.si_code != CLD_EXITED || info.si_status != 0) {
        while (::waitpid(anchor, nullptr, 0) < 0 && errno == EINTR) {
        }
        return QStringLiteral("cannot hold its process group: %1 cannot be joined").arg(group);
    }
    m_anchor = anchor;
    m_group = group;
    return {};
}

void LocalLauncher::signal(int signal) const
{
    if (m_group > 0)
        ::kill(-m_group, signal);
}

} // namespace longrun
