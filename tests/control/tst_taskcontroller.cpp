// TaskController + JobRunner against real worker processes: every fault mode, cancel, pause,
// timeout, retry, races for exactly one terminal state, shutdown leaving no process, the
// actions against the roles, and the batch's properties under random operations.

#include "control/historyactions.h"
#include "control/taskcontroller.h"
#include "controllers.h"
#include "jobspecs.h"
#include "procutil.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QRandomGenerator>
#include <QtCore/QRegularExpression>
#include <QtCore/QScopeGuard>
#include <QtCore/QSet>
#include <QtCore/QTemporaryDir>
#include <QtCore/QUrl>
#include <QtGui/QImage>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <csignal>
#include <sys/mount.h>
#include <sys/stat.h>

using namespace longrun;
using longrun::test::job;

class tst_TaskController : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TaskController> makeController(int concurrency = 4)
    {
        return test::makeController(concurrency, m_tester);
    }

    static const TaskRow &row(TaskController &c, int id) { return *c.model()->find(id); }

    // Gives `c` the real worker's catalog, as the window does at start; the reason if it cannot.
    static QString loadCatalog(TaskController &c)
    {
        QString error;
        const auto catalog = Catalog::load({test::workerPath(), {}}, &error);
        if (!catalog)
            return error.isEmpty() ? QStringLiteral("no catalog") : error;
        c.catalog()->setCatalog(*catalog);
        return {};
    }

    // Waits until nothing is queued or running, and checks every worker pid seen is gone.
    static bool waitIdle(TaskController &c, int timeoutMs = test::kHangMs)
    {
        QElapsedTimer timer;
        timer.start();
        while (c.hasActiveJobs() && timer.elapsed() < timeoutMs)
            QTest::qWait(20);
        return !c.hasActiveJobs();
    }

    static void expectNoProcessLeft(TaskController &c)
    {
        for (int r = 0; r < c.model()->rowCount(); ++r) {
            const qint64 pid = c.model()->at(r).pid;
            if (pid > 0)
                QTRY_COMPARE_WITH_TIMEOUT(test::countInGroup(static_cast<pid_t>(pid)), 0, 3000);
        }
        QTRY_COMPARE_WITH_TIMEOUT(test::descendantsOf(::getpid()).size(), 0, 3000);
    }

    static bool reaches(TaskController &c, int id, State state)
    {
        QElapsedTimer timer;
        timer.start();
        while (row(c, id).state != state && timer.elapsed() < test::kHangMs)
            QTest::qWait(10);
        return row(c, id).state == state;
    }

    // A new job of `c` brought into `state` by real workers; 0 if it never got there. Queued
    // needs a controller with one slot.
    static int jobIn(TaskController &c, State state)
    {
        const JobSpec longSleep = job("sleep", {{"seconds", "30"}});
        int id = 0;
        switch (state) {
        case State::Queued:
            c.enqueue({longSleep}); // takes the only slot
            return c.enqueue({longSleep});
        case State::Starting:
            return c.enqueue({longSleep}); // dispatched at once, not heard from yet
        case State::Running:
        case State::Paused:
            id = c.enqueue({longSleep});
            if (!reaches(c, id, State::Running))
                return 0;
            if (state == State::Paused && !(c.pause(id) && reaches(c, id, State::Paused)))
                return 0;
            return id;
        case State::Succeeded:
            id = c.enqueue({job("sleep", {{"seconds", "0"}})});
            break;
        case State::Failed:
            id = c.enqueue({job("fault", {{"mode", "exit-nonzero"}, {"delay", "0"}})});
            break;
        case State::Canceled:
            id = c.enqueue({longSleep});
            c.cancel(id);
            break;
        case State::TimedOut:
            c.setTimeoutSeconds(0.3);
            id = c.enqueue({job("fault", {{"mode", "hang"}, {"delay", "0"}})});
            break;
        }
        return reaches(c, id, state) ? id : 0;
    }

    // What propertiesThroughTheController() expects of the batch, checked on every change of
    // the bar and after every step; what went wrong is collected in `violations`.
    struct Observer
    {
        explicit Observer(TaskController &controller)
            : c(controller)
        {
            QObject::connect(c.model(), &TaskModel::overallProgressChanged, &context,
                             [this] { onChange(); });
            QObject::connect(&c, &TaskController::jobFinished, &context,
                             [this](int id, State) { onFinished(id); });
            QObject::connect(&c, &TaskController::jobRetrying, &context,
                             [this](int id, State, const QString &) { onRetrying(id); });
            QObject::connect(&c, &TaskController::batchFinished, &context,
                             [this] { onBatchEnded(); });
        }

        // Jobs were enqueued, or a job retried by hand: a batch begins if none ran.
        void added(int units)
        {
            if (!inBatch) {
                inBatch = true;
                batchUnits = 0;
                finishedInBatch = 0;
            }
            batchUnits += units;
        }
        void retried(int id)
        {
            added(1);
            ended.remove(id);
            ++manualRetries[id];
        }

        void onChange()
        {
            const TaskModel &m = *c.model();
            const int size = m.batchSize();
            const double done = m.batchDone();
            const double overall = m.overallProgress();
            if (inBatch && size < lastSize)
                violations << QString("batch size %1 -> %2").arg(lastSize).arg(size);
            if (inBatch && done < lastDone - 1e-9)
                violations << QString("units done %1 -> %2").arg(lastDone).arg(done);
            if (inBatch && size == lastSize && overall < lastOverall)
                violations << QString("overall %1 -> %2").arg(lastOverall).arg(overall);
            lastSize = size;
            lastDone = done;
            lastOverall = overall;
        }

        void onFinished(int id)
        {
            ++events;
            ++finishedInBatch;
            ++finishedSignals[id];
            if (ended.contains(id))
                violations << QString("job %1 finished twice").arg(id);
            if (!inBatch)
                violations << QString("job %1 finished outside a batch").arg(id);
            ended.insert(id);
        }

        void onRetrying(int id)
        {
            ++events;
            ++batchUnits; // the next attempt is one more unit of this batch
            if (ended.contains(id) || !inBatch)
                violations << QString("job %1 retried after it ended").arg(id);
        }

        void onBatchEnded()
        {
            check();
            if (!inBatch)
                violations << QString("a batch ended twice");
            inBatch = false;
            if (c.model()->overallProgress() != 1.0)
                violations << QString("batch ended at %1").arg(c.model()->overallProgress());
            const qint64 ms = c.batchElapsedMs();
            const double expected =
                ms > 0 ? finishedInBatch * 60000.0 / static_cast<double>(ms) : 0.0;
            if (std::abs(c.throughput() - expected) > 1e-9 * std::max(1.0, expected))
                violations << QString("throughput %1, expected %2 jobs in %3 ms")
                                  .arg(c.throughput())
                                  .arg(finishedInBatch)
                                  .arg(ms);
        }

        // After a step: the batch's size and finished jobs are what was done to it.
        void check()
        {
            onChange();
            if (inBatch && c.model()->batchSize() != batchUnits)
                violations << QString("batch size %1, %2 attempts")
                                  .arg(c.model()->batchSize())
                                  .arg(batchUnits);
            if (inBatch && c.batchFinishedCount() != finishedInBatch)
                violations << QString("batch finished %1, %2 signals")
                                  .arg(c.batchFinishedCount())
                                  .arg(finishedInBatch);
            for (const int id : std::as_const(ended)) {
                const TaskRow *row = c.model()->find(id);
                if (row && !isTerminal(row->state))
                    violations
                        << QString("job %1 ended but is %2").arg(id).arg(stateKey(row->state));
            }
        }

        TaskController &c;
        bool inBatch = false;
        int batchUnits = 0;
        int finishedInBatch = 0;
        int lastSize = 0;
        double lastDone = 0.0;
        double lastOverall = 0.0;
        int events = 0;
        QSet<int> ended;
        QHash<int, int> finishedSignals;
        QHash<int, int> manualRetries;
        QStringList violations;
        QObject context; // last: the connections go first
    };

    std::unique_ptr<QAbstractItemModelTester> m_tester;

