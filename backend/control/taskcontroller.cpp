#include "control/taskcontroller.h"

#include "jobs/actions.h"
#include "jobs/specbuilder.h"
#include "store/datadir.h"
#include "store/historyreader.h"
#include "system/background.h"
#include "system/resources.h"

#include <QtConcurrent/QtConcurrentRun>
#include <QtCore/QBuffer>
#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QFutureWatcher>
#include <QtCore/QProcess>
#include <QtCore/QUrl>
#include <QtGui/QImage>
#include <QtQml/QJSEngine>
#include <QtQml/QQmlEngine>

#include <cmath>

namespace longrun {

namespace {
TaskController *s_instance = nullptr;

struct SavedImage
{
    QString path; // "" when it could not be saved
    QString error;
};

// Encodes a worker's RGB picture as PNG into a new file `name` in `dir` (--image-dir), else in
// the data folder's images/ (made owner-only).
SavedImage writeImage(const JobResult &result, const QString &dir, const QString &dataDir,
                      const QString &name)
{
    QString error;
    const std::optional<QString> folder =
        dir.isEmpty()
            ? prepareDataDirectory(QDir(dataDir).filePath(QStringLiteral("images")), &error)
            : std::optional<QString>(dir);
    if (!folder)
        return {{}, error};
    const int w = result.imageWidth;
    const int h = result.imageHeight;
    if (w <= 0 || h <= 0 || result.imageRgb.size() != qsizetype{w} * h * 3)
        return {{}, QStringLiteral("the worker sent a malformed image")};
    const QImage image(reinterpret_cast<const uchar *>(result.imageRgb.constData()), w, h, w * 3,
                       QImage::Format_RGB888);
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG"))
        return {{}, QStringLiteral("PNG encoding failed")};
    const std::optional<QString> path =
        writeNewFile(QDir(*folder).filePath(name), png, dir.isEmpty() ? 0600 : 0644, &error);
    return path ? SavedImage{*path, {}} : SavedImage{{}, error};
}
// As many as the window queues at once: the bound of a jobs file, start()'s count, --repeat's.
constexpr int kMaxQueuedAtOnce = static_cast<int>(kMaxJobs);

// The worker next to the app, unless LONGRUN_WORKER says otherwise.
WorkerLaunch defaultLaunch()
{
    const QString fromEnv = qEnvironmentVariable("LONGRUN_WORKER");
    if (!fromEnv.isEmpty())
        return {fromEnv, {}};
    const QString dir =
        QCoreApplication::instance() ? QCoreApplication::applicationDirPath() : QDir::currentPath();
    return {QDir(dir).filePath(QStringLiteral("longrun-worker")), {}};
}
} // namespace

TaskController::TaskController(QObject *parent)
    : QObject(parent)
    , m_inbox(std::make_shared<UpdateInbox>(this, "drain"))
{
    m_filter.setSourceModel(&m_model);
    m_config.launch = defaultLaunch();
    m_dataDir = dataDirectoryFromEnvironment();
    m_concurrency = std::max(1, QThread::idealThreadCount());
    m_pool.setMaxThreadCount(m_concurrency);
    // Pool threads hold a child each; an idle one may go, a busy one never returns early.
    m_pool.setExpiryTimeout(60000);

    m_tickTimer.setInterval(1000);
    connect(&m_tickTimer, &QTimer::timeout, this, &TaskController::tick);
    m_shutdownTimer.setSingleShot(true);
    connect(&m_shutdownTimer, &QTimer::timeout, this, [this] {
        // Past the deadline: no more grace for anyone.
        for (auto &[id, job] : m_jobs) {
            if (job.control)
                job.control->killNow();
        }
    });
}

TaskController::~TaskController()
{
    // The pool's destructor waits for its runnables: make sure none can wait long.
    for (auto &[id, job] : m_jobs) {
        if (job.control)
            job.control->requestStop(JobControl::Stop::Shutdown);
    }
    if (!m_pool.waitForDone(1500)) {
        for (auto &[id, job] : m_jobs) {
            if (job.control)
                job.control->killNow();
        }
        m_pool.waitForDone(-1);
    }
    // What is still on its way is written; nobody is left to be told (this object is going).
    m_history.dropCallbacks();
    if (s_instance == this)
        s_instance = nullptr;
}

TaskController *TaskController::create(QQmlEngine *qmlEngine, QJSEngine *jsEngine)
{
    Q_UNUSED(qmlEngine)
    if (s_instance) {
        QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
        return s_instance;
    }
    // No instance from main() (a QML test): one that belongs to the engine.
    auto *controller = new TaskController(jsEngine);
    controller->reloadCatalog();
    return controller;
}

void TaskController::setInstance(TaskController *controller)
{
    s_instance = controller;
}

void TaskController::setConcurrency(int concurrency)
{
    concurrency = std::clamp(concurrency, 1, maxConcurrency());
    if (concurrency == m_concurrency)
        return;
    m_concurrency = concurrency;
    // The pool never runs more than the limit; lowering it lets running jobs finish.
    m_pool.setMaxThreadCount(std::max(m_concurrency, m_activeCount));
    emit concurrencyChanged();
    dispatch();
}

int TaskController::maxConcurrency() const
{
    return 256;
}

void TaskController::setTimeoutSeconds(double seconds)
{
    const int ms = std::isfinite(seconds) && seconds > 0
                       ? static_cast<int>(std::min(seconds, 1.0e6) * 1000)
                       : 0;
    if (ms == m_config.timeoutMs)
        return;
    m_config.timeoutMs = ms;
    emit timeoutSecondsChanged();
}

void TaskController::setRetries(int retries)
{
    retries = std::clamp(retries, 0, 100);
    if (retries == m_retries)
        return;
    m_retries = retries;
    emit retriesChanged();
}

void TaskController::setWorkerLaunch(const WorkerLaunch &launch)
{
    m_config.launch = launch;
}

void TaskController::setImageDirectory(const QString &path)
{
    m_imageDir = path;
}

TaskController::AttemptRecord TaskController::lastAttempt(int id) const
{
    const auto it = m_jobs.find(id);
    return it == m_jobs.end() ? AttemptRecord{} : it->second.last;
}

QString TaskController::imagePath(int id) const
{
    const auto it = m_jobs.find(id);
    return it == m_jobs.end() ? QString() : it->second.imagePath;
}

void TaskController::setRunnerConfig(const RunnerConfig &config)
{
    const WorkerLaunch launch = m_config.launch;
    const int timeout = m_config.timeoutMs;
    m_config = config;
    m_config.launch = launch;
    m_config.timeoutMs = timeout;
}

QString TaskController::etaText() const
{
    return m_etaSeconds < 0 ? QString() : formatDuration(static_cast<qint64>(m_etaSeconds * 1000));
}

qint64 TaskController::batchElapsedMs() const
{
    if (!m_batch.clock.isValid())
        return -1;
    return m_batch.running ? m_batch.clock.elapsed() : m_batch.endedMs;
}

QString TaskController::batchElapsedText() const
{
    const qint64 ms = batchElapsedMs();
    return ms < 0 ? QString() : formatDuration(ms);
}

void TaskController::reloadCatalog()
{
    m_catalog.load(m_config.launch);
}

void TaskController::openHistory(const QString &origin)
{
    connect(&m_history, &HistoryStore::opened, this, &TaskController::onHistoryOpened,
            Qt::UniqueConnection);
    connect(&m_history, &HistoryStore::failed, this, &TaskController::onHistoryFailed,
            Qt::UniqueConnection);
    // The History view reads what the store commits, at most every HistoryModel::kRefreshMs.
    connect(&m_history, &HistoryStore::committed, &m_pastJobs, &HistoryModel::storeCommitted,
            Qt::UniqueConnection);
    m_history.open(m_dataDir, origin);
}

void TaskController::onHistoryOpened(qint64 runId, const QString &error, const QStringList &notices)
{
    for (const QString &notice : notices)
        fail(notice);
    m_pastJobs.setCurrentRun(runId);
    m_pastJobs.setDataDirectory(m_history.dataDirectory());
    if (runId == 0) {
        m_historyProblem = error;
        emit historyProblemChanged();
        fail(error);
        return;
    }
    findInterrupted();
}

void TaskController::onHistoryFailed(const QString &message)
{
    m_historyProblem = message;
    emit historyProblemChanged();
    fail(message);
}

void TaskController::findInterrupted()
{
    auto *watcher = new QFutureWatcher<QList<StoredJob>>(this);
    connect(watcher, &QFutureWatcher<QList<StoredJob>>::finished, this, [this, watcher] {
        m_interrupted = watcher->result();
        watcher->deleteLater();
        emit interruptedChanged();
    });
    // The reader has a connection of its own, on the background thread that reads.
    watcher->setFuture(QtConcurrent::run(
        backgroundPool(), [dir = m_history.dataDirectory(), run = m_history.runId()] {
            HistoryReader reader;
            QString error;
            return reader.open(dir, &error) ? reader.interruptedJobs(run, kMaxQueuedAtOnce)
                                            : QList<StoredJob>{};
        }));
}

int TaskController::requeueInterrupted()
{
    QList<JobSpec> specs;
    QList<qint64> ids;
    for (const StoredJob &job : std::as_const(m_interrupted)) {
        // The worker may have changed since: a job it would refuse now stays in the history.
        const KindSpec *kind = m_catalog.catalog().find(job.spec.kind);
        if (kind && kind->check(job.spec.params).isEmpty()) {
            specs << job.spec;
            ids << job.id;
        }
    }
    if (specs.isEmpty() || enqueue(specs, ids) < 0)
        return 0;
    m_interrupted.clear();
    emit interruptedChanged();
    return static_cast<int>(specs.size());
}

void TaskController::fail(const QString &message)
{
    emit errorOccurred(message);
}

int TaskController::enqueue(const QList<JobSpec> &specs, const QList<qint64> &resumedFrom)
{
    if (specs.isEmpty() || m_shuttingDown)
        return -1;
    const bool begins = !m_batch.running;
    if (begins)
        beginBatch();
    const int first = m_nextId;
    const int count = static_cast<int>(specs.size());
    m_nextId += count;
    m_model.addJobs(specs, first);
    m_jobs.reserve(m_jobs.size() + static_cast<std::size_t>(count));
    for (int id = first; id < m_nextId; ++id) {
        m_jobs.emplace(id, Job{1, nullptr, m_retries, {}, false, false, false, {}});
        m_queue.push_back(id);
    }
    if (begins)
        emit activeJobsChanged();
    recordAdded(first, count, specs, resumedFrom);
    dispatch();
    return first;
}

void TaskController::recordAdded(int first, int count, const QList<JobSpec> &specs,
                                 const QList<qint64> &resumedFrom)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<StoreEvent> events;
    events.reserve(count);
    for (int i = 0; i < count; ++i) {
        StoreEvent event;
        event.type = StoreEvent::Type::Added;
        event.seq = first + i;
        event.spec = specs.at(i);
        event.at = now;
        event.resumedFrom = i < resumedFrom.size() ? resumedFrom.at(i) : 0;
        events.append(std::move(event));
    }
    // One transaction for the lot, all or none: a batch killed while it is stored leaves none
    // of its jobs (a --resume that was cut short reruns the same jobs again, none lost).
    m_history.recordAll(std::move(events), [this, first, count] {
        for (int id = first; id < first + count; ++id) {
            if (Job *job = findJob(id))
                job->stored = true;
        }
        dispatch();
    });
}

