#include "runner/jobrunner.h"

#include "framing.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QProcess>
#include <QtCore/QTimer>

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace longrun {

namespace proto = longrun::protocol;

QString describeSignal(int signal)
{
    const char *abbrev = ::sigabbrev_np(signal);
    const char *text = ::strsignal(signal);
    if (!abbrev)
        return QStringLiteral("signal %1").arg(signal);
    return QStringLiteral("SIG%1 (%2)")
        .arg(QString::fromLatin1(abbrev), QString::fromLocal8Bit(text));
}

namespace {

constexpr qsizetype kStderrTailBytes = 8 * 1024;
constexpr int kRunnerNice = 5;
constexpr int kWorkerNice = 10;
constexpr qsizetype kMaxPendingPoints = 8192;

// What a worker may put in one text, and how many result values it may name, before the rest is
// cut: a frame may carry 16 MiB, and a single-line label laid out from megabytes would stall
// the GUI thread on every update. Far above what longrun-worker sends (200-byte progress texts,
// an 8 KiB output tail).
constexpr std::size_t kMaxLabelBytes = 1024;     // progress text, result summary, value names
constexpr std::size_t kMaxTextBytes = 64 * 1024; // an error message, a text value
constexpr qsizetype kMaxResultValues = 256;

// A worker's UTF-8 text, at most `maxBytes` of it (cut on a character boundary, marked "…").
QString fromWorker(const std::string &text, std::size_t maxBytes)
{
    if (text.size() <= maxBytes)
        return QString::fromStdString(text);
    std::size_t n = maxBytes;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xc0) == 0x80)
        --n;
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(n)) + QChar(0x2026);
}

QVariant toVariant(const proto::Value &v)
{
    switch (v.type) {
    case proto::Value::Type::Int:
        return QVariant::fromValue(qint64{v.integer});
    case proto::Value::Type::Real:
        return v.real;
    case proto::Value::Type::Text:
        return fromWorker(v.text, kMaxTextBytes);
    case proto::Value::Type::Bool:
        return v.integer != 0;
    }
    return {};
}

// Lives on the pool thread for one attempt; owns the QProcess.
class Driver final : public QObject
{
    Q_OBJECT
public:
    Driver(int jobId, int attempt, const JobSpec &spec, const RunnerConfig &config,
           JobControl &control, UpdateInbox &inbox, QEventLoop &loop)
        : m_jobId(jobId)
        , m_attempt(attempt)
        , m_spec(spec)
        , m_config(config)
        , m_control(control)
        , m_inbox(inbox)
        , m_loop(loop)
    {}

    void start();
    // Called (queued, by name) when the controller asks for something: see JobRunner::run.
    Q_INVOKABLE void onControl();

private:
    enum class Phase { Starting, Running, Stopping, Done };
    enum class Reason { None, Stop, Timeout, Protocol, Linger, Hello };

    void onStdout();
    void onStderr();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onStartFailed();
    void handle(proto::WorkerMessage &&message);
    void protocolError(const QString &what);
    void beginStop(Reason reason, bool immediateKill);
    void escalate();
    void signalGroup(int signal);
    void setPaused(bool paused);
    void tick();
    void flush();
    void finish(State terminal, QString error);
    [[nodiscard]] qint64 activeMs() const;
    [[nodiscard]] RunnerUpdate makeUpdate() const;

    const int m_jobId;
    const int m_attempt;
    const JobSpec &m_spec;
    const RunnerConfig &m_config;
    JobControl &m_control;
    UpdateInbox &m_inbox;
    QEventLoop &m_loop;

    QProcess m_process;
    proto::WorkerFrameDecoder m_decoder;
    QTimer m_flushTimer;
    QTimer m_tickTimer;
    QTimer m_escalateTimer;
    QElapsedTimer m_clock;

    Phase m_phase = Phase::Starting;
    Reason m_reason = Reason::None;
    QString m_reasonText;
    int m_escalation = 0; // 0 nothing sent, 1 Cancel sent, 2 SIGTERM sent, 3 SIGKILL sent
    pid_t m_pgid = 0;
    bool m_helloSeen = false;
    bool m_paused = false;
    qint64 m_pausedSince = 0;
    qint64 m_pausedTotal = 0;
    qint64 m_resultAt = -1;

