#include "cli/headless.h"

#include "control/taskcontroller.h"
#include "jobs/catalog.h"
#include "system/background.h"
#include "system/signalwatcher.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QThreadPool>
#include <QtCore/QTimer>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace longrun {

namespace {

void print(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toLocal8Bit();
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stream);
    std::fflush(stream);
}

QString clip(QString text, qsizetype width)
{
    text.replace(QLatin1Char('\n'), QStringLiteral(" | "));
    if (text.size() > width)
        text = text.left(width - 1) + QChar(0x2026);
    return text;
}

QJsonObject resultJson(const TaskRow &row, const QString &imagePath)
{
    QJsonObject result = QJsonObject::fromVariantMap(row.resultValues);
    result.insert(QStringLiteral("summary"), row.resultSummary);
    if (!imagePath.isEmpty())
        result.insert(QStringLiteral("image"), imagePath);
    return result;
}

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

class Cli final : public QObject
{
public:
    Cli(TaskController &controller, bool json, bool tty)
        : m_controller(controller)
        , m_model(*controller.model())
        , m_json(json)
        , m_tty(tty)
    {}

    int run(const QList<JobSpec> &specs);

private:
    void emitJson(const QJsonObject &object) const
    {
        print(stdout, QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact))
                          + QLatin1Char('\n'));
    }
    QJsonObject counts() const;
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                       const QList<int> &roles);
    void onFinished(int id, State state);
    void onRetrying(int id, State state, const QString &error);
    void statusLine(bool force);
    void printSummary();
    void onSignal(int signal);

    TaskController &m_controller;
    TaskModel &m_model;
    bool m_json;
    bool m_tty;
    int m_exitCode = -1;
    int m_signal = 0;
    QElapsedTimer m_clock;
    QElapsedTimer m_lastStatus;
    QElapsedTimer m_lastOverall;
    QJsonObject m_lastOverallEvent;
    QHash<int, qint64> m_lastProgressEvent;
    QList<int> m_ids;
    bool m_statusShown = false;
};

QJsonObject Cli::counts() const
{
    return {
        {QStringLiteral("queued"), m_model.queued()},
        {QStringLiteral("running"), m_model.running()},
        {QStringLiteral("paused"), m_model.paused()},
        {QStringLiteral("succeeded"), m_model.succeeded()},
        {QStringLiteral("failed"), m_model.failed()},
        {QStringLiteral("canceled"), m_model.canceled()},
        {QStringLiteral("timed_out"), m_model.timedOut()},
    };
}

void Cli::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                        const QList<int> &roles)
{
    if (!m_json) {
        statusLine(false);
        return;
    }
    for (int r = topLeft.row(); r <= bottomRight.row(); ++r) {
        const TaskRow &row = m_model.at(r);
        if (roles.contains(TaskModel::StateRole) && !isTerminal(row.state)) {
            emitJson({{QStringLiteral("event"), QStringLiteral("state")},
                      {QStringLiteral("id"), row.id},
                      {QStringLiteral("kind"), row.spec.kind},
                      {QStringLiteral("state"), stateKey(row.state)},
                      {QStringLiteral("attempt"), row.attempt}});
        }
        // A finished job's last progress says nothing its "finished" event does not.
        if (!isTerminal(row.state)
            && (roles.contains(TaskModel::ProgressRole)
                || roles.contains(TaskModel::ProgressTextRole))) {
            // Ten a second per job is plenty for a script and keeps the stream readable.
            const qint64 now = m_clock.elapsed();
            auto it = m_lastProgressEvent.find(row.id);
            if (it != m_lastProgressEvent.end() && now - *it < 100)
                continue;
            m_lastProgressEvent.insert(row.id, now);
            emitJson({{QStringLiteral("event"), QStringLiteral("progress")},
                      {QStringLiteral("id"), row.id},
                      {QStringLiteral("progress"), row.progress},
                      {QStringLiteral("text"), row.progressText}});
        }
    }
    if (!m_lastOverall.isValid() || m_lastOverall.elapsed() >= 250) {
        QJsonObject overall = counts();
        overall.insert(QStringLiteral("event"), QStringLiteral("overall"));
        overall.insert(QStringLiteral("progress"), m_model.overallProgress());
        // Only news: the same counts and progress again would be noise.
        if (overall != m_lastOverallEvent) {
            m_lastOverall.start();
            m_lastOverallEvent = overall;
            emitJson(overall);
        }
    }
}