void TaskController::record(StoreEvent::Type type, int id, int attempt, State state)
{
    StoreEvent event;
    event.type = type;
    event.seq = id;
    event.attempt = attempt;
    event.state = state;
    event.at = QDateTime::currentMSecsSinceEpoch();
    m_history.record(std::move(event));
}

bool TaskController::start(const QString &kind, const QVariantMap &params, int count)
{
    QString problem;
    const std::optional<JobSpec> job = specFromForm(m_catalog.catalog(), kind, params, &problem);
    if (!job) {
        fail(problem);
        return false;
    }
    if (count < 1 || count > kMaxQueuedAtOnce) {
        fail(tr("The number of jobs must be from 1 to %1").arg(kMaxQueuedAtOnce));
        return false;
    }
    return enqueue(QList<JobSpec>(count, *job)) > 0;
}

bool TaskController::startCommand(const QString &commandLine, const QString &workingDirectory,
                                  bool terminal)
{
    QString problem;
    const std::optional<QStringList> argv = splitCommandLine(commandLine, &problem);
    if (!argv) {
        fail(problem);
        return false;
    }
    if (argv->isEmpty()) {
        fail(tr("Type a command to run"));
        return false;
    }
    QVariantMap params{{QStringLiteral("argv"), commandLine}};
    if (!workingDirectory.isEmpty())
        params.insert(QStringLiteral("cwd"), workingDirectory);
    if (!terminal)
        params.insert(QStringLiteral("tty"), QStringLiteral("false"));
    return start(QStringLiteral("command"), params, 1);
}

