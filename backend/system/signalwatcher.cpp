#include "system/signalwatcher.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace longrun {

namespace {
constexpr int kEnding[] = {SIGINT, SIGTERM, SIGHUP};
constexpr int kSuspend[] = {SIGTSTP, SIGCONT};
int s_pipe[2] = {-1, -1};

void onSignal(int signal)
{
    // The handler may interrupt code that is about to read errno (a failed write, a read):
    // leave it as it was.
    const int savedErrno = errno;
    const char byte = static_cast<char>(signal);
    // Non-blocking: a full socket means many signals are already waiting to be read, and one
    // more of the same adds nothing.
    [[maybe_unused]] const ssize_t n = ::write(s_pipe[1], &byte, 1);
    errno = savedErrno;
}

bool makeNonBlocking(int fd)
{
    const int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

bool openPipe()
{
    if (s_pipe[0] >= 0)
        return true;
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s_pipe) != 0)
        return false;
    if (makeNonBlocking(s_pipe[0]) && makeNonBlocking(s_pipe[1]))
        return true;
    ::close(s_pipe[0]);
    ::close(s_pipe[1]);
    s_pipe[0] = s_pipe[1] = -1;
    return false;
}

void setHandler(void (*handler)(int), SignalWatcher::Suspend suspend)
{
    struct sigaction action = {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (const int signal : kEnding)
        ::sigaction(signal, &action, nullptr);
    if (suspend == SignalWatcher::Suspend::Reported) {
        for (const int signal : kSuspend)
            ::sigaction(signal, &action, nullptr);
    }
}
} // namespace

SignalWatcher::SignalWatcher(Suspend suspend, QObject *parent)
    : QObject(parent)
    , m_suspend(suspend)
{
    if (!openPipe())
        return; // no pipe, no handler: the default actions (exit, stop) still apply
    setHandler(onSignal, m_suspend);
    m_notifier = std::make_unique<QSocketNotifier>(s_pipe[0], QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &SignalWatcher::readPending);
}

SignalWatcher::~SignalWatcher()
{
    setHandler(SIG_DFL, m_suspend);
}

void SignalWatcher::stopProcess()
{
    // Every thread stops with the process; raise() returns once a SIGCONT has continued it.
    ::raise(SIGSTOP);
}

void SignalWatcher::readPending()
{
    // Everything waiting, in one go: a burst is read in a few calls, not one byte per wake-up.
    char bytes[256];
    ssize_t n = 0;
    while ((n = ::read(s_pipe[0], bytes, sizeof bytes)) > 0) {
        for (ssize_t i = 0; i < n; ++i)
            emit signalled(static_cast<unsigned char>(bytes[i]));
    }
}

} // namespace longrun