void Cli::onRetrying(int id, State state, const QString &error)
{
    const TaskRow *row = m_model.find(id);
    if (!row)
        return;
    if (m_json) {
        emitJson({{QStringLiteral("event"), QStringLiteral("retry")},
                  {QStringLiteral("id"), id},
                  {QStringLiteral("kind"), row->spec.kind},
                  {QStringLiteral("state"), stateKey(state)},
                  {QStringLiteral("attempt"), row->attempt},
                  {QStringLiteral("error"), error}});
        return;
    }
    if (m_statusShown && m_tty)
        print(stderr, QStringLiteral("\r\033[K"));
    print(stderr, QStringLiteral("  retry  #%1 %2 after attempt %3: %4\n")
                      .arg(id)
                      .arg(row->spec.kind)
                      .arg(row->attempt)
                      .arg(clip(error, 100)));
}

void Cli::onFinished(int id, State state)
{
    const TaskRow *row = m_model.find(id);
    if (!row)
        return;
    if (m_json) {
        QJsonObject event{
            {QStringLiteral("event"), QStringLiteral("finished")},
            {QStringLiteral("id"), id},
            {QStringLiteral("kind"), row->spec.kind},
            {QStringLiteral("params"), row->params},
            {QStringLiteral("state"), stateKey(state)},
            {QStringLiteral("attempt"), row->attempt},
            {QStringLiteral("elapsed"), static_cast<double>(m_model.elapsedMs(*row)) / 1000.0}};
        if (state == State::Succeeded) {
            event.insert(QStringLiteral("result"), resultJson(*row, m_controller.imagePath(id)));
        } else {
            event.insert(QStringLiteral("error"), row->error);
            if (!row->stderrTail.isEmpty())
                event.insert(QStringLiteral("stderr"), row->stderrTail);
        }
        emitJson(event);
        return;
    }
    if (m_statusShown && m_tty) {
        print(stderr, QStringLiteral("\r\033[K"));
        m_statusShown = false;
    }
    const QString mark =
        state == State::Succeeded ? QStringLiteral("ok   ") : QStringLiteral("FAIL ");
    const QString what = state == State::Succeeded
                             ? row->resultSummary
                             : stateDisplayName(state) + QStringLiteral(": ") + row->error;
    print(stdout, QStringLiteral("%1 #%2 %3  %4  (%5)\n")
                      .arg(mark)
                      .arg(id)
                      .arg(clip(row->title(), 48), clip(what, 110),
                           formatDuration(m_model.elapsedMs(*row))));
    statusLine(true);
}

void Cli::statusLine(bool force)
{
    if (m_json)
        return;
    // On a terminal the line is redrawn in place; in a log, one line every few seconds.
    const int interval = m_tty ? 100 : 3000;
    if (!force && m_lastStatus.isValid() && m_lastStatus.elapsed() < interval)
        return;
    if (!m_tty && force)
        return;
    m_lastStatus.start();
    constexpr int width = 30;
    const double overall = m_model.overallProgress();
    const int filled = static_cast<int>(overall * width);
    QString bar = QString(filled, QLatin1Char('#')) + QString(width - filled, QLatin1Char('-'));
    QString line = QStringLiteral("[%1] %2%  %3 running, %4 queued, %5 done")
                       .arg(bar)
                       .arg(static_cast<int>(overall * 100), 3)
                       .arg(m_model.running() + m_model.paused())
                       .arg(m_model.queued())
                       .arg(m_model.finished());
    if (const int bad = m_model.failed() + m_model.timedOut() + m_model.canceled(); bad > 0)
        line += QStringLiteral(" (%1 not ok)").arg(bad);
    if (!m_controller.etaText().isEmpty() && m_controller.hasActiveJobs())
        line += QStringLiteral(", ETA ") + m_controller.etaText();
    if (m_tty) {
        print(stderr, QStringLiteral("\r\033[K") + line);
        m_statusShown = true;
    } else {
        print(stderr, line + QLatin1Char('\n'));
    }
}

void Cli::printSummary()
{
    const qint64 elapsed = m_clock.elapsed();
    if (m_json) {
        QJsonObject summary = counts();
        summary.insert(QStringLiteral("event"), QStringLiteral("summary"));
        summary.insert(QStringLiteral("total"), m_model.rowCount());
        summary.insert(QStringLiteral("elapsed"), static_cast<double>(elapsed) / 1000.0);
        if (m_signal)
            summary.insert(QStringLiteral("signal"), m_signal == SIGINT
                                                         ? QStringLiteral("SIGINT")
                                                         : QStringLiteral("SIGTERM"));
        emitJson(summary);
        return;
    }
    if (m_statusShown && m_tty)
        print(stderr, QStringLiteral("\r\033[K"));
    QString table = QStringLiteral("\n%1  %2  %3  %4  %5\n")
                        .arg(QStringLiteral("ID"), 5)
                        .arg(QStringLiteral("JOB"), -36)
                        .arg(QStringLiteral("STATE"), -10)
                        .arg(QStringLiteral("TIME"), 7)
                        .arg(QStringLiteral("RESULT / ERROR"));
    for (int r = 0; r < m_model.rowCount(); ++r) {
        const TaskRow &row = m_model.at(r);
        const QString what = row.state == State::Succeeded ? row.resultSummary : row.error;
        table += QStringLiteral("%1  %2  %3  %4  %5\n")
                     .arg(row.id, 5)
                     .arg(clip(row.title(), 36), -36)
                     .arg(stateKey(row.state), -10)
                     .arg(formatDuration(m_model.elapsedMs(row)), 7)
                     .arg(clip(what, 60));
    }
    table += QStringLiteral("\n%1 succeeded, %2 failed, %3 canceled, %4 timed out, in %5\n")
                 .arg(m_model.succeeded())
                 .arg(m_model.failed())
                 .arg(m_model.canceled())
                 .arg(m_model.timedOut())
                 .arg(formatDuration(elapsed));
    print(stdout, table);
}

