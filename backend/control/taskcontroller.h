#pragma once

// control/: the decisions, on the GUI thread. The top of the engine: it may include every
// other folder of it (jobs, runner, models, store, system), and only the front ends (cli/, the
// window) include it.
//
// TaskController: every decision about jobs, on the GUI thread. It owns the job pool (a member,
// never QThreadPool::globalInstance()), the TaskModel, the catalog, the queue and the batch; it
// starts, cancels, pauses, retries, times out and shuts down. JobRunners on the pool report back
// through an UpdateInbox that this object drains, applying each job's news to the model at most
// once per drain.
//
// The batch: it begins when jobs arrive (or a job is retried by hand) while nothing is queued or
// running, and ends when the last job reaches a terminal state it keeps. A retry inside it,
// automatic or manual, adds an attempt to it and never begins another. The model is told when
// a batch begins; its clock, ETA and throughput are kept here.
//
// One instance serves the window and the CLI. The window reaches it as the QML singleton
// `TaskController`; main() creates it first and hands it over through create().

#include "control/historyactions.h"
#include "models/catalogmodel.h"
#include "models/historymodel.h"
#include "models/taskfiltermodel.h"
#include "models/taskmodel.h"
#include "runner/jobcontrol.h"
#include "runner/jobrunner.h"
#include "store/historystore.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtCore/QThreadPool>
#include <QtCore/QTimer>
#include <QtQml/qqml.h>
#include <QtQml/qqmlregistration.h>

#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>

class QQmlEngine;
class QJSEngine;

namespace longrun {

class TaskController : public QObject
{
    Q_OBJECT

    Q_PROPERTY(longrun::TaskModel *model READ model CONSTANT)
    Q_PROPERTY(longrun::TaskFilterModel *jobs READ jobs CONSTANT)
    Q_PROPERTY(longrun::CatalogModel *catalog READ catalog CONSTANT)
    Q_PROPERTY(int concurrency READ concurrency WRITE setConcurrency NOTIFY concurrencyChanged)
    Q_PROPERTY(int maxConcurrency READ maxConcurrency CONSTANT)
    Q_PROPERTY(double timeoutSeconds READ timeoutSeconds WRITE setTimeoutSeconds NOTIFY
                   timeoutSecondsChanged)
    Q_PROPERTY(int retries READ retries WRITE setRetries NOTIFY retriesChanged)
    Q_PROPERTY(double throughput READ throughput NOTIFY statsChanged)
    Q_PROPERTY(QString etaText READ etaText NOTIFY statsChanged)
    Q_PROPERTY(QString batchElapsedText READ batchElapsedText NOTIFY statsChanged)
    Q_PROPERTY(bool shuttingDown READ shuttingDown NOTIFY shuttingDownChanged)
    Q_PROPERTY(bool hasActiveJobs READ hasActiveJobs NOTIFY activeJobsChanged)
    Q_PROPERTY(int interruptedCount READ interruptedCount NOTIFY interruptedChanged)
    Q_PROPERTY(QString historyProblem READ historyProblem NOTIFY historyProblemChanged)
    Q_PROPERTY(longrun::HistoryModel *pastJobs READ pastJobs CONSTANT)
    Q_PROPERTY(longrun::HistoryActions *historyActions READ historyActions CONSTANT)

public:
    explicit TaskController(QObject *parent = nullptr);
    ~TaskController() override;

    // The QML singleton hook: returns the instance main() registered, else a new one.
    static TaskController *create(QQmlEngine *qmlEngine, QJSEngine *jsEngine);
    static void setInstance(TaskController *controller);