QString TaskController::localPath(const QUrl &url)
{
    return url.isLocalFile() ? url.toLocalFile() : url.toString();
}

void TaskController::loadJobsFile(const QUrl &file)
{
    loadJobsFiles({localPath(file)}, true);
}

void TaskController::loadJobsFiles(const QStringList &paths, bool review)
{
    const Catalog catalog = m_catalog.catalog();
    struct Parsed
    {
        QList<JobSpec> specs;
        QString error;
    };
    auto *watcher = new QFutureWatcher<Parsed>(this);
    connect(watcher, &QFutureWatcher<Parsed>::finished, this, [this, watcher, review] {
        Parsed parsed = watcher->result();
        watcher->deleteLater();
        if (!parsed.error.isEmpty())
            fail(parsed.error);
        else if (parsed.specs.isEmpty())
            fail(tr("The jobs file has no jobs"));
        else if (review)
            m_historyActions.offer(parsed.specs);
        else
            enqueue(parsed.specs);
    });
    // A jobs file may hold 100,000 jobs: read and check it away from the GUI thread. The files
    // are read in order and go in as one: one that is bad adds none of them, as in the CLI.
    // Never an exception out of the task: Qt 6 would throw it again from result(), here.
    watcher->setFuture(QtConcurrent::run(backgroundPool(), [paths, catalog]() noexcept {
        Parsed parsed;
        try {
            for (const QString &path : paths) {
                std::optional<QList<JobSpec>> specs = parseJobsFile(path, catalog, &parsed.error);
                if (!specs)
                    return Parsed{{}, parsed.error};
                if (parsed.specs.size() + specs->size() > kMaxJobs)
                    return Parsed{
                        {}, tr("the jobs files hold more than %1 jobs together").arg(kMaxJobs)};
                parsed.specs << *specs;
            }
        } catch (const std::exception &e) {
            return Parsed{{},
                          tr("internal error reading the jobs files: %1")
                              .arg(QString::fromLocal8Bit(e.what()))};
        } catch (...) {
            return Parsed{{}, tr("internal error reading the jobs files")};
        }
        return parsed;
    }));
}

