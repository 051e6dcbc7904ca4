#include "cli/headless.h"

#include "cli/dryrun.h"
#include "cli/joblog.h"
#include "cli/jsonreporter.h"
#include "cli/outputstream.h"
#include "cli/resume.h"
#include "cli/textreporter.h"
#include "control/taskcontroller.h"
#include "jobs/catalog.h"
#include "jobs/specbuilder.h"
#include "system/background.h"
#include "system/signalwatcher.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QFileInfo>
#include <QtCore/QThreadPool>
#include <QtCore/QTimer>

#include <csignal>
#include <memory>
#include <unistd.h>
#include <utility>

namespace longrun {

namespace {

QList<JobSpec> demoBatch(const QString &workerPath)
{
    auto job = [](const QString &kind, QList<JobParam> params) {
        return JobSpec{kind, std::move(params)};
    };
    return {
        job(QStringLiteral("primes"), {{QStringLiteral("limit"), {QStringLiteral("10000000")}}}),
        job(QStringLiteral("primes"), {{QStringLiteral("limit"), {QStringLiteral("50000000")}}}),
        job(QStringLiteral("montecarlo-pi"),
            {{QStringLiteral("samples"), {QStringLiteral("30000000")}},
             {QStringLiteral("seed"), {QStringLiteral("7")}}}),
        job(QStringLiteral("mandelbrot"), {}),
        job(QStringLiteral("checksum"), {{QStringLiteral("path"), {workerPath}}}),
        job(QStringLiteral("sleep"), {{QStringLiteral("seconds"), {QStringLiteral("3")}}}),
        job(QStringLiteral("command"),
            {{QStringLiteral("argv"),
              {QStringLiteral("sh"), QStringLiteral("-c"),
               QStringLiteral(
                   "for i in $(seq 1 20); do printf 'step %d/20\\n' $i; sleep 0.15; done")},
              true}}),
    };
}

// One batch on the event loop: model and controller signals in, reporter calls out; a signal
// or an unwritable stdout cancels everything before the loop ends. Ctrl-Z (SIGTSTP) pauses
// every running job, then stops longrun itself; SIGCONT resumes what it paused.
class HeadlessRun final : public QObject
{
public:
    HeadlessRun(TaskController &controller, Reporter &reporter, OutputStream &out)
        : m_controller(controller)
        , m_model(*controller.model())
        , m_reporter(reporter)
        , m_out(out)
    {
        m_pauseDeadline.setSingleShot(true);
        m_pauseDeadline.setInterval(kPauseWaitMs);
        connect(&m_pauseDeadline, &QTimer::timeout, this, &HeadlessRun::stopNow);
        m_stopSoon.setSingleShot(true);
        m_stopSoon.setInterval(0);
        connect(&m_stopSoon, &QTimer::timeout, this, &HeadlessRun::stopNow);
    }

    int run(const QList<JobSpec> &specs, const QList<qint64> &resumedFrom, int statusIntervalMs);

private:
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                       const QList<int> &roles);
    void onSignal(int signal);
    void onSuspendSignal(int signal);
    void stopIfPaused();
    void stopNow();
    void onOutputError(int error);
    [[nodiscard]] int exitStatus() const;

    TaskController &m_controller;
    TaskModel &m_model;
    Reporter &m_reporter;
    OutputStream &m_out;
    int m_signal = 0;
    bool m_graceSkipped = false;
    bool m_outputFailed = false;
    // Between a Ctrl-Z and the stop: waiting for the jobs to be reported Paused. A job that is
    // slow to say so (its worker not started yet) gets no more than kPauseWaitMs.
    static constexpr int kPauseWaitMs = 2000;
    bool m_pausing = false;
    QTimer m_pauseDeadline;
    // The stop itself comes from the event loop, never from inside a model's signal.
    QTimer m_stopSoon;
};

void HeadlessRun::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                const QList<int> &roles)
{
    const bool stateChanged = roles.contains(TaskModel::StateRole);
    const bool progressChanged =
        roles.contains(TaskModel::ProgressRole) || roles.contains(TaskModel::ProgressTextRole);
    for (int r = topLeft.row(); r <= bottomRight.row(); ++r) {
        const TaskRow &row = m_model.at(r);
        // A finished job is told by jobFinished; its last progress says nothing more.
        if (isTerminal(row.state))
            continue;
        if (stateChanged)
            m_reporter.onState(row);
        if (progressChanged)
            m_reporter.onProgress(row);
    }
    m_reporter.onOverall();
    if (stateChanged)
        stopIfPaused();
}