    double m_progress = 0.0;
    bool m_dirty = false;
    std::optional<double> m_pendingProgress;
    std::optional<QString> m_pendingText;
    QList<QPointF> m_pendingPoints;

    std::optional<JobResult> m_result;
    std::optional<QString> m_workerError;
    QByteArray m_stderrTail;
};

void Driver::start()
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(m_config.flushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &Driver::flush);
    m_escalateTimer.setSingleShot(true);
    connect(&m_escalateTimer, &QTimer::timeout, this, &Driver::escalate);
    m_tickTimer.setInterval(100);
    connect(&m_tickTimer, &QTimer::timeout, this, &Driver::tick);

    connect(&m_process, &QProcess::readyReadStandardOutput, this, &Driver::onStdout);
    connect(&m_process, &QProcess::readyReadStandardError, this, &Driver::onStderr);
    connect(&m_process, &QProcess::finished, this, &Driver::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            onStartFailed();
    });
    connect(&m_process, &QProcess::started, this, [this] {
        m_pgid = static_cast<pid_t>(m_process.processId());
        m_control.setProcessGroup(m_pgid);
        RunnerUpdate update = makeUpdate();
        update.pid = m_process.processId();
        m_inbox.post(std::move(update));
        // A stop that arrived while the process was being created.
        onControl();
    });

    // Runs in the child between fork and exec: its own process group (so that a job's whole
    // tree can be signalled at once), a lower priority (so that busy workers never starve the
    // GUI thread or the threads reading their frames), and death with this thread.
    m_process.setChildProcessModifier([] {
        ::setpgid(0, 0);
        ::setpriority(PRIO_PROCESS, 0, kWorkerNice);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    });

    proto::Start request;
    request.kind = m_spec.kind.toStdString();
    for (const JobParam &p : m_spec.params) {
        proto::Param param;
        param.key = p.key.toStdString();
        for (const QString &v : p.values)
            param.values.push_back(v.toStdString());
        request.params.push_back(std::move(param));
    }

    m_clock.start();
    m_tickTimer.start();
    m_process.start(m_config.launch.program, m_config.launch.arguments);
    // Written now, delivered once the process runs; QProcess buffers it. (A program that could
    // not be started has already been reported by errorOccurred().)
    if (m_process.state() != QProcess::NotRunning)
        m_process.write(
            QByteArray::fromStdString(proto::encodeFrame(proto::ParentMessage{request})));
}

void Driver::onControl()
{
    if (m_phase == Phase::Done)
        return;
    const JobControl::Stop stop = m_control.stopRequest();
    if (stop != JobControl::Stop::None) {
        if (m_reason == Reason::None) {
            m_reasonText = stop == JobControl::Stop::Shutdown
                               ? QStringLiteral("canceled: longrun is shutting down")
                               : QStringLiteral("canceled");
            beginStop(Reason::Stop, false);
        } else if (stop == JobControl::Stop::Shutdown && m_escalation < 3
                   && m_escalateTimer.remainingTime() > m_config.shutdownGraceMs) {
            m_escalateTimer.start(m_config.shutdownGraceMs);
        }
        return;
    }
    setPaused(m_control.pauseRequested());
}

qint64 Driver::activeMs() const
{
    const qint64 now = m_clock.elapsed();
    return now - m_pausedTotal - (m_paused ? now - m_pausedSince : 0);
}

void Driver::setPaused(bool paused)
{
    // A job can only be paused once its worker runs; an early request waits for Hello.
    if (paused == m_paused || m_phase != Phase::Running || m_pgid <= 0)
        return;
    // SIGTSTP, not SIGSTOP: it stops every kind alike, and a command's worker catches it to stop
    // its program too, which runs in a session of its own (worker/io.h, setProgramGroup).
    signalGroup(paused ? SIGTSTP : SIGCONT);
    m_paused = paused;
    if (paused) {
        m_pausedSince = m_clock.elapsed();
    } else {
        m_pausedTotal += m_clock.elapsed() - m_pausedSince;
    }
    RunnerUpdate update = makeUpdate();
    update.state = paused ? State::Paused : State::Running;
    m_inbox.post(std::move(update));
}