TaskController::Job *TaskController::findJob(int id)
{
    const auto it = m_jobs.find(id);
    return it == m_jobs.end() ? nullptr : &it->second;
}

TaskController::Job *TaskController::actionable(int id, bool (*allowed)(State))
{
    const TaskRow *row = m_model.find(id);
    Job *job = findJob(id);
    // A job whose end is being stored is already past every action.
    return row && job && !job->finishing && allowed(row->state) ? job : nullptr;
}

void TaskController::dispatch()
{
    while (!m_shuttingDown && !m_queueHeld && m_activeCount < m_concurrency && !m_queue.empty()) {
        const int id = m_queue.front();
        m_queue.pop_front();
        Job *job = findJob(id);
        const TaskRow *row = m_model.find(id);
        if (!job || !row || row->state != State::Queued)
            continue;
        if (!job->stored) {
            // Not in the history yet: it waits (and so does the queue behind it, in order).
            m_queue.push_front(id);
            break;
        }
        if (const QString shortage = descriptorShortage(); !shortage.isEmpty()) {
            // Jobs wait for running ones to give theirs back; with none running, this one
            // fails with the reason, so that the batch still ends.
            if (m_activeCount > 0) {
                m_queue.push_front(id);
                break;
            }
            failUnstarted(id, *job, shortage);
            continue;
        }
        job->last = AttemptRecord{job->attempt, QDateTime::currentMSecsSinceEpoch(), 0, {}, {}};
        record(StoreEvent::Type::Started, id, job->attempt);
        // Copied: a receiver of the model's signals below may remove rows.
        const JobSpec spec = row->spec;
        job->control = std::make_shared<JobControl>();
        ++m_activeCount;
        job->starting = true;
        ++m_starting;
        m_model.setState(id, State::Starting);
        if (m_pool.maxThreadCount() < m_activeCount)
            m_pool.setMaxThreadCount(m_activeCount);
        RunnerConfig config = m_config;
        // A command's output log, beside the history it belongs to (none without one).
        if (m_history.isOn()) {
            config.logDataDir = m_history.dataDirectory();
            config.logName = QStringLiteral("run%1-job%2-%3.log")
                                 .arg(m_history.runId())
                                 .arg(id)
                                 .arg(job->attempt);
        }
        m_pool.start(new JobRunner(id, job->attempt, spec, config, job->control, m_inbox));
    }
    // Only entries of jobs cleared meanwhile may have been left in the queue.
    endBatchIfIdle();
}

