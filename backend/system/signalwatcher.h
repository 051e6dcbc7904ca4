#pragma once

// SignalWatcher: SIGINT and SIGTERM as a Qt signal on the thread that owns it (the main one).
// A signal handler may only do async-signal-safe things, so it writes the signal's number into
// a socket pair (the self-pipe trick) and a QSocketNotifier reads it in the event loop. One per
// process; the window and the CLI each make one.

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
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace longrun