void Driver::tick()
{
    if (m_phase == Phase::Done || m_reason != Reason::None)
        return;
    if (!m_helloSeen && m_clock.elapsed() > m_config.helloTimeoutMs) {
        m_reasonText = QStringLiteral("the worker did not say hello within %1 s")
                           .arg(m_config.helloTimeoutMs / 1000.0);
        beginStop(Reason::Hello, true);
    } else if (m_config.timeoutMs > 0 && activeMs() > m_config.timeoutMs) {
        m_reasonText = QStringLiteral("timed out after %1 s").arg(m_config.timeoutMs / 1000.0);
        beginStop(Reason::Timeout, false);
    } else if (m_resultAt >= 0 && m_clock.elapsed() - m_resultAt > m_config.exitAfterResultMs) {
        m_reasonText = QStringLiteral("the worker did not exit within %1 s of sending its %2")
                           .arg(m_config.exitAfterResultMs / 1000.0)
                           .arg(m_result ? QStringLiteral("result") : QStringLiteral("error"));
        beginStop(Reason::Linger, false);
    }
}

void Driver::signalGroup(int signal)
{
    if (m_pgid > 0)
        ::kill(-m_pgid, signal);
}

void Driver::beginStop(Reason reason, bool immediateKill)
{
    if (m_phase == Phase::Done || m_reason != Reason::None)
        return;
    m_reason = reason;
    m_phase = Phase::Stopping;
    if (m_process.state() == QProcess::NotRunning) {
        // Not started yet (or already gone): finished()/errorOccurred() will conclude.
        return;
    }
    if (immediateKill) {
        m_escalation = 2;
        escalate();
        return;
    }
    escalate();
}

void Driver::escalate()
{
    const bool shutdown = m_control.stopRequest() == JobControl::Stop::Shutdown;
    switch (m_escalation) {
    case 0:
        // A stopped process cannot read its Cancel frame: let it run to hear it.
        if (m_paused)
            signalGroup(SIGCONT);
        m_process.write(
            QByteArray::fromStdString(proto::encodeFrame(proto::ParentMessage{proto::Cancel{}})));
        m_escalation = 1;
        m_escalateTimer.start(shutdown ? m_config.shutdownGraceMs : m_config.cancelGraceMs);
        break;
    case 1:
        signalGroup(SIGCONT);
        signalGroup(SIGTERM);
        m_escalation = 2;
        m_escalateTimer.start(shutdown ? m_config.shutdownGraceMs : m_config.termGraceMs);
        break;
    default:
        signalGroup(SIGKILL);
        m_escalation = 3;
        break;
    }
}

