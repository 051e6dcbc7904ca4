#include "runner/jobrunner.h"

#include "framing.h"
#include "jobs/startrequest.h"
#include "runner/attemptlog.h"
#include "runner/frametranslator.h"
#include "runner/updatecoalescer.h"
#include "runner/workersession.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QTimer>

#include <csignal>
#include <sys/resource.h>
#include <unistd.h>
#include <utility>

namespace longrun {

namespace proto = longrun::protocol;

namespace {

constexpr int kRunnerNice = 5;
// The deadlines' tick, and the gap between two ticks that means this process did not run.
constexpr int kTickMs = 100;
constexpr qint64 kStallMs = 1000;

// One attempt on the pool thread: what the controller asks, what the worker says and the
// deadlines become one terminal state. The process itself is the WorkerSession's.
class Attempt final : public QObject
{
    Q_OBJECT
public:
    Attempt(int jobId, int attempt, const RunnerConfig &config, JobControl &control,
            UpdateInbox &inbox, QEventLoop &loop);

    void start(const JobSpec &spec);
    // Called (queued, by name) when the controller asks for something: see JobRunner::run.
    Q_INVOKABLE void onControl();
    // An exception left start() or the event loop: fails the attempt with `why`, once the
    // worker (if any) is reaped. False when the loop must run again until then.
    [[nodiscard]] bool abandon(const QString &why);

private:
    enum class Phase { Starting, Running, Stopping, Done };
    enum class Reason { None, Stop, Timeout, Protocol, Linger, Hello, Internal };
    using Translation = FrameTranslator::Translation;

    void onStarted(qint64 pid);
    void onOutput(const QByteArray &bytes);
    void onFinished(const WorkerExit &exit);
    void onStartFailed(const QString &why);
    void apply(const Translation &t);
    void log(const proto::OutputChunk &chunk);
    void protocolError(const QString &what);
    void beginStop(Reason reason, QString text, bool immediateKill);
    void setPaused(bool paused);
    void tick();
    void finish(State terminal, QString error);
    void setExit(RunnerUpdate &update) const;
    [[nodiscard]] qint64 activeMs() const;
    [[nodiscard]] qint64 heardMs() const;

    const RunnerConfig &m_config;
    JobControl &m_control;
    QEventLoop &m_loop;

    WorkerSession m_session;
    proto::WorkerFrameDecoder m_decoder;
    FrameTranslator m_translator;
    UpdateCoalescer m_updates;
    AttemptLog m_log;
    QTimer m_tickTimer;
    QElapsedTimer m_clock;

