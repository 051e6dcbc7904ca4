#include "runner/workerlauncher.h"

#include <QtCore/QProcess>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace longrun {

namespace {

constexpr int kWorkerNice = 10;

// A child that joins `group` and exits: 0 if it joined. vfork, as posix_spawn does it: the
// child borrows our memory for two system calls, and no copy of a large GUI process is made.
pid_t spawnAnchor(pid_t group)
{
    const pid_t pid = ::vfork();
    if (pid == 0)
        ::_exit(::setpgid(0, group) == 0 ? 0 : 1);
    return pid;
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