QString TaskController::descriptorShortage() const
{
    // What one more job may hold while it starts (pipes to the worker, the pidfd, the runner
    // thread's wake-up, with room for QProcess's temporary ones), and what the app keeps for
    // itself (the catalog's worker, files, the history, a new pool thread's event loop: GLib
    // aborts the whole app when it cannot get a descriptor for one).
    constexpr int kPerJob = 12;
    constexpr int kReserve = 16;
    const int limit = openFileLimit();
    // Far from the limit (the usual case once it is raised): no need to count.
    if (limit >= 2 * (kReserve + kPerJob * (m_activeCount + 1)))
        return {};
    // Jobs still starting open theirs on their own threads, after this count: counted whole.
    const int open = openFileCount();
    if (open < 0 || open + kPerJob * (m_starting + 1) + kReserve <= limit)
        return {};
    return tr("cannot start the job: too many open files (%1 of the limit of %2 in use; "
              "raise it with ulimit -n)")
        .arg(open)
        .arg(limit);
}

void TaskController::failUnstarted(int id, Job &job, const QString &why)
{
    job.finishing = true;
    ++m_unshown;
    RunnerUpdate update;
    update.jobId = id;
    update.attempt = job.attempt;
    update.terminal = State::Failed;
    update.error = why;
    concludeAttempt(id, job.attempt, std::move(update));
}

void TaskController::drain()
{
    QList<RunnerUpdate> updates = m_inbox->take();
    for (RunnerUpdate &update : updates)
        apply(update);
    dispatch();
    checkShutdownDone();
}

void TaskController::apply(RunnerUpdate &update)
{
    const int id = update.jobId;
    Job *job = findJob(id);
    // News from an attempt that is no longer current is stale.
    if (!job || !job->control || job->attempt != update.attempt)
        return;
    if (update.pid > 0)
        m_model.setPid(id, update.pid);
    if (!update.logPath.isEmpty()) {
        StoreEvent event;
        event.type = StoreEvent::Type::Log;
        event.seq = id;
        event.attempt = job->attempt;
        event.logPath = update.logPath;
        m_history.record(std::move(event));
    }
    if (!update.logProblem.isEmpty()) {
        emit jobProblem(id, update.logProblem);
        fail(tr("job %1: %2").arg(id).arg(update.logProblem));
    }
    if ((update.state || update.terminal) && job->starting) {
        job->starting = false;
        --m_starting;
    }
    if (update.state) {
        m_model.setState(id, *update.state);
        record(StoreEvent::Type::State, id, job->attempt, *update.state);
    }
    if (update.progress || update.progressText)
        m_model.applyProgress(id, update.progress, update.progressText);
    if (!update.points.isEmpty())
        m_model.appendPoints(id, update.points);
    if (update.terminal)
        finishAttempt(id, *job, update);
}

void TaskController::finishAttempt(int id, Job &job, RunnerUpdate &update)
{
    job.control.reset();
    --m_activeCount;
    job.finishing = true;
    ++m_unshown;
    const bool image =
        *update.terminal == State::Succeeded && update.result && !update.result->imageRgb.isEmpty();
    if (image)
        saveImage(id, job.attempt, std::move(update));
    else
        concludeAttempt(id, job.attempt, std::move(update));
}

