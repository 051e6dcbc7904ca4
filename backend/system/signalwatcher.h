#pragma once

// SignalWatcher: SIGINT, SIGTERM and SIGHUP as a Qt signal on the thread that owns it (the main
// one). SIGHUP is what a closed terminal or ssh session sends: it ends a run as cleanly as
// SIGTERM does. A signal handler may only do async-signal-safe things, so it writes the
// signal's number into a socket pair (the self-pipe trick) and a QSocketNotifier reads it in the
// event loop. The write end is non-blocking: when a burst of signals fills the socket, the
// handler drops the byte instead of blocking the thread it interrupted (which may be the very
// thread that reads the socket). One per process; the window and the CLI each make one.

#include <QtCore/QObject>
#include <QtCore/QSocketNotifier>

#include <memory>

namespace longrun {

class SignalWatcher final : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void signalled(int signal);

private:
    void readPending();

    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace longrun