void Cli::onSignal(int signal)
{
    if (m_signal != 0) {
        // A second signal: no more waiting.
        m_controller.shutdown(0);
        return;
    }
    m_signal = signal;
    if (!m_json)
        print(stderr, QStringLiteral("\nlongrun: %1, canceling all jobs\n")
                          .arg(signal == SIGINT ? QStringLiteral("interrupted")
                                                : QStringLiteral("terminated")));
    m_controller.shutdown();
}

int Cli::run(const QList<JobSpec> &specs)
{
    m_clock.start();
    connect(&m_model, &QAbstractItemModel::dataChanged, this, &Cli::onDataChanged);
    connect(&m_controller, &TaskController::jobFinished, this, &Cli::onFinished);
    connect(&m_controller, &TaskController::jobRetrying, this, &Cli::onRetrying);

    QEventLoop loop;
    connect(&m_controller, &TaskController::batchFinished, &loop, [&loop, this] {
        if (!m_signal)
            loop.quit();
    });
    connect(&m_controller, &TaskController::shutdownFinished, &loop, &QEventLoop::quit);

    SignalWatcher signalWatcher;
    connect(&signalWatcher, &SignalWatcher::signalled, this, &Cli::onSignal);

    QTimer status;
    connect(&status, &QTimer::timeout, this, [this] { statusLine(false); });
    status.start(m_tty ? 200 : 3000);

    m_controller.enqueue(specs);
    if (m_controller.hasActiveJobs())
        loop.exec();
    printSummary();
    if (m_signal)
        return 128 + m_signal;
    return m_model.succeeded() == m_model.rowCount() ? 0 : 1;
}

void printKinds(const Catalog &catalog, bool json, const QByteArray &rawJson)
{
    if (json) {
        print(stdout, QString::fromUtf8(rawJson));
        return;
    }
    QString text = QStringLiteral("Job kinds of %1:\n").arg(catalog.worker);
    for (const KindSpec &kind : catalog.kinds) {
        text += QStringLiteral("\n  %1 (%2): %3\n").arg(kind.name, kind.category, kind.description);
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
    print(stdout, text);
}

} // namespace