void TaskController::concludeAttempt(int id, int attempt, RunnerUpdate update)
{
    StoreEvent event;
    event.type = StoreEvent::Type::Finished;
    event.seq = id;
    event.attempt = attempt;
    event.state = *update.terminal;
    event.at = QDateTime::currentMSecsSinceEpoch();
    event.error = update.error;
    event.stderrTail = update.stderrTail;
    if (update.result) {
        event.summary = update.result->summary;
        event.values = update.result->values;
    }
    event.exitCode = update.exitCode;
    event.signal = update.signal;
    if (Job *job = findJob(id)) {
        event.imagePath = job->imagePath;
        if (job->last.attempt == attempt) {
            job->last.finishedAt = event.at;
            job->last.exitCode = update.exitCode;
            job->last.signal = update.signal;
        }
    }
    // "A result reported is a result stored": the row shows it once it is on disk.
    auto shared = std::make_shared<RunnerUpdate>(std::move(update));
    m_history.record(std::move(event),
                     [this, id, attempt, shared] { showAttempt(id, attempt, *shared); });
}

void TaskController::showAttempt(int id, int attempt, const RunnerUpdate &update)
{
    --m_unshown;
    Job *job = findJob(id);
    if (!job || job->attempt != attempt) {
        endBatchIfIdle();
        checkShutdownDone();
        return;
    }
    job->finishing = false;
    const State terminal = *update.terminal;
    // Failures and timeouts may be retried automatically; a cancel never is.
    const bool retryable = terminal == State::Failed || terminal == State::TimedOut;
    const bool again = retryable && !m_shuttingDown && job->retriesLeft > 0;
    job->retriesLeft = again ? job->retriesLeft - 1 : 0;
    if (!job->imagePath.isEmpty())
        m_model.setImageUrl(id, QUrl::fromLocalFile(job->imagePath));
    // Receivers run from here on, and one may clear the finished row (and its entry).
    m_model.finish(id, terminal, update.error, update.stderrTail, update.result);
    if (!again) {
        jobDone(id, terminal);
    } else {
        // Announced while the row still shows the attempt that failed.
        emit jobRetrying(id, terminal, update.error);
        if (Job *still = findJob(id))
            requeue(id, *still);
        else
            jobDone(id, terminal); // cleared meanwhile: this attempt's state is the job's last
    }
    dispatch();
    checkShutdownDone();
}

void TaskController::requeue(int id, Job &job)
{
    // The entry first: the model's signals below may reach a receiver that clears rows.
    const int attempt = ++job.attempt;
    job.imagePath.clear();
    record(StoreEvent::Type::Requeued, id, attempt);
    // Inside a batch (every automatic retry, a manual one while jobs run) the attempt is one
    // more unit of it; only a manual retry while idle begins a batch.
    const bool begins = !m_batch.running;
    if (begins)
        beginBatch();
    m_model.requeue(id, attempt);
    m_queue.push_back(id);
    if (begins)
        emit activeJobsChanged();
}

void TaskController::jobDone(int id, State terminal)
{
    ++m_batch.finished;
    emit jobFinished(id, terminal);
    endBatchIfIdle();
}

void TaskController::beginBatch()
{
    m_batch = Batch{};
    m_batch.running = true;
    m_batch.clock.start();
    m_throughput = 0.0;
    m_etaSeconds = -1.0;
    m_model.resetBatch();
    m_tickTimer.start();
}

void TaskController::endBatchIfIdle()
{
    if (!m_batch.running || hasActiveJobs())
        return;
    m_tickTimer.stop();
    m_batch.running = false;
    m_batch.endedMs = m_batch.clock.elapsed();
    updateStats(m_batch.endedMs); // the final figures of the batch
    emit activeJobsChanged();
    emit batchFinished();
}