void Driver::onStdout()
{
    const QByteArray bytes = m_process.readAllStandardOutput();
    if (m_reason == Reason::Protocol)
        return;
    m_decoder.feed(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    while (auto message = m_decoder.next()) {
        handle(std::move(*message));
        if (m_reason == Reason::Protocol)
            return;
    }
    if (m_decoder.hasError())
        protocolError(QString::fromStdString(m_decoder.error()));
}

void Driver::onStderr()
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

void Driver::protocolError(const QString &what)
{
    if (m_reason == Reason::Protocol)
        return;
    // A worker that lies gets no grace; but a stop already under way keeps its own reason.
    if (m_reason != Reason::None) {
        signalGroup(SIGKILL);
        return;
    }
    m_reasonText = QStringLiteral("protocol error: ") + what;
    beginStop(Reason::Protocol, true);
}

void Driver::handle(proto::WorkerMessage &&message)
{
    if (!m_helloSeen && !std::holds_alternative<proto::Hello>(message)) {
        protocolError(QStringLiteral("expected hello first, got %1")
                          .arg(QLatin1String(proto::messageName(message))));
        return;
    }
    if (m_result || m_workerError) {
        protocolError(QStringLiteral("%1 frame after the %2")
                          .arg(QLatin1String(proto::messageName(message)),
                               m_result ? QStringLiteral("result") : QStringLiteral("error")));
        return;
    }
    std::visit(
        [this](auto &m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, proto::Hello>) {
                if (m_helloSeen) {
                    protocolError(QStringLiteral("a second hello"));
                } else if (m.protocolVersion != proto::kProtocolVersion) {
                    protocolError(QStringLiteral("the worker speaks protocol %1, longrun speaks %2")
                                      .arg(m.protocolVersion)
                                      .arg(proto::kProtocolVersion));
                } else {
                    m_helloSeen = true;
                    if (m_phase == Phase::Starting) {
                        m_phase = Phase::Running;
                        RunnerUpdate update = makeUpdate();
                        update.state = State::Running;
                        m_inbox.post(std::move(update));
                        setPaused(m_control.pauseRequested());
                    }
                }
            } else if constexpr (std::is_same_v<T, proto::Progress>) {
                if (!std::isfinite(m.fraction) || m.fraction < 0.0 || m.fraction > 1.0) {
                    protocolError(QStringLiteral("progress %1 is not a fraction from 0 to 1")
                                      .arg(m.fraction));
                    return;
                }
                m_progress = std::max(m_progress, m.fraction);
                m_pendingProgress = m_progress;
                if (!m.text.empty() || m_pendingText)
                    m_pendingText = fromWorker(m.text, kMaxLabelBytes);
                m_dirty = true;
            } else if constexpr (std::is_same_v<T, proto::Data>) {
                for (const proto::Point &p : m.points) {
                    if (std::isfinite(p.x) && std::isfinite(p.y))
                        m_pendingPoints.append(QPointF(p.x, p.y));
                }
                if (m_pendingPoints.size() > kMaxPendingPoints)
                    halveDensity(m_pendingPoints);
                m_dirty = true;
            } else if constexpr (std::is_same_v<T, proto::Result>) {
                JobResult result;
                result.summary = fromWorker(m.summary, kMaxLabelBytes);
                for (const proto::Value &v : m.values) {
                    if (result.values.size() >= kMaxResultValues)
                        break;
                    result.values.insert(fromWorker(v.key, kMaxLabelBytes), toVariant(v));
                }
                result.imageWidth = static_cast<int>(m.image.width);
                result.imageHeight = static_cast<int>(m.image.height);
                result.imageRgb = QByteArray(reinterpret_cast<const char *>(m.image.rgb.data()),
                                             static_cast<qsizetype>(m.image.rgb.size()));
                m_result = std::move(result);
                m_resultAt = m_clock.elapsed();
                m_progress = 1.0;
                m_pendingProgress = 1.0;
                m_dirty = true;
                // Nothing more to say to the worker; a well-behaved one exits now.
                m_process.closeWriteChannel();
            } else if constexpr (std::is_same_v<T, proto::Error>) {
                m_workerError = fromWorker(m.message, kMaxTextBytes);
                m_resultAt = m_clock.elapsed();
                m_process.closeWriteChannel();
            }
        },
        message);
    if (m_dirty && !m_flushTimer.isActive())
        m_flushTimer.start();
}

RunnerUpdate Driver::makeUpdate() const
{
    RunnerUpdate update;
    update.jobId = m_jobId;
    update.attempt = m_attempt;
    return update;
}

void Driver::flush()
{
    if (!m_dirty)
        return;
    RunnerUpdate update = makeUpdate();
    update.progress = std::exchange(m_pendingProgress, std::nullopt);
    update.progressText = std::exchange(m_pendingText, std::nullopt);
    update.points = std::exchange(m_pendingPoints, {});
    m_dirty = false;
    m_inbox.post(std::move(update));
}

void Driver::onStartFailed()
{
    if (m_phase == Phase::Done)
        return;
    const QString program = m_config.launch.program;
    const QString why = startFailureReason(m_process.errorString());
    if (m_reason == Reason::Stop) {
        finish(State::Canceled, m_reasonText);
        return;
    }
    finish(State::Failed, QStringLiteral("cannot start the worker '%1': %2").arg(program, why));
}