int runHeadless(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs jobs, each in its own worker process, and reports them to the terminal.\n"
        "JOB is KIND[:key=value[,key=value...]], e.g. primes:limit=1000000 or\n"
        "\"command:argv=sh -c 'make -j2'\" (an argv takes the rest of the text).\n"
        "Exit status: 0 when every job succeeded, 1 when any did not, 2 for bad usage or a\n"
        "bad jobs file, 130/143 after SIGINT/SIGTERM (every job is canceled first)."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(
        {QStringLiteral("headless"), QStringLiteral("Run without a window (this mode).")});
    parser.addOption(
        {QStringLiteral("jobs"),
         QStringLiteral("Read jobs from a JSON file: [{\"kind\": ..., \"params\": {...}}]."),
         QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("repeat"), QStringLiteral("Run every job N times."),
                      QStringLiteral("N"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("concurrency"),
                      QStringLiteral("Run at most N jobs at once (default: cores)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("timeout"),
                      QStringLiteral("Stop a job after SEC seconds of running (not paused)."),
                      QStringLiteral("SEC")});
    parser.addOption({QStringLiteral("retries"),
                      QStringLiteral("Retry a failed or timed-out job up to N times."),
                      QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption(
        {QStringLiteral("worker"),
         QStringLiteral(
             "The worker program (default: longrun-worker next to longrun, or $LONGRUN_WORKER)."),
         QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("image-dir"),
                      QStringLiteral("Save images of mandelbrot jobs into DIR."),
                      QStringLiteral("DIR")});
    parser.addOption(
        {QStringLiteral("json"),
         QStringLiteral("Print one JSON object per line (events) instead of a live display.")});
    parser.addOption({QStringLiteral("list-kinds"),
                      QStringLiteral("List the job kinds the worker supports, and exit.")});
    parser.addOption(
        {QStringLiteral("demo"), QStringLiteral("Run a small demo batch of every real kind.")});
    parser.addPositionalArgument(QStringLiteral("JOB"), QStringLiteral("Jobs to run."),
                                 QStringLiteral("[JOB...]"));

    auto usageError = [](const QString &message) {
        print(stderr,
              QStringLiteral("longrun: %1\nTry 'longrun --headless --help'.\n").arg(message));
        return 2;
    };
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        print(stdout, parser.helpText());
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        print(stdout, QStringLiteral("longrun %1\n").arg(QCoreApplication::applicationVersion()));
        return 0;
    }
    auto intOption = [&parser](const QString &name, int min, int max, int *out) {
        if (!parser.isSet(name))
            return true;
        bool ok = false;
        const int v = parser.value(name).toInt(&ok);
        if (!ok || v < min || v > max)
            return false;
        *out = v;
        return true;
    };

    TaskController controller;
    if (parser.isSet(QStringLiteral("worker")))
        controller.setWorkerLaunch({parser.value(QStringLiteral("worker")), {}});
    const WorkerLaunch launch = controller.workerLaunch();

    int repeat = 1;
    int concurrency = controller.concurrency();
    int retries = 0;
    if (!intOption(QStringLiteral("repeat"), 1, 100000, &repeat))
        return usageError(QStringLiteral("--repeat takes a whole number from 1 to 100000"));
    if (!intOption(QStringLiteral("concurrency"), 1, controller.maxConcurrency(), &concurrency))
        return usageError(QStringLiteral("--concurrency takes a whole number from 1 to %1")
                              .arg(controller.maxConcurrency()));
    if (!intOption(QStringLiteral("retries"), 0, 100, &retries))
        return usageError(QStringLiteral("--retries takes a whole number from 0 to 100"));
    double timeout = 0;
    if (parser.isSet(QStringLiteral("timeout"))) {
        bool ok = false;
        timeout = parser.value(QStringLiteral("timeout")).toDouble(&ok);
        if (!ok || !(timeout > 0) || timeout > 1.0e6)
            return usageError(QStringLiteral("--timeout takes a number of seconds greater than 0"));
    }

    // The catalog comes from the worker itself, so what is checked is what it supports.
    QString error;
    std::optional<Catalog> catalog = Catalog::load(launch, &error);
    if (!catalog)
        return usageError(error);
    controller.catalog()->setCatalog(*catalog);

    const bool json = parser.isSet(QStringLiteral("json"));
    if (parser.isSet(QStringLiteral("list-kinds"))) {
        QProcess process;
        process.start(launch.program,
                      launch.arguments + QStringList{QStringLiteral("--list-kinds")});
        process.waitForFinished(10000);
        printKinds(*catalog, json, process.readAllStandardOutput());
        return 0;
    }

    QList<JobSpec> specs;
    if (parser.isSet(QStringLiteral("demo")))
        specs << demoBatch(launch.program);
    if (parser.isSet(QStringLiteral("jobs"))) {
        const std::optional<QList<JobSpec>> fromFile =
            parseJobsFile(parser.value(QStringLiteral("jobs")), *catalog, &error);
        if (!fromFile)
            return usageError(error);
        specs << *fromFile;
    }
    for (const QString &argument : parser.positionalArguments()) {
        const std::optional<JobSpec> spec = parseJobArgument(argument, *catalog, &error);
        if (!spec)
            return usageError(QStringLiteral("job '%1': %2").arg(argument, error));
        specs << *spec;
    }
    if (specs.isEmpty())
        return usageError(QStringLiteral(
            "no jobs given: name some (e.g. primes:limit=1000000), use --jobs FILE or --demo"));
    if (repeat > 1) {
        QList<JobSpec> repeated;
        repeated.reserve(specs.size() * repeat);
        for (const JobSpec &spec : specs) {
            for (int i = 0; i < repeat; ++i)
                repeated << spec;
        }
        specs = std::move(repeated);
    }
    if (parser.isSet(QStringLiteral("image-dir"))) {
        const QString dir = parser.value(QStringLiteral("image-dir"));
        if (!QDir().mkpath(dir))
            return usageError(QStringLiteral("cannot create the image folder '%1'").arg(dir));
        controller.setImageDirectory(QFileInfo(dir).absoluteFilePath());
    }

    controller.setConcurrency(concurrency);
    controller.setRetries(retries);
    controller.setTimeoutSeconds(timeout);

    Cli cli(controller, json, ::isatty(STDERR_FILENO) == 1);
    const int status = cli.run(specs);
    // Images are written in the background: they must be on disk before we exit.
    backgroundPool()->waitForDone();
    return status;
}

} // namespace longrun