    [[nodiscard]] TaskModel *model() { return &m_model; }
    [[nodiscard]] const TaskModel &model() const { return m_model; }
    [[nodiscard]] TaskFilterModel *jobs() { return &m_filter; }
    [[nodiscard]] CatalogModel *catalog() { return &m_catalog; }
    [[nodiscard]] int concurrency() const { return m_concurrency; }
    void setConcurrency(int concurrency);
    [[nodiscard]] int maxConcurrency() const;
    [[nodiscard]] double timeoutSeconds() const { return m_config.timeoutMs / 1000.0; }
    void setTimeoutSeconds(double seconds);
    [[nodiscard]] int retries() const { return m_retries; }
    void setRetries(int retries);
    [[nodiscard]] const WorkerLaunch &workerLaunch() const { return m_config.launch; }
    void setWorkerLaunch(const WorkerLaunch &launch);
    // The durable history. Never opened, it records nothing and holds nothing back; opened
    // (by main() or the CLI), every job is stored before it starts and every terminal state is
    // committed before the job is shown or announced as finished.
    [[nodiscard]] HistoryStore *history() { return &m_history; }
    // The stored jobs as the History view pages them, and what it does with them.
    [[nodiscard]] HistoryModel *pastJobs() { return &m_pastJobs; }
    [[nodiscard]] HistoryActions *historyActions() { return &m_historyActions; }
    // The window's way in: opens the history in the data folder in the background, then looks
    // for jobs that earlier runs left interrupted (interruptedCount, requeueInterrupted()).
    // What it found and why it is off come as errorOccurred() messages.
    void openHistory(const QString &origin);
    // Interrupted jobs of earlier runs (killed, crashed) not run again yet.
    [[nodiscard]] int interruptedCount() const { return static_cast<int>(m_interrupted.size()); }
    // "" while the history works, else why it is off.
    [[nodiscard]] QString historyProblem() const { return m_historyProblem; }
    // The data folder (history, images): $LONGRUN_DATA_DIR or the XDG one unless set.
    void setDataDirectory(const QString &path) { m_dataDir = path; }
    [[nodiscard]] QString dataDirectory() const { return m_dataDir; }
    // Where mandelbrot images are written: --image-dir, else the data folder's images/.
    void setImageDirectory(const QString &path);
    // Where the image of a job's current attempt is (being) written; "" if it has none.
    [[nodiscard]] QString imagePath(int id) const;
    // A job's latest attempt that started: wall-clock times (ms since the epoch; finishedAt 0
    // until it ended) and how it ended, when known. attempt 0: none started (or no such job).
    struct AttemptRecord
    {
        int attempt = 0;
        qint64 startedAt = 0;
        qint64 finishedAt = 0;
        std::optional<int> exitCode;
        std::optional<int> signal;
    };
    [[nodiscard]] AttemptRecord lastAttempt(int id) const;
    // Tests shorten the escalation steps.
    void setRunnerConfig(const RunnerConfig &config);
    [[nodiscard]] const RunnerConfig &runnerConfig() const { return m_config; }
    // Jobs of this batch that reached a terminal state they keep, per minute of the batch;
    // updated once a second and when the batch ends.
    [[nodiscard]] double throughput() const { return m_throughput; }
    // Seconds left in the batch, -1 while unknown; 0 once it ended.
    [[nodiscard]] double etaSeconds() const { return m_etaSeconds; }
    [[nodiscard]] QString etaText() const;
    // How long the batch has run (it stops when the batch ends); -1 before the first batch.
    [[nodiscard]] qint64 batchElapsedMs() const;
    [[nodiscard]] QString batchElapsedText() const;
    // Jobs of this batch that reached a terminal state they keep.
    [[nodiscard]] int batchFinishedCount() const { return m_batch.finished; }
    [[nodiscard]] bool shuttingDown() const { return m_shuttingDown; }
    [[nodiscard]] bool hasActiveJobs() const
    {
        return m_activeCount > 0 || !m_queue.empty() || m_unshown > 0;
    }
    [[nodiscard]] int activeCount() const { return m_activeCount; }

    // Queues jobs; returns the first new id. Checked against the catalog when it is loaded.
    // `resumedFrom`: for --resume, the stored job each new one reruns (same length, or empty).
    int enqueue(const QList<JobSpec> &specs, const QList<qint64> &resumedFrom = {});