void Driver::onFinished(int exitCode, QProcess::ExitStatus status)
{
    // Whatever the worker wrote last is still ours to read.
    onStdout();
    onStderr();
    // Sweep the group: anything the job started and left behind dies with it.
    signalGroup(SIGKILL);
    m_escalateTimer.stop();

    const bool crashed = status == QProcess::CrashExit;
    const bool cleanExit =
        !crashed && exitCode == 0 && m_process.error() != QProcess::FailedToStart;
    const bool success = cleanExit && m_result && !m_workerError && m_decoder.pendingBytes() == 0
                         && !m_decoder.hasError();

    // Cancel racing a finish: a job that completed cleanly keeps its result.
    if (success && (m_reason == Reason::None || m_reason == Reason::Stop)) {
        finish(State::Succeeded, {});
        return;
    }
    switch (m_reason) {
    case Reason::Stop:
        finish(State::Canceled, m_reasonText);
        return;
    case Reason::Timeout:
        finish(State::TimedOut, m_reasonText);
        return;
    case Reason::Protocol:
    case Reason::Linger:
    case Reason::Hello:
        finish(State::Failed, m_reasonText);
        return;
    case Reason::None:
        break;
    }

    if (m_workerError) {
        finish(State::Failed, *m_workerError);
    } else if (crashed) {
        // QProcess reports the terminating signal as the exit code of a crash.
        finish(State::Failed,
               QStringLiteral("the worker was killed by %1").arg(describeSignal(exitCode)));
    } else if (m_decoder.pendingBytes() > 0) {
        finish(State::Failed,
               QStringLiteral("protocol error: the worker exited in the middle of a frame "
                              "(%1 bytes of it arrived)")
                   .arg(m_decoder.pendingBytes()));
    } else if (exitCode != 0) {
        finish(State::Failed,
               QStringLiteral("the worker exited with code %1 without a result").arg(exitCode));
    } else {
        finish(State::Failed,
               QStringLiteral("the worker exited (code 0) without sending a result"));
    }
}

void Driver::finish(State terminal, QString error)
{
    if (m_phase == Phase::Done)
        return;
    m_phase = Phase::Done;
    m_flushTimer.stop();
    m_tickTimer.stop();
    m_escalateTimer.stop();
    flush();

    RunnerUpdate update = makeUpdate();
    update.terminal = terminal;
    update.stderrTail = QString::fromLocal8Bit(m_stderrTail).trimmed();
    if (terminal == State::Succeeded) {
        update.result = std::move(m_result);
    } else {
        // The last lines of stderr say more than an exit code; keep a few in the error itself.
        const bool generic = !m_workerError || terminal != State::Failed;
        if (generic && !update.stderrTail.isEmpty() && terminal == State::Failed) {
            QStringList lines = update.stderrTail.split(QLatin1Char('\n'));
            if (lines.size() > 3)
                lines = lines.mid(lines.size() - 3);
            error += QStringLiteral("\nstderr: ") + lines.join(QStringLiteral("\n"));
        }
        update.error = std::move(error);
        // A result that arrived before things went wrong is kept for the user to see.
        update.result = std::move(m_result);
    }
    m_inbox.post(std::move(update));
    // Queued: finish() may run inside QProcess::start(), before the loop is running.
    QMetaObject::invokeMethod(&m_loop, &QEventLoop::quit, Qt::QueuedConnection);
}

} // namespace

JobRunner::JobRunner(int jobId, int attempt, JobSpec spec, RunnerConfig config,
                     std::shared_ptr<JobControl> control, std::shared_ptr<UpdateInbox> inbox)
    : m_jobId(jobId)
    , m_attempt(attempt)
    , m_spec(std::move(spec))
    , m_config(std::move(config))
    , m_control(std::move(control))
    , m_inbox(std::move(inbox))
{
    setAutoDelete(true);
}

void JobRunner::run()
{
    // Reading frames costs next to nothing, unless a worker floods: then eight busy runner
    // threads would outweigh the GUI thread. Nice is per thread on Linux: the runners sit
    // between the GUI thread (0) and the workers (10, set in the child), so neither the GUI
    // nor the reading of frames is ever starved. (A pool thread keeps it; all of them run jobs.)
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kRunnerNice);
    if (m_control->stopRequest() != JobControl::Stop::None) {
        RunnerUpdate update;
        update.jobId = m_jobId;
        update.attempt = m_attempt;
        update.terminal = State::Canceled;
        update.error = m_control->stopRequest() == JobControl::Stop::Shutdown
                           ? QStringLiteral("canceled: longrun is shutting down")
                           : QStringLiteral("canceled before it started");
        m_inbox->post(std::move(update));
        return;
    }
    QEventLoop loop;
    Driver driver(m_jobId, m_attempt, m_spec, m_config, *m_control, *m_inbox, loop);
    // By name, not with a functor (see UpdateInbox::post): the GUI thread builds nothing of ours
    // for this thread to read.
    m_control->attach(
        [&driver] { QMetaObject::invokeMethod(&driver, "onControl", Qt::QueuedConnection); });
    driver.start();
    loop.exec();
    m_control->detach();
}

} // namespace longrun

#include "jobrunner.moc"
