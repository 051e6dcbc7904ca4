#include "runner/workersession.h"

#include "framing.h"
#include "jobs/jobtypes.h"

#include <csignal>

namespace longrun {

namespace {
constexpr qsizetype kStderrTailBytes = 8 * 1024;
} // namespace

WorkerSession::WorkerSession(std::unique_ptr<WorkerLauncher> launcher, Grace grace)
    : m_launcher(std::move(launcher))
    , m_grace(grace)
{
    m_escalateTimer.setSingleShot(true);
    connect(&m_escalateTimer, &QTimer::timeout, this, &WorkerSession::escalate);
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &WorkerSession::readStdout);
    connect(&m_process, &QProcess::readyReadStandardError, this, &WorkerSession::readStderr);
    connect(&m_process, &QProcess::started, this, &WorkerSession::onStarted);
    connect(&m_process, &QProcess::finished, this, &WorkerSession::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            emit startFailed(startFailureReason(m_process.errorString()));
    });
}

// The launcher's destructor ends its hold on the worker's group. It runs after the process is
// reaped and after JobControl::detach() (see JobRunner::run): no thread signals the group then.
WorkerSession::~WorkerSession() = default;

void WorkerSession::start(const QByteArray &firstFrame)
{
    m_launcher->start(m_process);
    // Written now, delivered once the process runs; QProcess buffers it. (A program that could
    // not be started has already been reported by errorOccurred().)
    if (m_process.state() != QProcess::NotRunning)
        m_process.write(firstFrame);
}

void WorkerSession::send(const QByteArray &frame)
{
    m_process.write(frame);
}

void WorkerSession::closeInput()
{
    m_process.closeWriteChannel();
}

void WorkerSession::onStarted()
{
    m_holdError = m_launcher->hold(m_process.processId());
    if (!m_holdError.isEmpty()) {
        // Not reaped yet, so this pid is still the worker; finished() reports the failure.
        m_process.kill();
        return;
    }
    m_held = true;
    emit started(m_process.processId());
}

void WorkerSession::stop(bool shutdown)
{
    if (shutdown && !m_shutdown) {
        m_shutdown = true;
        if (m_escalateTimer.isActive() && m_escalateTimer.remainingTime() > m_grace.shutdownMs)
            m_escalateTimer.start(m_grace.shutdownMs);
    }
    // Not started yet (or already gone): finished() or startFailed() will conclude.
    if (m_escalation > 0 || m_process.state() == QProcess::NotRunning)
        return;
    escalate();
}

void WorkerSession::kill()
{
    m_escalateTimer.stop();
    m_launcher->signal(SIGKILL);
    m_escalation = 3;
}

bool WorkerSession::setPaused(bool paused)
{
    if (paused == m_paused || !m_held)
        return false;
    // SIGTSTP, not SIGSTOP: it stops every kind alike, and a command's worker catches it to stop
    // its program too, which runs in a session of its own (worker/io.h, setProgramGroup).
    m_launcher->signal(paused ? SIGTSTP : SIGCONT);
    m_paused = paused;
    return true;
}

void WorkerSession::escalate()
{
    namespace proto = longrun::protocol;
    switch (m_escalation) {
    case 0:
        // A stopped process cannot read its Cancel frame: let it run to hear it.
        if (m_paused)
            m_launcher->signal(SIGCONT);
        send(QByteArray::fromStdString(proto::encodeFrame(proto::ParentMessage{proto::Cancel{}})));
        m_escalation = 1;
        m_escalateTimer.start(m_shutdown ? m_grace.shutdownMs : m_grace.cancelMs);
        break;
    case 1:
        m_launcher->signal(SIGCONT);
        m_launcher->signal(SIGTERM);
        m_escalation = 2;
        m_escalateTimer.start(m_shutdown ? m_grace.shutdownMs : m_grace.termMs);
        break;
    default:
        kill();
        break;
    }
}

void WorkerSession::readStdout()
{
    const QByteArray bytes = m_process.readAllStandardOutput();
    if (!bytes.isEmpty())
        emit output(bytes);
}

void WorkerSession::readStderr()
{
    m_stderrTail.append(m_process.readAllStandardError());
    if (m_stderrTail.size() > 2 * kStderrTailBytes) {
        // Keep whole lines where possible.
        qsizetype cut = m_stderrTail.size() - kStderrTailBytes;
        const qsizetype newline = m_stderrTail.indexOf('\n', cut);
        if (newline >= 0 && newline < m_stderrTail.size() - 1)
            cut = newline + 1;
        m_stderrTail.remove(0, cut);
    }
}

void WorkerSession::onFinished(int exitCode, QProcess::ExitStatus status)
{
    // Whatever the worker wrote last is still ours to read.
    readStdout();
    readStderr();
    // Sweep the group: anything the job started and left behind dies with it. QProcess has
    // reaped the worker, but the launcher still holds its group (see LocalLauncher).
    m_launcher->signal(SIGKILL);
    m_escalateTimer.stop();
    if (!m_holdError.isEmpty()) {
        emit startFailed(m_holdError);
        return;
    }
    WorkerExit exit;
    exit.crashed = status == QProcess::CrashExit;
    exit.code = exitCode; // QProcess reports the terminating signal as the code of a crash
    exit.clean = !exit.crashed && exitCode == 0 && m_process.error() != QProcess::FailedToStart;
    emit finished(exit);
}

} // namespace longrun