    // For QML. start(), startCommand() return false (and emit errorOccurred) when they cannot
    // do what was asked. cancel(), pause(), resume() and retry() return false, and do nothing,
    // exactly when the job's canCancel.. role is false (jobs/actions.h), or the job is unknown
    // or cleared; retry() also during a shutdown.
    Q_INVOKABLE bool start(const QString &kind, const QVariantMap &params, int count = 1);
    // `terminal`: run the command on a pseudo-terminal (the worker's default), so programs that
    // draw progress only for a terminal do so; false gives it plain pipes.
    Q_INVOKABLE bool startCommand(const QString &commandLine, const QString &workingDirectory = {},
                                  bool terminal = true);
    // A jobs file opened in the window: read as loadJobsFiles() does; one that holds command
    // jobs waits for the user's look at them first (historyActions()->review, issue #12).
    Q_INVOKABLE void loadJobsFile(const QUrl &file);
    // Reads jobs files in the background, in order, and queues their jobs as one lot; with
    // `review`, a lot that holds command jobs is offered for review instead (the files the
    // window was started with are the user's own typing, as on the CLI, and run at once).
    void loadJobsFiles(const QStringList &paths, bool review = false);
    // A file or folder dialog's URL as the local path a job parameter expects.
    Q_INVOKABLE static QString localPath(const QUrl &url);
    Q_INVOKABLE bool cancel(int id);
    Q_INVOKABLE bool pause(int id);
    Q_INVOKABLE bool resume(int id);
    Q_INVOKABLE bool retry(int id);
    Q_INVOKABLE void cancelAll();
    Q_INVOKABLE int clearFinished();
    Q_INVOKABLE void reloadCatalog();
    // Queues every interrupted job of earlier runs again (each stored as a rerun of its
    // original, so it is never offered twice); returns how many.
    Q_INVOKABLE int requeueInterrupted();
    // Cancels everything, escalates, and emits shutdownFinished() once no worker is left; past
    // the deadline, workers still running are killed outright.
    Q_INVOKABLE void shutdown(int deadlineMs = 2500);
    // Ctrl-Z in the CLI. pauseAll() pauses every job that is starting or running (a starting
    // one as soon as its worker says hello) and holds the queue: nothing starts, not even a
    // retry, until resumeAll(). resumeAll() resumes exactly the jobs pauseAll() paused (one
    // paused by hand stays paused) and lets the queue go. pauseAll() returns how many jobs it
    // asked to pause.
    int pauseAll();
    void resumeAll();
    // Jobs pauseAll() asked to pause that are neither reported Paused nor ended yet.
    [[nodiscard]] int pausesPending() const;
    [[nodiscard]] bool queueHeld() const { return m_queueHeld; }

Q_SIGNALS:
    void concurrencyChanged();
    void timeoutSecondsChanged();
    void retriesChanged();
    void statsChanged();
    void shuttingDownChanged();
    void activeJobsChanged();
    void shutdownFinished();
    // Exactly once when a job reaches a terminal state it keeps (a manual retry starts a new
    // attempt that finishes once more).
    void jobFinished(int id, longrun::State state);
    // An attempt failed and another one is queued automatically (see retries).
    void jobRetrying(int id, longrun::State state, const QString &error);
    void batchFinished();
    void interruptedChanged();
    void historyProblemChanged();
    void errorOccurred(const QString &message);
    // Something went wrong beside a job that does not change its outcome (its log could not be
    // made or stopped); also said through errorOccurred.
    void jobProblem(int id, const QString &message);

private:
    // What the controller knows of one job, from enqueue until clearFinished removes its row.
    struct Job
    {
        int attempt = 1;
        // Set while an attempt is started or running, null while queued or finished.
        std::shared_ptr<JobControl> control;
        int retriesLeft = 0; // automatic retries still allowed
        QString imagePath;   // the current attempt's image, "" if none
        // False until the history has the job: it starts only once it is stored.
        bool stored = false;
        // A terminal state is on its way to the history: shown once it is committed.
        bool finishing = false;
        // Dispatched, its worker not running yet: its descriptors are not all open yet.
        bool starting = false;
        AttemptRecord last;
    };

    struct Batch
    {
        bool running = false;
        QElapsedTimer clock;
        qint64 endedMs = -1; // the batch's length once it ended
        int finished = 0;
        double lastDone = 0.0;
        qint64 lastTickMs = 0;
        double rate = 0.0; // smoothed units per second
    };

