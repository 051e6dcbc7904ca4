// TaskController + JobRunner against real worker processes: every fault mode, cancel, pause,
// timeout, retry, races for exactly one terminal state, and shutdown leaving no process.

#include "control/taskcontroller.h"
#include "jobspecs.h"
#include "procutil.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QRandomGenerator>
#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <csignal>

using namespace longrun;
using longrun::test::job;

class tst_TaskController : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TaskController> makeController(int concurrency = 4)
    {
        auto controller = std::make_unique<TaskController>();
        controller->setWorkerLaunch({test::workerPath(), {}});
        controller->setConcurrency(concurrency);
        RunnerConfig config = controller->runnerConfig();
        config.cancelGraceMs = 300;
        config.termGraceMs = 300;
        config.exitAfterResultMs = 500;
        controller->setRunnerConfig(config);
        m_tester = std::make_unique<QAbstractItemModelTester>(
            controller->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        return controller;
    }

    static const TaskRow &row(TaskController &c, int id) { return *c.model()->find(id); }

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
        QString error;
        const auto catalog = Catalog::load({test::workerPath(), {}}, &error);
        QVERIFY2(catalog, qPrintable(error));
        c->catalog()->setCatalog(*catalog);
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
};

QTEST_GUILESS_MAIN(tst_TaskController)
#include "tst_taskcontroller.moc"