void TaskController::saveImage(int id, int attempt, RunnerUpdate update)
{
    // Never in a folder that vanishes at exit, never over another file: a new name in the
    // image folder (the data folder's images/ or --image-dir), created, not replaced.
    const QString run = m_history.runId() > 0
                            ? QStringLiteral("run%1-").arg(m_history.runId())
                            : QStringLiteral("pid%1-").arg(QCoreApplication::applicationPid());
    const QString name = QStringLiteral("%1job%2-%3.png").arg(run).arg(id).arg(attempt);
    auto *watcher = new QFutureWatcher<SavedImage>(this);
    auto shared = std::make_shared<RunnerUpdate>(std::move(update));
    connect(watcher, &QFutureWatcher<SavedImage>::finished, this,
            [this, watcher, id, attempt, shared] {
                const SavedImage saved = watcher->result();
                watcher->deleteLater();
                RunnerUpdate done = std::move(*shared);
                done.result->imageRgb.clear(); // on disk now; the row shows the file
                if (Job *job = findJob(id); job && job->attempt == attempt)
                    job->imagePath = saved.path;
                if (saved.path.isEmpty()) {
                    // The picture is the result: a job whose image is lost did not succeed.
                    done.terminal = State::Failed;
                    done.error = tr("the image could not be saved: %1").arg(saved.error);
                }
                concludeAttempt(id, attempt, std::move(done));
            });
    // Encoding a PNG of a few megapixels takes a while: not on the GUI thread. Never an
    // exception out of the task: Qt 6 would throw it again from result(), on this thread.
    watcher->setFuture(
        QtConcurrent::run(backgroundPool(), [image = shared->result, dir = m_imageDir,
                                             dataDir = m_dataDir, name]() noexcept {
            try {
                return writeImage(*image, dir, dataDir, name);
            } catch (...) {
                return SavedImage{{}, QStringLiteral("not enough memory to encode the image")};
            }
        }));
}

bool TaskController::cancel(int id)
{
    Job *job = actionable(id, canCancel);
    if (!job)
        return false;
    // A user's cancel is final: no automatic retry.
    job->retriesLeft = 0;
    if (job->control) { // starting, running or paused
        job->control->requestStop(JobControl::Stop::Cancel);
        return true;
    }
    if (const auto it = std::find(m_queue.begin(), m_queue.end(), id); it != m_queue.end())
        m_queue.erase(it);
    cancelQueued({id}, tr("canceled before it started"));
    return true;
}

void TaskController::cancelQueued(const QList<int> &candidates, const QString &why)
{
    QList<int> ids;
    for (const int id : candidates) {
        Job *job = findJob(id);
        const TaskRow *row = m_model.find(id);
        if (!job || !row || row->state != State::Queued || job->finishing)
            continue;
        job->retriesLeft = 0;
        job->finishing = true;
        ids << id;
    }
    if (ids.isEmpty())
        return;
    m_unshown += static_cast<int>(ids.size());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const int id : std::as_const(ids)) {
        StoreEvent event;
        event.type = StoreEvent::Type::Finished;
        event.seq = id;
        event.attempt = findJob(id)->attempt;
        event.state = State::Canceled;
        event.at = now;
        event.error = why;
        // One answer for the lot, shown with one model signal of each kind (10,000 queued
        // jobs canceled at once must not re-evaluate the window's bindings 10,000 times).
        std::function<void()> then;
        if (id == ids.last())
            then = [this, ids, why] { showCanceled(ids, why); };
        m_history.record(std::move(event), std::move(then));
    }
}

void TaskController::showCanceled(const QList<int> &ids, const QString &why)
{
    m_unshown -= static_cast<int>(ids.size());
    for (const int id : ids) {
        if (Job *job = findJob(id))
            job->finishing = false;
    }
    m_model.cancelQueued(ids, why);
    m_batch.finished += static_cast<int>(ids.size());
    for (const int id : ids)
        emit jobFinished(id, State::Canceled);
    endBatchIfIdle();
    checkShutdownDone();
}

bool TaskController::pause(int id)
{
    Job *job = actionable(id, canPause);
    if (!job || !job->control)
        return false;
    job->control->requestPause(true);
    return true;
}

bool TaskController::resume(int id)
{
    Job *job = actionable(id, canResume);
    if (!job || !job->control)
        return false;
    job->control->requestPause(false);
    return true;
}

bool TaskController::retry(int id)
{
    Job *job = m_shuttingDown ? nullptr : actionable(id, canRetry);
    if (!job)
        return false;
    requeue(id, *job);
    dispatch();
    return true;
}

int TaskController::pauseAll()
{
    m_queueHeld = true;
    int asked = 0;
    for (auto &[id, job] : m_jobs) {
        // Paused by hand (or on its way there), or being stopped: not this one's to pause.
        if (!job.control || job.control->pauseRequested()
            || job.control->stopRequest() != JobControl::Stop::None)
            continue;
        job.control->requestPause(true);
        m_pausedByAll[id] = job.attempt;
        ++asked;
    }
    return asked;
}

