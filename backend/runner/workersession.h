#pragma once

// One worker process, on the runner's thread: started through a WorkerLauncher, fed frames,
// stopped by the ladder (a Cancel frame, then SIGTERM, then SIGKILL, each after its grace),
// paused with SIGSTOP and resumed with SIGCONT, and reaped. Whatever the job started is swept
// when the worker is gone. Reports exactly one of finished() and startFailed().
//
// Owned by the attempt it serves; its QProcess is created and used on that one thread. It must
// not be destroyed while the process runs (the attempt waits for finished() or startFailed()).

#include "runner/failuretext.h"
#include "runner/workerlauncher.h"

#include <QtCore/QByteArray>
#include <QtCore/QObject>
#include <QtCore/QProcess>
#include <QtCore/QTimer>

#include <memory>

namespace longrun {

class WorkerSession final : public QObject
{
    Q_OBJECT
public:
    struct Grace
    {
        int cancelMs = 500;   // Cancel frame -> SIGTERM
        int termMs = 500;     // SIGTERM -> SIGKILL
        int shutdownMs = 250; // each step when the app is quitting
    };

    WorkerSession(std::unique_ptr<WorkerLauncher> launcher, Grace grace);
    ~WorkerSession() override;

    // Starts the worker; `firstFrame` is written as soon as it runs.
    void start(const QByteArray &firstFrame);
    void send(const QByteArray &frame);
    // Nothing more to say: a well-behaved worker exits when its stdin closes.
    void closeInput();

    // Begins the ladder (once; later calls only shorten it when `shutdown`).
    void stop(bool shutdown);
    // SIGKILL now, whatever the ladder was at.
    void kill();
    // SIGSTOP or SIGCONT; false when there is nothing to signal yet (or nothing changes).
    bool setPaused(bool paused);

    // Thread-safe once started() was emitted: the launcher's signal (JobControl::killNow).
    void signalWorker(int signal) const { m_launcher->signal(signal); }
    [[nodiscard]] QByteArray stderrTail() const { return m_stderrTail; }

Q_SIGNALS:
    void started(qint64 pid);
    void output(const QByteArray &bytes); // from the worker's stdout, in arrival order
    // The worker is gone and reaped, the last of its output was emitted, the group was swept.
    void finished(const longrun::WorkerExit &exit);
    // It could not be started (or held: see WorkerLauncher::hold), in a person's words.
    void startFailed(const QString &why);

private:
    void onStarted();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void readStdout();
    void readStderr();
    void escalate();

    std::unique_ptr<WorkerLauncher> m_launcher;
    const Grace m_grace;
    QProcess m_process;
    QTimer m_escalateTimer;
    QByteArray m_stderrTail;
    QString m_holdError;
    bool m_held = false;
    bool m_paused = false;
    bool m_shutdown = false;
    int m_escalation = 0; // 0 nothing sent, 1 Cancel sent, 2 SIGTERM sent, 3 SIGKILL sent
};

} // namespace longrun