void HeadlessRun::onSignal(int signal)
{
    if (signal == SIGTSTP || signal == SIGCONT) {
        onSuspendSignal(signal);
        return;
    }
    // Ending while pausing: no stop. The jobs already paused are continued by their cancel.
    m_pausing = false;
    m_pauseDeadline.stop();
    m_stopSoon.stop();
    if (m_signal != 0) {
        // A second signal: no more waiting.
        if (!m_graceSkipped)
            m_controller.shutdown(0);
        m_graceSkipped = true;
        return;
    }
    m_signal = signal;
    m_reporter.onSignal(signal);
    m_controller.shutdown();
}

void HeadlessRun::onSuspendSignal(int signal)
{
    if (signal == SIGCONT) {
        // Continued before it stopped (kill -CONT while pausing): the stop is called off. A
        // SIGCONT that continued a real stop comes here after stopNow() resumed the jobs, and
        // finds nothing left to do.
        if (std::exchange(m_pausing, false)) {
            m_pauseDeadline.stop();
            m_stopSoon.stop();
            m_controller.resumeAll();
        }
        return;
    }
    // A shutdown under way ends within its deadline: no pause in the middle of it.
    if (m_controller.shuttingDown())
        return;
    if (m_pausing) {
        // A second Ctrl-Z: no more waiting.
        m_stopSoon.start();
        return;
    }
    m_pausing = true;
    m_controller.pauseAll();
    m_pauseDeadline.start();
    stopIfPaused();
}

void HeadlessRun::stopIfPaused()
{
    if (m_pausing && m_controller.pausesPending() == 0)
        m_stopSoon.start();
}

void HeadlessRun::stopNow()
{
    if (!std::exchange(m_pausing, false))
        return;
    m_pauseDeadline.stop();
    m_stopSoon.stop();
    // Standard output failed meanwhile: longrun is leaving, not stopping.
    if (m_controller.shuttingDown())
        return;
    SignalWatcher::stopProcess();
    // Continued (fg, bg, kill -CONT): the jobs carry on, queued ones may start again, and the
    // status line is drawn anew below whatever the shell printed meanwhile.
    m_controller.resumeAll();
    m_reporter.onOverall();
}

void HeadlessRun::onOutputError(int error)
{
    m_outputFailed = true;
    m_reporter.onOutputError(error);
    // Queued: the failed write may sit deep inside a model or controller signal.
    QMetaObject::invokeMethod(
        &m_controller, [this] { m_controller.shutdown(); }, Qt::QueuedConnection);
}

int HeadlessRun::exitStatus() const
{
    if (m_signal != 0)
        return kExitSignalBase + m_signal;
    if (m_outputFailed || m_out.failed())
        return kExitOutputError;
    return m_model.succeeded() == m_model.rowCount() ? kExitOk : kExitJobsFailed;
}