private slots:
    void cleanup() { m_tester.reset(); }

    void realJobsSucceed()
    {
        auto c = makeController(4);
        QSignalSpy finished(c.get(), &TaskController::jobFinished);
        const int first = c->enqueue({job("primes", {{"limit", "10000000"}}),
                                      job("montecarlo-pi", {{"samples", "200000"}, {"seed", "3"}}),
                                      job("mandelbrot", {{"width", "64"}, {"height", "48"}}),
                                      job("sleep", {{"seconds", "0.2"}, {"steps", "4"}})});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 4, test::kHangMs);
        QCOMPARE(row(*c, first).state, State::Succeeded);
        QCOMPARE(row(*c, first).resultValues.value("count").toLongLong(), 664579LL);
        QCOMPARE(row(*c, first + 1).state, State::Succeeded);
        QVERIFY(std::abs(row(*c, first + 1).resultValues.value("estimate").toDouble() - M_PI)
                < 0.05);
        QVERIFY(!row(*c, first + 1).series.isEmpty());
        QCOMPARE(row(*c, first + 2).state, State::Succeeded);
        QTRY_VERIFY_WITH_TIMEOUT(row(*c, first + 2).imageUrl.isLocalFile(), test::kHangMs);
        QImage image(row(*c, first + 2).imageUrl.toLocalFile());
        QCOMPARE(image.size(), QSize(64, 48));
        QCOMPARE(row(*c, first + 3).state, State::Succeeded);
        QCOMPARE(row(*c, first + 3).progress, 1.0);
        QCOMPARE(c->model()->overallProgress(), 1.0);
        QCOMPARE(c->model()->succeeded(), 4);
        expectNoProcessLeft(*c);
    }

    void faultMatrix_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<int>("expected");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("stderrContains");
        const int failed = static_cast<int>(State::Failed);
        QTest::newRow("crash") << "crash" << failed << "killed by SIGSEGV"
                               << "";
        QTest::newRow("abort") << "abort" << failed << "killed by SIGABRT"
                               << "";
        QTest::newRow("exception") << "exception" << failed << "killed by SIGABRT"
                                   << "deliberate uncaught exception";
        QTest::newRow("hang") << "hang" << static_cast<int>(State::TimedOut)
                              << "timed out after 1.5 s"
                              << "";
        QTest::newRow("ignore-sigterm")
            << "ignore-sigterm" << static_cast<int>(State::TimedOut) << "timed out after 1.5 s"
            << "";
        QTest::newRow("garbage") << "garbage" << failed << "protocol error"
                                 << "";
        QTest::newRow("exit-nonzero")
            << "exit-nonzero" << failed << "exited with code 3 without a result"
            << "";
        QTest::newRow("exit-zero")
            << "exit-zero" << failed << "exited (code 0) without sending a result"
            << "";
        QTest::newRow("stderr-flood") << "stderr-flood" << failed << "exited with code 1"
                                      << "stderr flood done";
        QTest::newRow("oversized-frame")
            << "oversized-frame" << failed << "more than the limit of 16777216"
            << "";
        QTest::newRow("progress-nan") << "progress-nan" << failed << "protocol error: progress nan"
                                      << "";
        QTest::newRow("progress-range")
            << "progress-range" << failed << "protocol error: progress 1.5"
            << "";
        QTest::newRow("after-result")
            << "after-result" << failed << "protocol error: progress frame after the result"
            << "";
        QTest::newRow("truncated") << "truncated" << failed << "in the middle of a frame"
                                   << "";
        QTest::newRow("linger") << "linger" << failed
                                << "did not exit within 0.5 s of sending its result"
                                << "";
        QTest::newRow("leave-child") << "leave-child" << static_cast<int>(State::Succeeded) << ""
                                     << "";
    }

    // Each fault ends its own job with a clear message; a healthy job beside it is untouched.
    void faultMatrix()
    {
        QFETCH(QString, mode);
        QFETCH(int, expected);
        QFETCH(QString, message);
        QFETCH(QString, stderrContains);
        auto c = makeController(2);
        // The hang modes need the short timeout; the 64 MiB stderr flood must not race it (a
        // TSan-built worker alone needs about 1.8 s to write it).
        c->setTimeoutSeconds(mode == u"stderr-flood" ? 20.0 : 1.5);
        QSignalSpy finished(c.get(), &TaskController::jobFinished);
        const int faulty = c->enqueue({job("fault", {{"mode", mode}, {"delay", "0.1"}})});
        const int healthy = c->enqueue({job("sleep", {{"seconds", "0.6"}, {"steps", "6"}})});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, test::kHangMs);
        const TaskRow &bad = row(*c, faulty);
        QCOMPARE(static_cast<int>(bad.state), expected);
        QVERIFY2(bad.error.contains(message), qPrintable(bad.error));
        if (!stderrContains.isEmpty()) {
            QVERIFY2(bad.stderrTail.contains(stderrContains),
                     qPrintable(bad.stderrTail.right(300)));
            // The tail is bounded whatever the worker writes (the flood is 64 MiB).
            QVERIFY(bad.stderrTail.size() <= 16 * 1024);
        }
        QCOMPARE(row(*c, healthy).state, State::Succeeded);
        QCOMPARE(row(*c, healthy).resultValues.value("seconds").toDouble(), 0.6);
        QCOMPARE(finished.count(), 2); // exactly one terminal signal each
        expectNoProcessLeft(*c);
    }

    void missingOrBrokenWorker_data()
    {
        QTest::addColumn<QString>("program");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing") << "/nonexistent/longrun-worker"
                                 << "No such file or directory";
        QTest::newRow("not executable") << "NOEXEC"
                                        << "Permission denied";
    }

    void missingOrBrokenWorker()
    {
        QFETCH(QString, program);
        QFETCH(QString, message);
        QTemporaryDir dir;
        if (program == u"NOEXEC") {
            program = dir.filePath("worker");
            QFile file(program);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("#!/bin/sh\nexit 0\n");
            file.close();
            file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        }
        auto c = makeController(2);
        c->setWorkerLaunch({program, {}});
        QSignalSpy finished(c.get(), &TaskController::jobFinished);
        const int id = c->enqueue({job("sleep"), job("sleep")});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, test::kHangMs);
        QCOMPARE(row(*c, id).state, State::Failed);
        QVERIFY2(row(*c, id).error.startsWith(
                     QStringLiteral("cannot start the worker '%1'").arg(program)),
                 qPrintable(row(*c, id).error));
        QVERIFY2(row(*c, id).error.contains(message), qPrintable(row(*c, id).error));
        QCOMPARE(row(*c, id + 1).state, State::Failed);
    }

    void lyingPeer_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<int>("expected");
        QTest::addColumn<QString>("message");
        QTest::newRow("wrong-version")
            << "wrong-version" << static_cast<int>(State::Failed)
            << "protocol error: the worker speaks protocol 99, longrun speaks 1";
        QTest::newRow("progress-first") << "progress-first" << static_cast<int>(State::Failed)
                                        << "protocol error: expected hello first, got progress";
        QTest::newRow("two-hellos")
            << "two-hellos" << static_cast<int>(State::Failed) << "protocol error: a second hello";
        QTest::newRow("no-hello") << "no-hello" << static_cast<int>(State::Failed)
                                  << "did not say hello within 1 s";
        QTest::newRow("huge-texts") << "huge-texts" << static_cast<int>(State::Succeeded) << "";
        QTest::newRow("flood") << "flood" << static_cast<int>(State::Succeeded) << "";
    }

    void lyingPeer()
    {
        QFETCH(QString, mode);
        QFETCH(int, expected);
        QFETCH(QString, message);
        auto c = makeController(1);
        c->setWorkerLaunch({test::helperPath("fakeworker"), {mode}});
        RunnerConfig config = c->runnerConfig();
        config.helloTimeoutMs = 1000;
        c->setRunnerConfig(config);
        int progressUpdates = 0;
        connect(c->model(), &QAbstractItemModel::dataChanged, this,
                [&](const QModelIndex &, const QModelIndex &, const QList<int> &roles) {
                    progressUpdates += roles.contains(TaskModel::ProgressRole) ? 1 : 0;
                });
        QSignalSpy finished(c.get(), &TaskController::jobFinished);
        QElapsedTimer timer;
        timer.start();
        const int id = c->enqueue({job("sleep")});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, test::kHangMs);
        QCOMPARE(static_cast<int>(row(*c, id).state), expected);
        QVERIFY2(row(*c, id).error.contains(message), qPrintable(row(*c, id).error));
        if (mode == u"flood") {
            // 200,000 frames were sent; updates are coalesced to one per job per frame.
            const double seconds = std::max(0.05, static_cast<double>(timer.elapsed()) / 1000.0);
            QVERIFY2(progressUpdates <= 5 + static_cast<int>(seconds * 70),
                     qPrintable(
                         QString("%1 progress updates in %2 s").arg(progressUpdates).arg(seconds)));
            QCOMPARE(row(*c, id).resultSummary, QStringLiteral("flooded"));
        }
        if (mode == u"huge-texts") {
            // Cut to what a view can lay out, marked, on a character boundary.
            const TaskRow &r = row(*c, id);
            QCOMPARE(r.resultSummary.size(), 1025);
            QVERIFY(r.resultSummary.endsWith(QChar(0x2026)));
            QVERIFY(r.progressText.size() <= 1025);
            QCOMPARE(r.resultValues.size(), 256);
            const QString big = r.resultValues.value(QStringLiteral("big")).toString();
            QVERIFY(big.startsWith(QStringLiteral("\u00e9vvv")));
            QCOMPARE(big.size(), 1 + 65534 + 1);
            QVERIFY(big.endsWith(QChar(0x2026)));
        }
        expectNoProcessLeft(*c);
    }

    void killedFromOutside()
    {
        auto c = makeController(1);
        const int id = c->enqueue({job("sleep", {{"seconds", "30"}})});
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, id).state, State::Running, test::kHangMs);
        QTRY_VERIFY(row(*c, id).pid > 0);
        ::kill(static_cast<pid_t>(row(*c, id).pid), SIGKILL);
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, id).state, State::Failed, test::kHangMs);
        QCOMPARE(row(*c, id).error, QStringLiteral("the worker was killed by SIGKILL (Killed)"));
        expectNoProcessLeft(*c);
    }

    void cancelQueuedRunningPaused()
    {
        auto c = makeController(2);
        // A long grace, so that a cancel finished well inside it was the worker's own doing.
        RunnerConfig config = c->runnerConfig();
        config.cancelGraceMs = 3000;
        c->setRunnerConfig(config);
        QSignalSpy finished(c.get(), &TaskController::jobFinished);
        const int first =
            c->enqueue({job("sleep", {{"seconds", "30"}}), job("sleep", {{"seconds", "30"}}),
                        job("sleep", {{"seconds", "30"}})});
        const int running = first;
        const int paused = first + 1;
        const int queued = first + 2;
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, running).state, State::Running, test::kHangMs);
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, paused).state, State::Running, test::kHangMs);
        QCOMPARE(row(*c, queued).state, State::Queued);

        // Queued: removed at once, never started.
        QVERIFY(c->cancel(queued));
        QCOMPARE(row(*c, queued).state, State::Canceled);
        QCOMPARE(row(*c, queued).pid, 0);

        QVERIFY(c->pause(paused));
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, paused).state, State::Paused, test::kHangMs);
        const double progressAtPause = row(*c, paused).progress;

        QElapsedTimer timer;
        timer.start();
        QVERIFY(c->cancel(running));
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, running).state, State::Canceled, test::kHangMs);
        // Cooperative: the worker heard the Cancel frame; no signal was needed.
        QVERIFY2(timer.elapsed() < 2500, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(row(*c, running).error, QStringLiteral("canceled"));

        QCOMPARE(row(*c, paused).progress, progressAtPause);
        QVERIFY(c->cancel(paused));
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, paused).state, State::Canceled, test::kHangMs);
        QVERIFY(!c->cancel(paused)); // twice: nothing more happens
        QTRY_COMPARE(finished.count(), 3);
        QTest::qWait(100);
        QCOMPARE(finished.count(), 3);
        QCOMPARE(c->model()->canceled(), 3);
        expectNoProcessLeft(*c);
    }

    void pauseDoesNotCountTowardTimeout()
    {
        auto c = makeController(1);
        c->setTimeoutSeconds(1.5);
        const int id = c->enqueue({job("sleep", {{"seconds", "1"}, {"steps", "10"}})});
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, id).state, State::Running, test::kHangMs);
        QVERIFY(c->pause(id));
        QTRY_COMPARE(row(*c, id).state, State::Paused);
        const double atPause = row(*c, id).progress;
        QTest::qWait(2000); // longer than the timeout, but paused
        QCOMPARE(row(*c, id).state, State::Paused);
        QCOMPARE(row(*c, id).progress, atPause);
        QVERIFY(c->resume(id));
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, id).state, State::Succeeded, test::kHangMs);
        // Elapsed excludes the pause.
        QVERIFY(c->model()->elapsedMs(row(*c, id)) < 1800);
    }

    void timeoutEscalates()
    {
        auto c = makeController(1);
        c->setTimeoutSeconds(0.5);
        const int id = c->enqueue({job("fault", {{"mode", "ignore-sigterm"}, {"delay", "0"}})});
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, id).state, State::TimedOut, test::kHangMs);
        QCOMPARE(row(*c, id).error, QStringLiteral("timed out after 0.5 s"));
        expectNoProcessLeft(*c);
    }

    void manualAndAutomaticRetry()
    {
        auto c = makeController(1);
        QSignalSpy finished(c.get(), &TaskController::jobFinished);
        QSignalSpy retrying(c.get(), &TaskController::jobRetrying);
        const int id = c->enqueue({job("fault", {{"mode", "exit-nonzero"}, {"delay", "0"}})});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, test::kHangMs);
        QCOMPARE(row(*c, id).attempt, 1);
        QVERIFY(c->retry(id));
        QVERIFY(!isTerminal(row(*c, id).state)); // queued, and dispatched at once: a slot is free
        QCOMPARE(row(*c, id).attempt, 2);
        QVERIFY(row(*c, id).error.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, test::kHangMs);
        QCOMPARE(row(*c, id).state, State::Failed);

        c->setRetries(2);
        const int automatic =
            c->enqueue({job("fault", {{"mode", "exit-nonzero"}, {"delay", "0"}})});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, test::kHangMs);
        QCOMPARE(retrying.count(), 2);
        QCOMPARE(row(*c, automatic).attempt, 3);
        QCOMPARE(row(*c, automatic).state, State::Failed);

        // A user's cancel is never retried automatically, and succeeded jobs cannot be retried.
        const int canceled = c->enqueue({job("sleep", {{"seconds", "30"}})});
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, canceled).state, State::Running, test::kHangMs);
        c->cancel(canceled);
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, canceled).state, State::Canceled, test::kHangMs);
        QTest::qWait(200);
        QCOMPARE(row(*c, canceled).attempt, 1);
        QCOMPARE(retrying.count(), 2);
        const int ok = c->enqueue({job("sleep", {{"seconds", "0"}})});
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, ok).state, State::Succeeded, test::kHangMs);
        QVERIFY(!c->retry(ok));
    }

    // The automatic retry of the batch's last active job stays in the batch: the bar does not
    // fall back to zero, the finished job keeps its unit, and the batch ends once.
    void retryOfTheLastJobKeepsTheBatch()
    {
        auto c = makeController(1);
        c->setRetries(1);
        QSignalSpy batchEnded(c.get(), &TaskController::batchFinished);
        QSignalSpy retrying(c.get(), &TaskController::jobRetrying);
        QList<double> bar;
        QList<int> sizes;
        connect(c->model(), &TaskModel::overallProgressChanged, this, [&] {
            bar << c->model()->overallProgress();
            sizes << c->model()->batchSize();
        });
        const int first = c->enqueue({job("sleep", {{"seconds", "0"}}),
                                      job("fault", {{"mode", "exit-nonzero"}, {"delay", "0"}})});
        QTRY_COMPARE_WITH_TIMEOUT(batchEnded.count(), 1, test::kHangMs);
        QCOMPARE(retrying.count(), 1);
        QCOMPARE(row(*c, first).state, State::Succeeded);
        QCOMPARE(row(*c, first + 1).attempt, 2);
        QCOMPARE(row(*c, first + 1).state, State::Failed);
        // Two jobs, three attempts, all done.
        QCOMPARE(c->model()->batchSize(), 3);
        QCOMPARE(c->model()->overallProgress(), 1.0);
        for (qsizetype i = 1; i < bar.size(); ++i) {
            QVERIFY2(
                sizes.at(i) >= sizes.at(i - 1),
                qPrintable(QString("batch size %1 -> %2").arg(sizes.at(i - 1)).arg(sizes.at(i))));
            // Adding the retry's unit may lower the ratio; the units done never go down.
            QVERIFY2(bar.at(i) * sizes.at(i) >= bar.at(i - 1) * sizes.at(i - 1) - 1e-9,
                     qPrintable(QString("overall %1 -> %2").arg(bar.at(i - 1)).arg(bar.at(i))));
        }
        QCOMPARE(batchEnded.count(), 1);
    }

    // Throughput is this batch's finished jobs over this batch's minutes: the rows of an
    // earlier batch, still listed, are not counted again.
    void throughputCountsThisBatchOnly()
    {
        auto c = makeController(4);
        QSignalSpy batchEnded(c.get(), &TaskController::batchFinished);
        c->enqueue(QList<JobSpec>(8, job("sleep", {{"seconds", "0"}})));
        QTRY_COMPARE_WITH_TIMEOUT(batchEnded.count(), 1, test::kHangMs);
        QCOMPARE(c->batchFinishedCount(), 8);
        const int id = c->enqueue({job("sleep", {{"seconds", "0.3"}, {"steps", "3"}})});
        QCOMPARE(c->batchFinishedCount(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(batchEnded.count(), 2, test::kHangMs);
        QCOMPARE(row(*c, id).state, State::Succeeded);
        QCOMPARE(c->model()->finished(), 9); // the first batch's rows are still listed
        QCOMPARE(c->batchFinishedCount(), 1);
        const qint64 ms = c->batchElapsedMs();
        QVERIFY2(ms >= 300, qPrintable(QString::number(ms)));
        // One job in at least 0.3 s: at most 200 a minute (nine would read 1800).
        QVERIFY(std::abs(c->throughput() - 60000.0 / static_cast<double>(ms)) < 1e-9);
        QVERIFY2(c->throughput() <= 200.0, qPrintable(QString::number(c->throughput())));
        QCOMPARE(c->etaSeconds(), 0.0);
        // The batch's clock stopped with it.
        QCOMPARE(c->batchElapsedMs(), ms);
    }

    void actionsFollowTheRoles_data()
    {
        QTest::addColumn<State>("state");
        QTest::addColumn<QString>("action");
        for (int s = 0; s < kStateCount; ++s) {
            for (const char *action : {"cancel", "pause", "resume", "retry"}) {
                const State state = static_cast<State>(s);
                QTest::addRow("%s %s", qPrintable(stateKey(state)), action) << state << action;
            }
        }
    }

    // Every action is refused, and changes nothing, exactly when its role says so; where it is
    // accepted it does what it says.
    void actionsFollowTheRoles()
    {
        QFETCH(State, state);
        QFETCH(QString, action);
        auto c = makeController(state == State::Queued ? 1 : 2);
        const int id = jobIn(*c, state);
        QVERIFY(id > 0);
        QCOMPARE(row(*c, id).state, state);
        const int role = action == u"cancel"   ? TaskModel::CanCancelRole
                         : action == u"pause"  ? TaskModel::CanPauseRole
                         : action == u"resume" ? TaskModel::CanResumeRole
                                               : TaskModel::CanRetryRole;
        const bool offered = c->model()->index(c->model()->rowOf(id)).data(role).toBool();
        const int attempt = row(*c, id).attempt;
        QSignalSpy finished(c.get(), &TaskController::jobFinished);
        const bool accepted = action == u"cancel"   ? c->cancel(id)
                              : action == u"pause"  ? c->pause(id)
                              : action == u"resume" ? c->resume(id)
                                                    : c->retry(id);
        QCOMPARE(accepted, offered);
        if (!accepted) {
            QCOMPARE(row(*c, id).state, state);
            QCOMPARE(row(*c, id).attempt, attempt);
            QCOMPARE(finished.count(), 0);
        } else if (action == u"cancel") {
            QTRY_COMPARE_WITH_TIMEOUT(row(*c, id).state, State::Canceled, test::kHangMs);
        } else if (action == u"pause") {
            QTRY_COMPARE_WITH_TIMEOUT(row(*c, id).state, State::Paused, test::kHangMs);
        } else if (action == u"resume") {
            QTRY_COMPARE_WITH_TIMEOUT(row(*c, id).state, State::Running, test::kHangMs);
        } else {
            QCOMPARE(row(*c, id).attempt, attempt + 1);
            QVERIFY(!isTerminal(row(*c, id).state));
        }
        // Unknown jobs are refused by all.
        QVERIFY(!c->cancel(9999) && !c->pause(9999) && !c->resume(9999) && !c->retry(9999));
        c->cancelAll();
        QVERIFY(waitIdle(*c));
    }

    // The image path names the current attempt's file, and goes with the row.
    void imagePathFollowsTheAttempt()
    {
        QTemporaryDir images;
        auto c = makeController(1);
        c->setImageDirectory(images.path());
        const int blocker = c->enqueue({job("sleep", {{"seconds", "30"}})});
        const int id = c->enqueue({job("mandelbrot", {{"width", "32"}, {"height", "24"}})});
        QVERIFY(c->cancel(id)); // canceled before it started: no image
        QCOMPARE(c->imagePath(id), QString());
        QVERIFY(c->cancel(blocker));
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, blocker).state, State::Canceled, test::kHangMs);
        QVERIFY(c->retry(id));
        QCOMPARE(c->imagePath(id), QString()); // the new attempt has made none yet
        QTRY_VERIFY_WITH_TIMEOUT(row(*c, id).imageUrl.isLocalFile(), test::kHangMs);
        // Named so that no other run, process or attempt can take the name: pid (or run id),
        // job and attempt.
        const QString expected =
            QDir(images.path())
                .filePath(
                    QString("pid%1-job%2-2.png").arg(QCoreApplication::applicationPid()).arg(id));
        QCOMPARE(c->imagePath(id), expected);
        QCOMPARE(row(*c, id).imageUrl, QUrl::fromLocalFile(expected));
        QCOMPARE(QImage(expected).size(), QSize(32, 24));

        QCOMPARE(c->clearFinished(), 2);
        QCOMPARE(c->imagePath(id), QString());
        // A cleared job is gone for every action too.
        QVERIFY(!c->retry(id));
        QVERIFY(!c->retry(blocker));
    }

    void propertiesThroughTheController_data()
    {
        QTest::addColumn<int>("seed");
        for (int seed = 1; seed <= 6; ++seed)
            QTest::addRow("seed %d", seed) << seed;
    }

    // Random enqueues of short sleep and failing jobs (retried automatically), manual retries,
    // cancels and clears, against real workers. After every step and on every change of the
    // bar: while a batch runs, the units done and the batch size never go down and the bar
    // falls only when units are added; the batch counts every attempt; each batch's
    // throughput counts its own finished jobs; every job ends once per attempt chain.
    void propertiesThroughTheController()
    {
        QFETCH(int, seed);
        QRandomGenerator random(static_cast<quint32>(seed));
        auto c = makeController(3);
        c->setRetries(1 + seed % 2);
        Observer o(*c);
        QList<int> ids;
        const auto pick = [&] {
            return ids.at(static_cast<qsizetype>(random.bounded(static_cast<quint32>(ids.size()))));
        };
        for (int step = 0; step < 30; ++step) {
            const int op = random.bounded(10);
            if (op < 3 && ids.size() < 30) {
                QList<JobSpec> specs;
                for (int i = 0, n = 1 + random.bounded(3); i < n; ++i)
                    specs << (random.bounded(3) == 0
                                  ? job("fault", {{"mode", "exit-nonzero"}, {"delay", "0.02"}})
                                  : job("sleep",
                                        {{"seconds",
                                          QString::number(0.02 + random.bounded(10) / 100.0)},
                                         {"steps", "3"}}));
                const int first = c->enqueue(specs);
                o.added(static_cast<int>(specs.size()));
                for (int id = first; id < first + specs.size(); ++id)
                    ids << id;
            } else if (op == 3 && !ids.isEmpty()) {
                c->cancel(pick());
            } else if (op == 4 && !ids.isEmpty()) {
                const int id = pick();
                if (c->retry(id))
                    o.retried(id);
            } else if (op == 5) {
                c->clearFinished();
            } else if (c->hasActiveJobs()) {
                const int before = o.events;
                QTRY_VERIFY_WITH_TIMEOUT(o.events > before, test::kHangMs);
            }
            o.check();
            QVERIFY2(o.violations.isEmpty(), qPrintable(o.violations.join('\n')));
        }
        QVERIFY(waitIdle(*c));
        o.check();
        QVERIFY2(o.violations.isEmpty(), qPrintable(o.violations.join('\n')));
        for (const int id : ids) {
            QVERIFY2(o.ended.contains(id), qPrintable(QString("job %1 never ended").arg(id)));
            QCOMPARE(o.finishedSignals.value(id), 1 + o.manualRetries.value(id));
        }
        expectNoProcessLeft(*c);
    }

    void exactlyOneTerminalState_data()
    {
        QTest::addColumn<QString>("race");
        QTest::newRow("cancel right after enqueue") << "enqueue";
        QTest::newRow("cancel while starting") << "starting";
        QTest::newRow("cancel twice") << "twice";
        QTest::newRow("cancel racing finish") << "finish";
        QTest::newRow("cancel all then shutdown") << "shutdown";
        QTest::newRow("pause then cancel at once") << "pause";
    }

    void exactlyOneTerminalState()
    {
        QFETCH(QString, race);
        auto c = makeController(4);
        QHash<int, int> terminalSignals;
        connect(c.get(), &TaskController::jobFinished, this,
                [&](int id, State) { ++terminalSignals[id]; });
        QList<JobSpec> specs;
        const QString seconds = race == u"finish" ? QStringLiteral("0.05") : QStringLiteral("5");
        for (int i = 0; i < 12; ++i)
            specs << job("sleep", {{"seconds", seconds}, {"steps", "5"}});
        const int first = c->enqueue(specs);
        QRandomGenerator random(42);
        if (race == u"enqueue" || race == u"twice") {
            for (int id = first; id < first + 12; ++id) {
                c->cancel(id);
                if (race == u"twice")
                    c->cancel(id);
            }
        } else if (race == u"starting") {
            for (int id = first; id < first + 4; ++id)
                QCOMPARE(row(*c, id).state, State::Starting);
            for (int id = first; id < first + 12; ++id)
                c->cancel(id);
        } else if (race == u"finish") {
            for (int i = 0; i < 40; ++i) {
                QTest::qWait(static_cast<int>(random.bounded(20)));
                c->cancel(first + static_cast<int>(random.bounded(12)));
            }
        } else if (race == u"shutdown") {
            QTest::qWait(static_cast<int>(random.bounded(200)));
            c->cancelAll();
            c->shutdown();
        } else if (race == u"pause") {
            QTRY_COMPARE_WITH_TIMEOUT(row(*c, first).state, State::Running, test::kHangMs);
            c->pause(first);
            c->cancel(first);
            c->cancelAll();
        }
        QVERIFY(waitIdle(*c));
        QTest::qWait(100);
        for (int id = first; id < first + 12; ++id) {
            QVERIFY2(isTerminal(row(*c, id).state), qPrintable(QString("job %1").arg(id)));
            QCOMPARE(terminalSignals.value(id), 1);
        }
        QCOMPARE(c->model()->finished(), 12);
        expectNoProcessLeft(*c);
    }

    void shutdownLeavesNoProcess()
    {
        auto c = makeController(8);
        QList<JobSpec> specs;
        for (int i = 0; i < 50; ++i) {
            if (i % 5 == 0)
                specs << job("fault", {{"mode", "ignore-sigterm"}, {"delay", "0"}});
            else if (i % 5 == 1)
                specs << job("command", {{"argv", "sh"}}); // replaced below with a real argv
            else
                specs << job("sleep", {{"seconds", "60"}});
        }
        for (JobSpec &spec : specs) {
            if (spec.kind == u"command")
                spec.params = {
                    JobParam{"argv", {"sh", "-c", "sleep 300 & sleep 300 & wait"}, true}};
        }
        c->enqueue(specs);
        QTRY_COMPARE_WITH_TIMEOUT(c->activeCount(), 8, test::kHangMs);
        QTRY_COMPARE_WITH_TIMEOUT(c->model()->running(), 8, test::kHangMs);
        QTest::qWait(300); // let the commands start their children
        QSignalSpy done(c.get(), &TaskController::shutdownFinished);
        QElapsedTimer timer;
        timer.start();
        c->shutdown();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, test::kHangMs);
        QVERIFY2(timer.elapsed() < 3500, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(c->model()->canceled(), 50);
        QCOMPARE(c->enqueue({job("sleep")}), -1);
        QCOMPARE(c->model()->rowCount(), 50); // nothing new starts after a shutdown
        expectNoProcessLeft(*c);
    }

    void clearFinishedKeepsTheBar()
    {
        auto c = makeController(1);
        const int first =
            c->enqueue({job("sleep", {{"seconds", "0"}}), job("sleep", {{"seconds", "30"}})});
        QTRY_COMPARE_WITH_TIMEOUT(row(*c, first).state, State::Succeeded, test::kHangMs);
        const double before = c->model()->overallProgress();
        QVERIFY(before >= 0.5);
        QCOMPARE(c->clearFinished(), 1);
        QCOMPARE(c->model()->rowCount(), 1);
        QVERIFY(c->model()->overallProgress() >= before);
        c->cancelAll();
        QVERIFY(waitIdle(*c));
        QCOMPARE(c->model()->overallProgress(), 1.0);
        QCOMPARE(c->clearFinished(), 1);
        QCOMPARE(c->model()->overallProgress(), 0.0);
    }

    // What the window calls: typed text, empty meaning the default, every mistake an error.
    void startFromTheWindow()
    {
        auto c = makeController(2);
        QCOMPARE(loadCatalog(*c), QString());
        QSignalSpy errors(c.get(), &TaskController::errorOccurred);
        QSignalSpy finished(c.get(), &TaskController::jobFinished);

        QVERIFY(c->start("primes", {{"limit", "1000"}}, 3));
        QVERIFY(c->start("sleep", {{"seconds", ""}, {"steps", "2"}}, 1)); // empty: the default
        QCOMPARE(c->model()->rowCount(), 4);
        QCOMPARE(c->model()->at(3).spec.describeParams(), QStringLiteral("steps=2"));
        c->cancel(c->model()->at(3).id);

        QVERIFY(!c->start("primes", {{"limit", "x"}}, 1));
        QCOMPARE(
            errors.last().first().toString(),
            QStringLiteral(
                "primes: parameter 'limit' must be an integer from 2 to 1000000000000, got 'x'"));
        QVERIFY(!c->start("primes", {{"lmit", "5"}}, 1));
        QCOMPARE(errors.last().first().toString(),
                 QStringLiteral("primes: unknown parameter 'lmit' (known: limit)"));
        QVERIFY(!c->start("nope", {}, 1));
        QVERIFY(!c->start("primes", {}, 0));
        QVERIFY(!c->startCommand("sh -c 'unterminated"));
        QCOMPARE(errors.last().first().toString(),
                 QStringLiteral("unterminated ' quote in the command"));
        QVERIFY(c->startCommand("sh -c 'pwd; exit 0'", "/tmp"));
        // The same program on a terminal (the default) and on plain pipes.
        const QString whereIsOutput =
            QStringLiteral("sh -c 'if [ -t 1 ]; then echo terminal; else echo pipe; fi'");
        QVERIFY(c->startCommand(whereIsOutput));
        QVERIFY(c->startCommand(whereIsOutput, {}, false));
        QCOMPARE(errors.count(), 5);
        QCOMPARE(c->model()->rowCount(), 7); // no job was added by a mistake
        QVERIFY(c->model()->at(6).spec.describeParams().endsWith(QStringLiteral("tty=false")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 7, test::kHangMs);
        QCOMPARE(c->model()->at(0).resultValues.value("count").toInt(), 168);
        QCOMPARE(c->model()->at(4).state, State::Succeeded);
        QCOMPARE(c->model()->at(4).resultValues.value("output_tail").toString(),
                 QStringLiteral("/tmp"));
        QCOMPARE(c->model()->at(5).resultValues.value("output_tail").toString(),
                 QStringLiteral("terminal"));
        QCOMPARE(c->model()->at(6).resultValues.value("output_tail").toString(),
                 QStringLiteral("pipe"));

        QCOMPARE(TaskController::localPath(QUrl::fromLocalFile("/tmp/a b#c.json")),
                 QStringLiteral("/tmp/a b#c.json"));
    }

    void concurrencyLimitIsHonoured()
    {
        auto c = makeController(3);
        int maxActive = 0;
        connect(c->model(), &TaskModel::countsChanged, this, [&] {
            maxActive = std::max(maxActive, c->model()->running() + c->model()->paused());
        });
        QList<JobSpec> specs(12, job("sleep", {{"seconds", "0.1"}, {"steps", "1"}}));
        c->enqueue(specs);
        QVERIFY(waitIdle(*c));
        QCOMPARE(maxActive, 3);
        QCOMPARE(c->model()->succeeded(), 12);
    }

    // A command's output goes to a log file of its attempt in the data folder's logs/: made
    // owner-only, one record per line in order, its path (relative to the data folder) stored
    // with the attempt. On a pty both streams are one; with pipes each keeps its tag.
    void commandOutputIsLogged_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("tty");
        QTest::addColumn<QStringList>("records");
        QTest::newRow("pty") << "echo a; echo b >&2; echo c"
                             << "true" << QStringList{"out a", "out b", "out c"};
        QTest::newRow("pipes") << "echo a; sleep 0.1; echo b >&2; sleep 0.1; echo c"
                               << "false" << QStringList{"out a", "err b", "out c"};
        QTest::newRow("partial line") << "printf 'x y'; sleep 0.1; echo z"
                                      << "false" << QStringList{"out+ x y", "out z"};
    }
    void commandOutputIsLogged()
    {
        QFETCH(QString, script);
        QFETCH(QString, tty);
        QFETCH(QStringList, records);
        QTemporaryDir data;
        auto c = makeController(1);
        QVERIFY(c->history()->openAndWait(data.path(), QStringLiteral("cli")));
        JobSpec spec = job("command", {{"tty", tty}});
        spec.params << JobParam{QStringLiteral("argv"),
                                {QStringLiteral("sh"), QStringLiteral("-c"), script}};
        const int id = c->enqueue({spec});
        QVERIFY(waitIdle(*c));
        QCOMPARE(c->model()->succeeded(), 1);
        const QString relative =
            QStringLiteral("logs/run%1-job%2-1.log").arg(c->history()->runId()).arg(id);
        const QString path = QDir(data.path()).filePath(relative);
        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
        struct stat info = {};
        QCOMPARE(::lstat(QFile::encodeName(path).constData(), &info), 0);
        QCOMPARE(info.st_mode & 07777, 0600u);
        QStringList seen;
        const QRegularExpression line(
            QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (.*)$"));
        for (const QByteArray &bytes : file.readAll().split('\n')) {
            if (bytes.isEmpty())
                continue;
            const QRegularExpressionMatch match = line.match(QString::fromUtf8(bytes));
            QVERIFY2(match.hasMatch(), bytes.constData());
            seen << match.captured(1);
        }
        QCOMPARE(seen, records);

        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), "logreader");
        db.setDatabaseName(QDir(data.path()).filePath(QStringLiteral("history.db")));
        QVERIFY(db.open());
        const auto cleanup = qScopeGuard([&db] {
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase("logreader");
        });
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("SELECT log_path FROM attempts JOIN jobs ON jobs.id ="
                                          " attempts.job_id WHERE run_id = %1 AND seq = %2")
                               .arg(c->history()->runId())
                               .arg(id)));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), relative);
    }

    // No output, or no history: no log file (and none stored).
    void noLogWithoutOutputOrHistory()
    {
        QTemporaryDir data;
        {
            auto c = makeController(1);
            QVERIFY(c->history()->openAndWait(data.path(), QStringLiteral("cli")));
            c->enqueue({job("primes", {{"limit", "1000"}}), job("command", {{"argv", "true"}})});
            QVERIFY(waitIdle(*c));
            QCOMPARE(c->model()->succeeded(), 2);
        }
        QVERIFY(!QFileInfo::exists(QDir(data.path()).filePath(QStringLiteral("logs"))));
        QTemporaryDir none;
        const QByteArray old = qgetenv("LONGRUN_DATA_DIR");
        qputenv("LONGRUN_DATA_DIR", none.path().toLocal8Bit());
        const auto restore = qScopeGuard([&old] { qputenv("LONGRUN_DATA_DIR", old); });
        auto c = makeController(1);
        c->enqueue({job("command", {{"argv", "pwd"}})});
        QVERIFY(waitIdle(*c));
        QCOMPARE(c->model()->succeeded(), 1);
        QCOMPARE(QDir(none.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries),
                 QStringList());
    }

    // A full disk stops the log with a note and a message; the job still succeeds.
    void fullDiskStopsTheLogNotTheJob()
    {
        if (::geteuid() != 0)
            QSKIP("needs root to mount a tiny tmpfs");
        QTemporaryDir data;
        const QString logs = QDir(data.path()).filePath(QStringLiteral("logs"));
        QVERIFY(QDir().mkpath(logs));
        QVERIFY(::chmod(QFile::encodeName(logs).constData(), 0700) == 0);
        const QByteArray mountPoint = QFile::encodeName(logs);
        if (::mount("tmpfs", mountPoint.constData(), "tmpfs", 0, "size=8k,mode=0700") != 0)
            QSKIP("cannot mount a tmpfs here");
        const auto unmount = qScopeGuard([&] { ::umount2(mountPoint.constData(), MNT_DETACH); });
        auto c = makeController(1);
        QSignalSpy errors(c.get(), &TaskController::errorOccurred);
        QVERIFY(c->history()->openAndWait(data.path(), QStringLiteral("cli")));
        JobSpec spec = job("command", {{"tty", "false"}});
        spec.params << JobParam{QStringLiteral("argv"),
                                {QStringLiteral("sh"), QStringLiteral("-c"),
                                 QStringLiteral("head -c 100000 /dev/zero | tr '\\0' 'x'")}};
        const int id = c->enqueue({spec});
        QVERIFY(waitIdle(*c));
        QCOMPARE(c->model()->succeeded(), 1);
        QCOMPARE(errors.size(), 1);
        const QString message = errors.at(0).at(0).toString();
        QVERIFY2(message.startsWith(QStringLiteral("job %1: the log of the output stopped: cannot "
                                                   "write 'logs/run%2-job%1-1.log': No space left")
                                        .arg(id)
                                        .arg(c->history()->runId())),
                 qPrintable(message));
    }

    // "A result reported is a result stored": when a job starts, it is in the history; when
    // jobFinished says it ended, another reader of the file already sees that state (and
    // after an automatic retry, the new attempt's).
    // The window's log pane: the log's end, from a record's start, never a path outside.
    void logTailForTheWindow()
    {
        QTemporaryDir data;
        auto c = makeController(1);
        c->setDataDirectory(data.path());
        QVERIFY(c->history()->openAndWait(data.path(), QStringLiteral("cli")));
        JobSpec spec = job("command", {{"tty", "false"}});
        spec.params << JobParam{QStringLiteral("argv"),
                                {QStringLiteral("sh"), QStringLiteral("-c"),
                                 QStringLiteral("for i in $(seq 1 200); do echo line$i; done")},
                                true};
        const int id = c->enqueue({spec});
        QVERIFY(waitIdle(*c));
        QCOMPARE(c->model()->succeeded(), 1);
        const QString log =
            QStringLiteral("logs/run%1-job%2-1.log").arg(c->history()->runId()).arg(id);
        const HistoryActions &actions = *c->historyActions();
        const QStringList whole = actions.logTail(log).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(whole.size(), 200);
        QVERIFY2(whole.first().endsWith(u" out line1"), qPrintable(whole.first()));
        QVERIFY(whole.last().endsWith(u" out line200"));
        // The last 300 bytes: whole records only, after a note of what came before.
        const QStringList tail = actions.logTail(log, 300).split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(tail.first().startsWith(u"[... ") && tail.first().endsWith(u" bytes before]"),
                 qPrintable(tail.first()));
        QVERIFY(tail.size() > 2 && tail.size() < 12);
        for (qsizetype i = 1; i < tail.size(); ++i)
            QVERIFY2(tail.at(i).contains(u"Z out line"), qPrintable(tail.at(i)));
        QVERIFY(tail.last().endsWith(u" out line200"));
        // A path the database names that leads out of the data folder is not read.
        QTemporaryDir outside;
        QFile secret(outside.filePath(QStringLiteral("secret")));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write("not for the window\n");
        secret.close();
        const QString shown = actions.logTail(secret.fileName());
        QVERIFY2(shown.startsWith(u"[the log cannot be shown: ") && !shown.contains(u"not for"),
                 qPrintable(shown));
        QVERIFY(actions.logTail(QStringLiteral("logs/../../x")).startsWith(u"[the log cannot"));
    }

    // A jobs file opened in the window that holds command jobs waits for the user's look
    // (issue #12); one without commands, or one the window was started with, runs at once.
    void jobsFileWithCommandsWaitsForReview()
    {
        auto c = makeController(2);
        QCOMPARE(loadCatalog(*c), QString());
        QTemporaryDir dir;
        const QString withCommand = dir.filePath(QStringLiteral("commands.json"));
        QFile file(withCommand);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"([{"kind": "primes", "params": {"limit": 100}},
                       {"kind": "command", "params": {"argv": ["sh", "-c", "exit 0"],
                                                      "cwd": "/tmp", "env": ["A=1"]}}])");
        file.close();
        HistoryActions &actions = *c->historyActions();
        QSignalSpy review(&actions, &HistoryActions::reviewChanged);

        c->loadJobsFile(QUrl::fromLocalFile(withCommand));
        QTRY_VERIFY_WITH_TIMEOUT(actions.reviewPending(), test::kHangMs);
        QCOMPARE(c->model()->rowCount(), 0);
        const QVariantMap summary = actions.review();
        QCOMPARE(summary.value(QStringLiteral("jobs")).toInt(), 2);
        QCOMPARE(summary.value(QStringLiteral("commands")).toInt(), 1);
        QCOMPARE(summary.value(QStringLiteral("programs")).toStringList(), QStringList{"sh"});
        QCOMPARE(summary.value(QStringLiteral("folders")).toStringList(), QStringList{"/tmp"});
        QCOMPARE(summary.value(QStringLiteral("variables")).toStringList(), QStringList{"A"});
        // Dismissed: nothing runs.
        actions.dismissReview();
        QVERIFY(!actions.reviewPending());
        QTest::qWait(100);
        QCOMPARE(c->model()->rowCount(), 0);
        // Confirmed: both run.
        c->loadJobsFile(QUrl::fromLocalFile(withCommand));
        QTRY_VERIFY_WITH_TIMEOUT(actions.reviewPending(), test::kHangMs);
        QCOMPARE(actions.confirmReview(), 2);
        QVERIFY(waitIdle(*c));
        QCOMPARE(c->model()->succeeded(), 2);
        // Started with it (the window's --jobs): the user's own typing runs at once.
        c->loadJobsFiles({withCommand});
        QTRY_COMPARE_WITH_TIMEOUT(c->model()->rowCount(), 4, test::kHangMs);
        QVERIFY(!actions.reviewPending());
        QVERIFY(waitIdle(*c));
        QCOMPARE(c->model()->succeeded(), 4);
    }

    void historyIsWrittenBeforeItIsShown()
    {
        QTemporaryDir data;
        auto c = makeController(3);
        c->setRetries(1);
        QVERIFY(c->history()->openAndWait(data.path(), QStringLiteral("cli")));
        const QString file = QDir(data.path()).filePath(QStringLiteral("history.db"));
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), "reader");
        db.setDatabaseName(file);
        QVERIFY(db.open());
        const auto cleanup = qScopeGuard([&db] {
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase("reader");
        });
        auto stored = [&db, run = c->history()->runId()](int id, const char *column) {
            QSqlQuery query(db);
            query.exec(QStringLiteral("SELECT %1 FROM jobs WHERE run_id = %2 AND seq = %3")
                           .arg(QLatin1String(column))
                           .arg(run)
                           .arg(id));
            return query.next() ? query.value(0).toString() : QStringLiteral("(none)");
        };
        QStringList violations;
        int finished = 0;
        connect(c->model(), &QAbstractItemModel::dataChanged, this,
                [&](const QModelIndex &from, const QModelIndex &to) {
                    for (int r = from.row(); r <= to.row(); ++r) {
                        const TaskRow &row = c->model()->at(r);
                        if (row.state == State::Starting && stored(row.id, "kind") != row.spec.kind)
                            violations << QStringLiteral("job %1 started unstored").arg(row.id);
                    }
                });
        connect(c.get(), &TaskController::jobFinished, this, [&](int id, State state) {
            ++finished;
            const QString key = stateKey(state);
            if (stored(id, "state") != key)
                violations << QStringLiteral("job %1 shown %2, stored %3")
                                  .arg(id)
                                  .arg(key, stored(id, "state"));
        });
        connect(c.get(), &TaskController::jobRetrying, this, [&](int id, State state) {
            if (stored(id, "state") != stateKey(state))
                violations << QStringLiteral("job %1 retried unstored").arg(id);
        });
        QList<JobSpec> specs;
        for (int i = 0; i < 6; ++i) {
            specs << job("sleep", {{"seconds", "0.05"}, {"steps", "1"}})
                  << job("fault", {{"mode", "exit-nonzero"}, {"delay", "0"}})
                  << job("primes", {{"limit", "1000"}});
        }
        const int first = c->enqueue(specs);
        QVERIFY(c->cancel(first + 17)); // still queued: canceled before it started
        QVERIFY(waitIdle(*c));
        QCOMPARE(finished, 18);
        QVERIFY2(violations.isEmpty(), qPrintable(violations.join(u'\n')));
        QCOMPARE(stored(first + 1, "attempts"), QStringLiteral("2"));
        QCOMPARE(stored(first + 17, "state"), QStringLiteral("canceled"));
    }
};

QTEST_GUILESS_MAIN(tst_TaskController)
#include "tst_taskcontroller.moc"
