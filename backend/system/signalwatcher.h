#pragma once

// SignalWatcher: SIGINT, SIGTERM and SIGHUP as a Qt signal on the thread that owns it (the main
// one). SIGHUP is what a closed terminal or ssh session sends: it ends a run as cleanly as
// SIGTERM does. A signal handler may only do async-signal-safe things, so it writes the
// signal's number into a socket pair (the self-pipe trick) and a QSocketNotifier reads it in the
// event loop. The write end is non-blocking: when a burst of signals fills the socket, the
// handler drops the byte instead of blocking the thread it interrupted (which may be the very
// thread that reads the socket). One per process; the window and the CLI each make one.
//
// Ctrl-Z (SIGTSTP) and SIGCONT are reported only when asked (Suspend::Reported, the CLI's
// choice): the CLI pauses its jobs, which live in process groups of their own that the
// terminal's Ctrl-Z never reaches, and then stops itself with stopProcess(). The window keeps
// the kernel's default (Ctrl-Z in the terminal that started it stops it, as before): it has a
// Pause of its own, and a window that ignored Ctrl-Z until its jobs were paused would surprise.
// SIGTTIN and SIGTTOU are left alone: longrun never reads its terminal, and a handler for
// SIGTTOU (a background write under `stty tostop`) would spin, since the kernel restarts the
// interrupted write, which raises SIGTTOU again, on the very thread that would have to act.

#include <QtCore/QObject>
#include <QtCore/QSocketNotifier>

#include <memory>

namespace longrun {

class SignalWatcher final : public QObject
{
    Q_OBJECT

public:
    // What becomes of SIGTSTP and SIGCONT: their default actions, or signalled() too.
    enum class Suspend { Default, Reported };

    explicit SignalWatcher(Suspend suspend = Suspend::Default, QObject *parent = nullptr);
    ~SignalWatcher() override;

    // Stops the whole process for real and returns once it is continued (fg, bg, kill -CONT).
    // SIGSTOP, not SIGTSTP: the kernel ignores SIGTSTP's default action in an orphaned process
    // group (under nohup, a CI runner, a shell that has gone), where `kill -TSTP` must stop
    // longrun all the same; and the SIGTSTP handler need not be taken down and put back.
    static void stopProcess();

Q_SIGNALS:
    void signalled(int signal);

private:
    void readPending();

    Suspend m_suspend;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace longrun