int HeadlessRun::run(const QList<JobSpec> &specs, const QList<qint64> &resumedFrom,
                     int statusIntervalMs)
{
    QElapsedTimer clock;
    clock.start();
    m_out.setFailureHandler([this](int error) { onOutputError(error); });
    connect(&m_model, &QAbstractItemModel::dataChanged, this, &HeadlessRun::onDataChanged);
    connect(&m_controller, &TaskController::jobFinished, this, [this](int id, State state) {
        if (const TaskRow *row = m_model.find(id))
            m_reporter.onFinished(*row, state);
        stopIfPaused();
    });
    connect(&m_controller, &TaskController::jobRetrying, this,
            [this](int id, State state, const QString &error) {
                if (const TaskRow *row = m_model.find(id))
                    m_reporter.onRetry(*row, state, error);
            });

    QEventLoop loop;
    // After a signal or an output error the batch ends by being canceled: wait for the
    // shutdown, which also waits for every worker to be gone.
    connect(&m_controller, &TaskController::batchFinished, &loop, [&loop, this] {
        if (!m_signal && !m_outputFailed)
            loop.quit();
    });
    connect(&m_controller, &TaskController::shutdownFinished, &loop, &QEventLoop::quit);

    SignalWatcher signalWatcher(SignalWatcher::Suspend::Reported);
    connect(&signalWatcher, &SignalWatcher::signalled, this, &HeadlessRun::onSignal);

    QTimer status;
    connect(&status, &QTimer::timeout, this, [this] { m_reporter.onOverall(); });
    status.start(statusIntervalMs);

    m_controller.enqueue(specs, resumedFrom);
    if (m_controller.hasActiveJobs() || m_controller.shuttingDown())
        loop.exec();
    m_reporter.summary(clock.elapsed(), m_signal);
    m_out.setFailureHandler({});
    return exitStatus();
}

// What the worker reported with --list-kinds: as it sent it (JSON), or for people.
int listKinds(const Catalog &catalog, const QByteArray &json, bool asJson, OutputStream &out)
{
    if (asJson) {
        out.write(QString::fromUtf8(json));
        return out.failed() ? kExitOutputError : kExitOk;
    }
    QString text = QStringLiteral("Job kinds of %1:\n").arg(catalog.worker);
    for (const KindSpec &kind : catalog.kinds) {
        text += QStringLiteral("\n  %1 (%2): %3\n").arg(kind.name, kind.category, kind.description);
        if (!kind.containment.isEmpty())
            text += QStringLiteral("      containment: %1\n").arg(kind.containment);
        for (const ParamSpec &p : kind.params) {
            QString line = QStringLiteral("      %1  %2").arg(p.name, -12).arg(p.type, -6);
            if (p.required)
                line += QStringLiteral("  required");
            else if (!p.defaultText().isEmpty())
                line += QStringLiteral("  default %1").arg(p.defaultText());
            if (!p.choices.isEmpty())
                line += QStringLiteral("  one of %1").arg(p.choices.join(QLatin1Char('|')));
            text += line + QStringLiteral("\n          ") + p.description + QLatin1Char('\n');
        }
    }
    text += QStringLiteral("\nA job on the command line: KIND[:key=value[,key=value...]], e.g. "
                           "primes:limit=1000000\n");
    out.write(text);
    return out.failed() ? kExitOutputError : kExitOk;
}

int listKinds(const Catalog &catalog, const QByteArray &json, bool asJson)
{
    OutputStream out(stdout);
    OutputStream err(stderr);
    out.setFailureHandler([&err](int error) {
        err.write(QStringLiteral("longrun: cannot write to standard output (%1)\n")
                      .arg(describeError(error)));
    });
    return listKinds(catalog, json, asJson, out);
}

// The jobs of the run, in order: the demo, every --jobs file, the JOB arguments; each
// repeated --repeat times.
std::optional<QList<JobSpec>> collectJobs(const CliOptions &options, const Catalog &catalog,
                                          const QString &workerPath, QString *error)
{
    QList<JobSpec> specs;
    if (options.demo)
        specs << demoBatch(workerPath);
    for (const QString &file : options.jobsFiles) {
        const std::optional<QList<JobSpec>> fromFile = parseJobsFile(file, catalog, error);
        if (!fromFile)
            return std::nullopt;
        specs << *fromFile;
    }
    for (const QString &argument : options.jobs) {
        const std::optional<JobSpec> spec = parseJobArgument(argument, catalog, error);
        if (!spec) {
            // A JOB too large to send may be megabytes: name it by its start.
            *error = QStringLiteral("job '%1': %2").arg(cutText(argument, 81), *error);
            return std::nullopt;
        }
        specs << *spec;
    }
    if (specs.isEmpty()) {
        *error = QStringLiteral(
            "no jobs given: name some (e.g. primes:limit=1000000), use --jobs FILE or --demo");
        return std::nullopt;
    }
    if (specs.size() * options.repeat > kMaxJobs) {
        *error = QStringLiteral("%1 jobs repeated %2 times make %3 jobs, more than the limit of %4")
                     .arg(specs.size())
                     .arg(options.repeat)
                     .arg(specs.size() * options.repeat)
                     .arg(kMaxJobs);
        return std::nullopt;
    }
    if (options.repeat > 1) {
        QList<JobSpec> repeated;
        repeated.reserve(specs.size() * options.repeat);
        for (const JobSpec &spec : specs) {
            for (int i = 0; i < options.repeat; ++i)
                repeated << spec;
        }
        specs = std::move(repeated);
    }
    return specs;
}