void TaskController::resumeAll()
{
    // Only the attempt it paused: a later one (a retry) was never paused by it.
    for (const auto &[id, attempt] : std::exchange(m_pausedByAll, {})) {
        if (Job *job = findJob(id); job && job->control && job->attempt == attempt)
            job->control->requestPause(false);
    }
    if (std::exchange(m_queueHeld, false))
        dispatch();
}

int TaskController::pausesPending() const
{
    int pending = 0;
    for (const auto &[id, attempt] : m_pausedByAll) {
        const auto it = m_jobs.find(id);
        const TaskRow *row = m_model.find(id);
        if (it != m_jobs.end() && it->second.control && it->second.attempt == attempt && row
            && row->state != State::Paused)
            ++pending;
    }
    return pending;
}

void TaskController::cancelAll()
{
    // Queued ones first, newest last, so nothing queued slips into a slot freed meanwhile.
    const std::deque<int> queued = std::exchange(m_queue, {});
    cancelQueued(QList<int>(queued.begin(), queued.end()),
                 m_shuttingDown ? tr("canceled: longrun is shutting down")
                                : tr("canceled before it started"));
    for (auto &[id, job] : m_jobs) {
        if (!job.control)
            continue;
        job.retriesLeft = 0;
        job.control->requestStop(m_shuttingDown ? JobControl::Stop::Shutdown
                                                : JobControl::Stop::Cancel);
    }
    endBatchIfIdle();
}

int TaskController::clearFinished()
{
    const int removed = m_model.removeFinished();
    if (removed == 0)
        return 0;
    // The terminal rows went, and what the controller knew of their jobs with them.
    std::erase_if(m_jobs, [this](const auto &entry) { return !m_model.find(entry.first); });
    // Nothing left of an ended batch: the bar starts from zero with the next job.
    if (!m_batch.running)
        m_model.resetBatch();
    return removed;
}

void TaskController::shutdown(int deadlineMs)
{
    deadlineMs = std::max(0, deadlineMs);
    if (!m_shuttingDown) {
        m_shuttingDown = true;
        emit shuttingDownChanged();
        cancelAll();
        m_shutdownTimer.start(deadlineMs);
    } else if (m_shutdownTimer.isActive() && deadlineMs < m_shutdownTimer.remainingTime()) {
        // Asked again, more urgently (a second Ctrl+C): shorten the wait.
        m_shutdownTimer.start(deadlineMs);
    }
    checkShutdownDone();
}

void TaskController::checkShutdownDone()
{
    // Once: a finished shutdown stays shut; nothing new starts after it.
    // Every terminal state is stored (and shown) before a shutdown is done.
    if (m_shuttingDown && m_activeCount == 0 && m_unshown == 0 && !m_shutdownSignaled) {
        m_shutdownSignaled = true;
        m_shutdownTimer.stop();
        // Queued so that a caller connecting right after shutdown() still hears it.
        QMetaObject::invokeMethod(this, &TaskController::shutdownFinished, Qt::QueuedConnection);
    }
}

void TaskController::tick()
{
    QList<int> ids;
    ids.reserve(m_activeCount);
    for (const auto &[id, job] : m_jobs) {
        if (job.control)
            ids << id;
    }
    m_model.refreshClocks(ids);
    if (m_batch.running)
        updateStats(m_batch.clock.elapsed());
}

void TaskController::updateStats(qint64 nowMs)
{
    const double done = m_model.batchDone();
    const qint64 dt = nowMs - m_batch.lastTickMs;
    if (dt > 0) {
        const double instant = (done - m_batch.lastDone) * 1000.0 / static_cast<double>(dt);
        // An exponential average over a few seconds: steady, yet it follows a change of pace.
        m_batch.rate = m_batch.lastTickMs == 0 ? instant : 0.7 * m_batch.rate + 0.3 * instant;
        m_batch.lastDone = done;
        m_batch.lastTickMs = nowMs;
    }
    const double remaining = m_model.batchSize() - done;
    m_etaSeconds = !m_batch.running ? 0.0 : (m_batch.rate > 1e-9 ? remaining / m_batch.rate : -1.0);
    // Only this batch's jobs: rows of earlier batches may still be listed.
    const double minutes = static_cast<double>(nowMs) / 60000.0;
    m_throughput = minutes > 0 ? m_batch.finished / minutes : 0.0;
    emit statsChanged();
}

} // namespace longrun