    // Called (queued, by name) by the UpdateInbox when runners have posted news.
    Q_INVOKABLE void drain();
    void dispatch();
    void apply(RunnerUpdate &update);
    void finishAttempt(int id, Job &job, RunnerUpdate &update);
    // Stores the attempt's end, then shows it (showAttempt) once it is committed.
    void concludeAttempt(int id, int attempt, RunnerUpdate update);
    void showAttempt(int id, int attempt, const RunnerUpdate &update);
    // Cancels these jobs if still queued: stored, then shown as one lot.
    void cancelQueued(const QList<int> &ids, const QString &why);
    void showCanceled(const QList<int> &ids, const QString &why);
    void recordAdded(int first, int count, const QList<JobSpec> &specs,
                     const QList<qint64> &resumedFrom);
    void record(StoreEvent::Type type, int id, int attempt, State state = State::Queued);
    // Queues the job's next attempt; the batch begins first when none runs.
    void requeue(int id, Job &job);
    // A terminal state the job keeps: counted, announced, and the batch may end.
    void jobDone(int id, State terminal);
    [[nodiscard]] Job *findJob(int id);
    // The job if its row's state allows the action (jobs/actions.h), else null.
    [[nodiscard]] Job *actionable(int id, bool (*allowed)(State));
    // Encodes and writes the image in the background, then concludes the attempt.
    void saveImage(int id, int attempt, RunnerUpdate update);
    void tick();
    void updateStats(qint64 nowMs);
    void beginBatch();
    void endBatchIfIdle();
    void checkShutdownDone();
    void fail(const QString &message);
    // Why one more job cannot start now for want of file descriptors, "" when it can.
    [[nodiscard]] QString descriptorShortage() const;
    // Ends a queued job that cannot start as Failed (stored, then shown).
    void failUnstarted(int id, Job &job, const QString &why);
    void onHistoryOpened(qint64 runId, const QString &error, const QStringList &notices);
    void onHistoryFailed(const QString &message);
    void findInterrupted();

    TaskModel m_model;
    TaskFilterModel m_filter;
    CatalogModel m_catalog;
    QThreadPool m_pool;
    RunnerConfig m_config;
    std::shared_ptr<UpdateInbox> m_inbox;
    std::unordered_map<int, Job> m_jobs;
    std::deque<int> m_queue; // the order in which queued jobs start
    int m_activeCount = 0;   // jobs with a control
    int m_unshown = 0;       // terminal states recorded, not yet committed and shown
    int m_starting = 0;      // jobs with `starting` set
    int m_nextId = 1;
    int m_concurrency = 1;
    int m_retries = 0;
    bool m_shuttingDown = false;
    bool m_shutdownSignaled = false;
    bool m_queueHeld = false;                   // by pauseAll(), until resumeAll()
    std::unordered_map<int, int> m_pausedByAll; // job id -> the attempt pauseAll() paused

    QTimer m_tickTimer;
    QTimer m_shutdownTimer;
    Batch m_batch;
    double m_throughput = 0.0;
    double m_etaSeconds = -1.0;

    QString m_imageDir;
    QString m_dataDir;
    QList<StoredJob> m_interrupted;
    QString m_historyProblem;
    HistoryModel m_pastJobs;
    HistoryActions m_historyActions{*this};
    HistoryStore m_history; // last: destroyed first, it writes what is still queued
};

// The QML singleton `TaskController`. Qt 6.4 builds a default-constructible singleton with
// `new T` and ignores its create() factory (qqmlprivate.h prefers the constructor), which gave
// QML a second controller beside main()'s. Registered through this foreign wrapper, QML calls
// create() and shares the instance main() handed over.
struct TaskControllerForeign
{
    Q_GADGET
    QML_FOREIGN(longrun::TaskController)
    QML_SINGLETON
    QML_NAMED_ELEMENT(TaskController)

public:
    static TaskController *create(QQmlEngine *qmlEngine, QJSEngine *jsEngine)
    {
        return TaskController::create(qmlEngine, jsEngine);
    }
};

} // namespace longrun