int runBatch(TaskController &controller, const QList<JobSpec> &specs,
             const QList<qint64> &resumedFrom, bool json)
{
    OutputStream out(stdout);
    OutputStream err(stderr);
    const bool tty = ::isatty(STDERR_FILENO) == 1;
    std::unique_ptr<Reporter> reporter;
    if (json)
        reporter = std::make_unique<JsonReporter>(controller, out, err);
    else
        reporter = std::make_unique<TextReporter>(controller, out, err, tty);
    // Said on stderr, as the window says it in its banner: the job itself goes on. (Heard while
    // `err` lives: the context goes with it.)
    QObject context;
    QObject::connect(&controller, &TaskController::jobProblem, &context,
                     [&err](int id, const QString &message) {
                         err.write(QStringLiteral("longrun: job %1: %2\n").arg(id).arg(message));
                     });
    HeadlessRun run(controller, *reporter, out);
    const int status = run.run(specs, resumedFrom, tty || json ? 200 : 3000);
    // Images are written in the background: they must be on disk before we exit.
    backgroundPool()->waitForDone();
    return status;
}

} // namespace

int runHeadless(const CliOptions &options)
{
    ignoreSigpipe();
    TaskController controller;
    QString error;
    if (!configureController(options, controller, &error))
        return usageError(error);

    // The catalog comes from the worker itself, so what is checked is what it supports.
    QByteArray catalogJson;
    const std::optional<Catalog> catalog =
        Catalog::load(controller.workerLaunch(), &error, &catalogJson);
    if (!catalog)
        return usageError(error);
    controller.catalog()->setCatalog(*catalog);
    if (options.listKinds)
        return listKinds(*catalog, catalogJson, options.json);

    OutputStream err(stderr);
    // A dry run records nothing: the history is opened only for what --resume reads.
    if (!options.dryRun || options.resume)
        openHistory(options, controller, err);
    ResumePlan plan;
    if (options.resume) {
        std::optional<ResumePlan> resumed = planResume(options, controller, *catalog, &error);
        if (!resumed)
            return usageError(error);
        if (resumed->specs.isEmpty()) {
            err.write(QStringLiteral("longrun: nothing to resume: run %1 left no job interrupted "
                                     "or unstarted that was not run again already\n")
                          .arg(resumed->runId));
            return kExitOk;
        }
        plan = std::move(*resumed);
    } else {
        std::optional<QList<JobSpec>> specs =
            collectJobs(options, *catalog, controller.workerLaunch().program, &error);
        if (!specs)
            return usageError(error);
        plan.specs = std::move(*specs);
    }
    for (JobSpec &spec : plan.specs)
        addEnvironment(spec, options.env, options.envClear);
    if (options.dryRun) {
        OutputStream out(stdout);
        return printDryRun(plan.specs, options.json, out);
    }
    if (!options.imageDir.isEmpty()) {
        if (!QDir().mkpath(options.imageDir))
            return usageError(
                QStringLiteral("cannot create the image folder '%1'").arg(options.imageDir));
        controller.setImageDirectory(QFileInfo(options.imageDir).absoluteFilePath());
    }
    JobLog joblog;
    if (!options.joblog.isEmpty()) {
        if (!joblog.open(options.joblog, &error))
            return usageError(error);
        joblog.setFailureHandler(
            [&err](const QString &why) { err.write(QStringLiteral("longrun: %1\n").arg(why)); });
        joblog.follow(controller);
    }
    controller.setRetries(options.retries);
    controller.setTimeoutSeconds(options.timeoutSeconds);
    return runBatch(controller, plan.specs, plan.resumedFrom, options.json);
}

} // namespace longrun