    Phase m_phase = Phase::Starting;
    Reason m_reason = Reason::None;
    QString m_reasonText;
    bool m_sessionStarted = false; // start() was called: finished() or startFailed() will come
    bool m_sessionEnded = false;
    bool m_terminalPosted = false;
    bool m_paused = false;
    qint64 m_pausedSince = 0;
    qint64 m_pausedTotal = 0;
    qint64 m_resultAt = -1;           // heardMs() when the result (or error) came
    qint64 m_lastTickAt = 0;          // m_clock.elapsed() at the last tick
    qint64 m_stalledMs = 0;           // time in which this process did not run (see tick())
    bool m_skippedTick = false;       // the last tick came after a stall and decided nothing
    std::optional<WorkerExit> m_exit; // once the worker ended
};

Attempt::Attempt(int jobId, int attempt, const RunnerConfig &config, JobControl &control,
                 UpdateInbox &inbox, QEventLoop &loop)
    : m_config(config)
    , m_control(control)
    , m_loop(loop)
    , m_session(std::make_unique<LocalLauncher>(config.launch),
                {config.cancelGraceMs, config.termGraceMs, config.shutdownGraceMs})
    , m_updates(jobId, attempt, inbox, config.flushIntervalMs)
    , m_log(config.logDataDir, config.logName)
{
    m_tickTimer.setInterval(kTickMs);
    connect(&m_tickTimer, &QTimer::timeout, this, &Attempt::tick);
    connect(&m_session, &WorkerSession::started, this, &Attempt::onStarted);
    connect(&m_session, &WorkerSession::output, this, &Attempt::onOutput);
    connect(&m_session, &WorkerSession::finished, this, &Attempt::onFinished);
    connect(&m_session, &WorkerSession::startFailed, this, &Attempt::onStartFailed);
}

void Attempt::start(const JobSpec &spec)
{
    // Encoded before anything starts: a request that cannot be sent (the spec builder refuses
    // those, but a spec may come from elsewhere) throws here, with no process to clean up.
    const QByteArray frame = startFrame(spec);
    m_clock.start();
    m_tickTimer.start();
    m_sessionStarted = true;
    m_session.start(frame);
}

bool Attempt::abandon(const QString &why)
{
    if (m_terminalPosted)
        return true;
    if (m_phase == Phase::Done) {
        // finish() itself threw before its update went out (its worker is gone by then): the
        // least that ends the job.
        RunnerUpdate update = m_updates.update();
        update.terminal = State::Failed;
        update.error = why;
        m_updates.post(std::move(update));
        m_terminalPosted = true;
        return true;
    }
    if (m_reason != Reason::Internal) {
        m_reason = Reason::Internal;
        m_reasonText = why;
        m_phase = Phase::Stopping;
    }
    if (!m_sessionStarted || m_sessionEnded) {
        finish(State::Failed, m_reasonText);
        return true;
    }
    // The worker may be running: kill it and let onFinished() (or onStartFailed()) end the
    // attempt, so that run() still returns only once it is reaped.
    m_session.kill();
    return false;
}

void Attempt::onStarted(qint64 pid)
{
    // The last resort of a shutdown, from the GUI thread; cleared by JobControl::detach().
    m_control.setKill([session = &m_session] { session->signalWorker(SIGKILL); });
    RunnerUpdate update = m_updates.update();
    update.pid = pid;
    m_updates.post(std::move(update));
    // A stop that arrived while the process was being created.
    onControl();
}

void Attempt::onControl()
{
    if (m_phase == Phase::Done)
        return;
    const JobControl::Stop stop = m_control.stopRequest();
    if (stop == JobControl::Stop::None) {
        setPaused(m_control.pauseRequested());
        return;
    }
    const bool shutdown = stop == JobControl::Stop::Shutdown;
    if (m_reason != Reason::None) {
        m_session.stop(shutdown); // a stop under way: only shortened
        return;
    }
    beginStop(Reason::Stop,
              shutdown ? QStringLiteral("canceled: longrun is shutting down")
                       : QStringLiteral("canceled"),
              false);
}

qint64 Attempt::activeMs() const
{
    const qint64 now = m_clock.elapsed();
    return now - m_pausedTotal - (m_paused ? now - m_pausedSince : 0);
}

// The time in which the worker ran and longrun could hear it: its active time less the stalls.
qint64 Attempt::heardMs() const
{
    return activeMs() - m_stalledMs;
}

void Attempt::setPaused(bool paused)
{
    // A job can only be paused once its worker runs; an early request waits for Hello.
    if (m_phase != Phase::Running || !m_session.setPaused(paused))
        return;
    m_paused = paused;
    if (paused) {
        m_pausedSince = m_clock.elapsed();
    } else {
        m_pausedTotal += m_clock.elapsed() - m_pausedSince;
    }
    RunnerUpdate update = m_updates.update();
    update.state = paused ? State::Paused : State::Running;
    m_updates.post(std::move(update));
}

void Attempt::tick()
{
    if (m_phase == Phase::Done || m_reason != Reason::None)
        return;
    // A tick far later than its interval means this process did not run in between: it was
    // stopped (SIGSTOP, Ctrl-Z, a debugger) or starved. The worker ran on meanwhile, so what it
    // sent (its hello, its exit) is waiting to be read: the hello and exit deadlines, which
    // judge the worker, count only the time in which it ran and longrun could have heard it
    // (heardMs: no pause, no stall), and this tick decides nothing, so that those events are
    // read first. A job's own timeout counts its active time (less its pauses), stalls
    // included: the job ran. A stall while paused is already counted as paused.
    const qint64 now = m_clock.elapsed();
    const qint64 gap = now - m_lastTickAt;
    m_lastTickAt = now;
    if (gap > kStallMs) {
        if (!m_paused)
            m_stalledMs += gap - kTickMs;
        // One tick only: a thread starved for good still reaches its deadlines.
        if (!std::exchange(m_skippedTick, true))
            return;
    } else {
        m_skippedTick = false;
    }
    if (!m_translator.helloSeen() && heardMs() > m_config.helloTimeoutMs) {
        beginStop(Reason::Hello,
                  QStringLiteral("the worker did not say hello within %1 s")
                      .arg(m_config.helloTimeoutMs / 1000.0),
                  true);
    } else if (m_config.timeoutMs > 0 && activeMs() > m_config.timeoutMs) {
        beginStop(Reason::Timeout,
                  QStringLiteral("timed out after %1 s").arg(m_config.timeoutMs / 1000.0), false);
    } else if (m_resultAt >= 0 && heardMs() - m_resultAt > m_config.exitAfterResultMs) {
        beginStop(
            Reason::Linger,
            QStringLiteral("the worker did not exit within %1 s of sending its %2")
                .arg(m_config.exitAfterResultMs / 1000.0)
                .arg(m_translator.result() ? QStringLiteral("result") : QStringLiteral("error")),
            false);
    }
}

void Attempt::beginStop(Reason reason, QString text, bool immediateKill)
{
    if (m_phase == Phase::Done || m_reason != Reason::None)
        return;
    m_reason = reason;
    m_reasonText = std::move(text);
    m_phase = Phase::Stopping;
    if (immediateKill)
        m_session.kill();
    else
        m_session.stop(m_control.stopRequest() == JobControl::Stop::Shutdown);
}

void Attempt::onOutput(const QByteArray &bytes)
{
    if (m_reason == Reason::Protocol)
        return;
    m_decoder.feed(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    while (auto message = m_decoder.next()) {
        const Translation t = m_translator.translate(*message);
        if (t.kind == Translation::Kind::Output)
            log(std::get<proto::OutputChunk>(*message));
        else
            apply(t);
        if (m_reason == Reason::Protocol)
            return;
    }
    if (m_decoder.hasError())
        protocolError(QString::fromStdString(m_decoder.error()));
}

void Attempt::protocolError(const QString &what)
{
    if (m_reason == Reason::Protocol)
        return;
    // A worker that lies gets no grace; but a stop already under way keeps its own reason.
    if (m_reason != Reason::None) {
        m_session.kill();
        return;
    }
    beginStop(Reason::Protocol, QStringLiteral("protocol error: ") + what, true);
}

void Attempt::apply(const Translation &t)
{
    switch (t.kind) {
    case Translation::Kind::Hello:
        if (m_phase == Phase::Starting) {
            m_phase = Phase::Running;
            RunnerUpdate update = m_updates.update();
            update.state = State::Running;
            m_updates.post(std::move(update));
            setPaused(m_control.pauseRequested());
        }
        break;
    case Translation::Kind::Progress:
        m_updates.addProgress(t.progress);
        m_updates.addText(t.text);
        break;
    case Translation::Kind::Points:
        m_updates.addPoints(t.points);
        break;
    case Translation::Kind::Result:
        m_updates.addProgress(t.progress);
        [[fallthrough]];
    case Translation::Kind::Error:
        m_resultAt = heardMs();
        // Nothing more to say to the worker; a well-behaved one exits now.
        m_session.closeInput();
        break;
    case Translation::Kind::ProtocolError:
        protocolError(t.text);
        break;
    case Translation::Kind::Output:
        break; // onOutput() logs the chunk itself
    }
}

void Attempt::log(const proto::OutputChunk &chunk)
{
    m_log.write(chunk);
    if (std::optional<QString> path = m_log.takeCreated()) {
        RunnerUpdate update = m_updates.update();
        update.logPath = std::move(*path);
        m_updates.post(std::move(update));
    }
}

void Attempt::onStartFailed(const QString &why)
{
    m_sessionEnded = true;
    if (m_phase == Phase::Done)
        return;
    if (m_reason == Reason::Internal) {
        finish(State::Failed, m_reasonText);
        return;
    }
    if (m_reason == Reason::Stop) {
        finish(State::Canceled, m_reasonText);
        return;
    }
    finish(State::Failed,
           QStringLiteral("cannot start the worker '%1': %2").arg(m_config.launch.program, why));
}

void Attempt::onFinished(const WorkerExit &exit)
{
    m_sessionEnded = true;
    m_exit = exit;
    const bool success = exit.clean && m_translator.result() && !m_translator.workerError()
                         && m_decoder.pendingBytes() == 0 && !m_decoder.hasError();
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
    case Reason::Internal:
        finish(State::Failed, m_reasonText);
        return;
    case Reason::None:
        break;
    }
    if (const std::optional<QString> &error = m_translator.workerError())
        finish(State::Failed, *error);
    else
        finish(State::Failed, describeExit(exit, m_decoder.pendingBytes()));
}

void Attempt::finish(State terminal, QString error)
{
    if (m_phase == Phase::Done)
        return;
    m_phase = Phase::Done;
    m_tickTimer.stop();
    m_updates.flush();
    m_log.close();

    RunnerUpdate update = m_updates.update();
    update.terminal = terminal;
    update.stderrTail = QString::fromLocal8Bit(m_session.stderrTail()).trimmed();
    // The worker's own Error says why; any other failure gets the last lines of stderr.
    if (terminal == State::Failed && !m_translator.workerError())
        error = withStderrLines(std::move(error), update.stderrTail);
    if (terminal != State::Succeeded)
        update.error = std::move(error);
    // A result that arrived before things went wrong is kept for the user to see.
    update.result = m_translator.takeResult();
    setExit(update);
    update.logProblem = m_log.problem();
    m_updates.post(std::move(update));
    m_terminalPosted = true;
    // Queued: finish() may run inside QProcess::start(), before the loop is running.
    QMetaObject::invokeMethod(&m_loop, &QEventLoop::quit, Qt::QueuedConnection);
}

// The program's own end when the worker said it (a command job), else the worker's.
void Attempt::setExit(RunnerUpdate &update) const
{
    if (m_translator.programSignal()) {
        update.signal = m_translator.programSignal();
    } else if (m_translator.programExitCode()) {
        update.exitCode = m_translator.programExitCode();
    } else if (m_exit) {
        if (m_exit->crashed)
            update.signal = m_exit->code;
        else
            update.exitCode = m_exit->code;
    }
}

// "internal error: <what>": an exception in our own code, which fails one job only.
QString internalError(const char *what)
{
    return QStringLiteral("internal error: ")
           + (what ? QString::fromLocal8Bit(what) : QStringLiteral("unknown exception"));
}

// Starts the attempt and runs its loop. An exception from either ends the attempt as an
// internal error, its terminal update posted once, after its worker is reaped: the loop runs
// on until then.
void runAttempt(Attempt &attempt, QEventLoop &loop, const JobSpec &spec)
{
    bool started = false;
    for (;;) {
        QString why;
        try {
            if (!std::exchange(started, true))
                attempt.start(spec);
            loop.exec();
            return;
        } catch (const std::exception &e) {
            why = internalError(e.what());
        } catch (...) {
            why = internalError(nullptr);
        }
        if (attempt.abandon(why))
            return;
    }
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
    // No exception may leave a pool thread (QThreadPool would terminate the app): the attempt's
    // own are caught in runAttempt(); these are the ones from before it existed, when nothing
    // has been posted yet.
    QString internal;
    try {
        runGuarded();
        return;
    } catch (const std::exception &e) {
        internal = internalError(e.what());
    } catch (...) {
        internal = internalError(nullptr);
    }
    m_control->detach();
    RunnerUpdate update;
    update.jobId = m_jobId;
    update.attempt = m_attempt;
    update.terminal = State::Failed;
    update.error = std::move(internal);
    try {
        m_inbox->post(std::move(update));
    } catch (...) {
        // Out of memory even for this: nothing more can be said, but the app lives on.
    }
}

void JobRunner::runGuarded()
{
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
    Attempt attempt(m_jobId, m_attempt, m_config, *m_control, *m_inbox, loop);
    // By name, not with a functor (see UpdateInbox::post): the GUI thread builds nothing of ours
    // for this thread to read.
    m_control->attach(
        [&attempt] { QMetaObject::invokeMethod(&attempt, "onControl", Qt::QueuedConnection); });
    runAttempt(attempt, loop, m_spec);
    // Before the attempt (and its launcher's hold on the worker's group) goes: from here on,
    // killNow() signals nothing.
    m_control->detach();
}

} // namespace longrun

#include "jobrunner.moc"
