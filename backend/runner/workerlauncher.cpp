#include "runner/workerlauncher.h"

#include <QtCore/QProcess>

#include <csignal>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace longrun {

namespace {

constexpr int kWorkerNice = 10;

} // namespace

LocalLauncher::LocalLauncher(WorkerLaunch launch)
    : m_launch(std::move(launch))
{}

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
    // The worker made its own group before exec.
    m_group = static_cast<pid_t>(pid);
    return {};
}

void LocalLauncher::signal(int signal) const
{
    if (m_group > 0)
        ::kill(-m_group, signal);
}

} // namespace longrun
