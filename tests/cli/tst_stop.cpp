// Ctrl-Z in the headless CLI (issue #10): SIGTSTP pauses every running job, then stops longrun
// itself; SIGCONT resumes what it paused. End to end with the real `longrun --headless`, its
// workers and a command's program, all looked up in /proc; and the controller's pauseAll() /
// resumeAll() in-process, against real workers, for what a signal cannot time (the queue held
// while a slot frees, a job paused by hand left alone).

#include "control/taskcontroller.h"
#include "controllers.h"
#include "jobspecs.h"
#include "procutil.h"

#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <csignal>
#include <unistd.h>

using namespace longrun;
using longrun::test::job;

namespace {

// Under TSan a paused command's program is not stopped, and its worker may be killed, whoever
// pauses it (tst_worker's commandPauseStopsProgram fails there too: the PID-namespace init, a
// fork of the sanitized worker, does not forward SIGTSTP). The end-to-end tests, which pause
// command jobs, say so and skip; the controller's tests run.
#if defined(__SANITIZE_THREAD__)
#define SKIP_COMMAND_PAUSE_UNDER_TSAN()                                                            \
    QSKIP("a paused command's program is not stopped by a TSan-built worker")
#else
#define SKIP_COMMAND_PAUSE_UNDER_TSAN()
#endif

// A process's state letter from /proc ('R', 'S', 'T', 'Z'...); '-' once it is gone.
char stateOf(pid_t pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return '-';
    const QByteArray line = stat.readAll();
    const qsizetype close = line.lastIndexOf(')');
    return close < 0 || close + 2 >= line.size() ? '-' : line.at(close + 2);
}

// The live workers longrun started (its children named longrun-worker).
QList<pid_t> workersOf(pid_t app)
{
    QList<pid_t> workers;
    for (const test::ProcInfo &p : test::allProcesses()) {
        QFile comm(QStringLiteral("/proc/%1/comm").arg(p.pid));
        if (p.ppid == app && comm.open(QIODevice::ReadOnly) && comm.readAll() == "longrun-worker\n")
            workers << p.pid;
    }
    return workers;
}

// The state letters of these processes, in order ('-' for one gone).
QString statesOf(const QList<pid_t> &pids)
{
    QString states;
    for (const pid_t pid : pids)
        states += QLatin1Char(stateOf(pid));
    return states;
}

int linesIn(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? static_cast<int>(file.readAll().count('\n')) : 0;
}

// A command job whose shell ($0 = `marker`, to find it) appends a line to `dir`/ticks every
// 50 ms until the test creates `dir`/done (at most 200 s): it lasts as long as the test needs,
// however slowly the other jobs start.
QString tickingCommand(const QTemporaryDir &dir, const QByteArray &marker)
{
    return QStringLiteral("command:argv=sh -c 'i=0; while [ ! -e %1 ] && [ $i -lt 4000 ]; do "
                          "echo $i >> %2; i=$((i+1)); sleep 0.05; done' %3")
        .arg(dir.filePath(QStringLiteral("done")), dir.filePath(QStringLiteral("ticks")),
             QString::fromLatin1(marker));
}

// Ends the ticking command of `dir`.
bool endTicking(const QTemporaryDir &dir)
{
    QFile done(dir.filePath(QStringLiteral("done")));
    return done.open(QIODevice::WriteOnly);
}

QList<QJsonObject> eventsIn(const QByteArray &out)
{
    QList<QJsonObject> events;
    for (const QByteArray &line : out.split('\n')) {
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (doc.isObject())
            events << doc.object();
    }
    return events;
}

// Where in `events` job `id` first entered `state` at or after `from`; -1 if it did not.
qsizetype stateEvent(const QList<QJsonObject> &events, int id, const QString &state,
                     qsizetype from = 0)
{
    for (qsizetype i = from; i < events.size(); ++i) {
        const QJsonObject &e = events.at(i);
        if (e.value("event").toString() == u"state" && e.value("id").toInt() == id
            && e.value("state").toString() == state)
            return i;
    }
    return -1;
}

} // namespace

class tst_Stop : public QObject
{
    Q_OBJECT

    // longrun --headless with these arguments, in a session of its own when `ownSession`
    // (as under nohup or a CI runner whose shell has gone: an orphaned process group, where
    // the kernel ignores a SIGTSTP that would stop it by default).
    static void start(QProcess &process, const QStringList &args, bool ownSession = false)
    {
        if (ownSession)
            process.setChildProcessModifier([] { ::setsid(); });
        process.start(qEnvironmentVariable("LONGRUN_APP"), QStringList{"--headless"} + args);
    }

    std::unique_ptr<TaskController> makeController(int concurrency)
    {
        return test::makeController(concurrency, m_tester);
    }

    static State stateOfJob(TaskController &c, int id) { return c.model()->find(id)->state; }

    std::unique_ptr<QAbstractItemModelTester> m_tester;

private slots:
    void stopAndContinue_data()
    {
        QTest::addColumn<bool>("json");
        QTest::addColumn<bool>("ownSession");
        QTest::newRow("json") << true << false;
        QTest::newRow("text") << false << false;
        QTest::newRow("json, own session") << true << true;
    }

    // Ctrl-Z as `kill -TSTP`: longrun, every worker of a running job and the command's
    // program stop, and the program writes nothing; SIGCONT: all run again, the job that was
    // queued starts only after the others resumed, every job succeeds, nothing is left.
    void stopAndContinue()
    {
        SKIP_COMMAND_PAUSE_UNDER_TSAN();
        QFETCH(bool, json);
        QFETCH(bool, ownSession);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString ticks = dir.filePath(QStringLiteral("ticks"));
        const QByteArray marker = "tst-stop-" + QByteArray::number(::getpid());
        QStringList args{"--concurrency",   "3",
                         "sleep:seconds=8", tickingCommand(dir, marker),
                         "sleep:seconds=8", "sleep:seconds=0.2"};
        if (json)
            args.prepend("--json");
        QProcess process;
        start(process, args, ownSession);
        QVERIFY(process.waitForStarted());
        const pid_t pid = static_cast<pid_t>(process.processId());
        QTRY_VERIFY_WITH_TIMEOUT(linesIn(ticks) >= 3 && workersOf(pid).size() == 3, test::kHangMs);

        QCOMPARE(::kill(pid, SIGTSTP), 0);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(pid), 'T', test::kHangMs);
        const QList<pid_t> workers = workersOf(pid);
        QCOMPARE(workers.size(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(statesOf(workers), QString(workers.size(), QLatin1Char('T')),
                                  test::kHangMs);
        // Looked up afresh each time: a fork of the shell about to exec `sleep` has its marker
        // too, and may be gone (exec'd) before the stop reaches it.
        QList<pid_t> program;
        QTRY_VERIFY_WITH_TIMEOUT(!(program = test::withArgument(marker)).isEmpty()
                                     && statesOf(program)
                                            == QString(program.size(), QLatin1Char('T')),
                                 test::kHangMs);
        const QList<pid_t> children = test::descendantsOf(pid);
        // A program that writes every 50 ms writes nothing for a whole second.
        const int frozen = linesIn(ticks);
        QTest::qWait(1000);
        QCOMPARE(linesIn(ticks), frozen);
        QCOMPARE(stateOf(pid), 'T');

        QCOMPARE(::kill(pid, SIGCONT), 0);
        QTRY_VERIFY_WITH_TIMEOUT(stateOf(pid) != 'T', test::kHangMs);
        QTRY_VERIFY_WITH_TIMEOUT(!statesOf(workers + program).contains(QLatin1Char('T')),
                                 test::kHangMs);
        QTRY_VERIFY_WITH_TIMEOUT(linesIn(ticks) > frozen, test::kHangMs);
        QVERIFY(endTicking(dir));

        process.closeWriteChannel();
        QVERIFY(process.waitForFinished(test::kHangMs));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        const QByteArray out = process.readAllStandardOutput();
        QVERIFY2(process.exitCode() == 0, out.right(1500).constData());
        if (json) {
            const QList<QJsonObject> events = eventsIn(out);
            QCOMPARE(events.last().value("event").toString(), QStringLiteral("summary"));
            QCOMPARE(events.last().value("succeeded").toInt(), 4);
            QVERIFY(!events.last().contains("signal"));
            // Each running job was paused, then running again; the queued one started after.
            qsizetype lastResumed = 0;
            for (int id = 1; id <= 3; ++id) {
                const qsizetype paused = stateEvent(events, id, QStringLiteral("paused"));
                QVERIFY2(paused >= 0, qPrintable(QString::number(id)));
                const qsizetype resumed = stateEvent(events, id, QStringLiteral("running"), paused);
                QVERIFY2(resumed > paused, qPrintable(QString::number(id)));
                lastResumed = std::max(lastResumed, resumed);
            }
            QVERIFY(stateEvent(events, 4, QStringLiteral("paused")) < 0);
            QVERIFY(stateEvent(events, 4, QStringLiteral("starting")) > lastResumed);
        } else {
            QVERIFY2(out.contains("4 succeeded, 0 failed, 0 canceled, 0 timed out"),
                     out.right(400).constData());
        }
        // The kernel may finish a command's PID namespace a moment after longrun is gone.
        QTRY_COMPARE_WITH_TIMEOUT(test::stillAlive(children), QList<pid_t>{}, test::kHangMs);
    }

    void signalsAroundTheStop_data()
    {
        QTest::addColumn<QList<int>>("first");
        QTest::addColumn<bool>("waitStopped");
        QTest::addColumn<QList<int>>("then");
        QTest::addColumn<int>("exitCode");
        // A second Ctrl-Z while the first pauses: it stops (without waiting), then continues.
        QTest::newRow("TSTP TSTP | CONT")
            << QList<int>{SIGTSTP, SIGTSTP} << true << QList<int>{SIGCONT} << 0;
        // SIGCONT before (or just after) the stop: whichever it meets, nothing stays paused.
        QTest::newRow("TSTP CONT") << QList<int>{SIGTSTP, SIGCONT} << false << QList<int>{} << 0;
        // SIGINT reaches a stopped longrun once it continues: the batch is canceled cleanly.
        QTest::newRow("TSTP | INT CONT")
            << QList<int>{SIGTSTP} << true << QList<int>{SIGINT, SIGCONT} << 130;
        // SIGINT while pausing, or just after the stop: no stop in the way of the shutdown.
        QTest::newRow("TSTP INT CONT")
            << QList<int>{SIGTSTP, SIGINT, SIGCONT} << false << QList<int>{} << 130;
        // A shell that exits with stopped jobs sends them SIGHUP, then SIGCONT.
        QTest::newRow("TSTP | HUP CONT")
            << QList<int>{SIGTSTP} << true << QList<int>{SIGHUP, SIGCONT} << 129;
    }

    // Every order of Ctrl-Z, continue and interrupt ends: the right exit status, no job left
    // paused for good, no process left.
    void signalsAroundTheStop()
    {
        SKIP_COMMAND_PAUSE_UNDER_TSAN();
        QFETCH(QList<int>, first);
        QFETCH(bool, waitStopped);
        QFETCH(QList<int>, then);
        QFETCH(int, exitCode);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString ticks = dir.filePath(QStringLiteral("ticks"));
        const QByteArray marker = "tst-stop-signals-" + QByteArray::number(::getpid());
        QProcess process;
        start(process, {"--json", "--concurrency", "2", "sleep:seconds=3",
                        tickingCommand(dir, marker), "sleep:seconds=0.1"});
        QVERIFY(process.waitForStarted());
        const pid_t pid = static_cast<pid_t>(process.processId());
        QTRY_VERIFY_WITH_TIMEOUT(linesIn(ticks) >= 1 && workersOf(pid).size() == 2, test::kHangMs);
        const QList<pid_t> children = test::descendantsOf(pid) + test::withArgument(marker);
        for (const int signal : first)
            QCOMPARE(::kill(pid, signal), 0);
        if (waitStopped)
            QTRY_COMPARE_WITH_TIMEOUT(stateOf(pid), 'T', test::kHangMs);
        for (const int signal : then)
            QCOMPARE(::kill(pid, signal), 0);
        // Running again (or canceled): the command may end now.
        QTRY_VERIFY_WITH_TIMEOUT(stateOf(pid) != 'T', test::kHangMs);
        QVERIFY(endTicking(dir));

        process.closeWriteChannel();
        QVERIFY(process.waitForFinished(test::kHangMs));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        const QByteArray out = process.readAllStandardOutput();
        QVERIFY2(process.exitCode() == exitCode, out.right(1500).constData());
        const QList<QJsonObject> events = eventsIn(out);
        QVERIFY(!events.isEmpty());
        const QJsonObject summary = events.last();
        QCOMPARE(summary.value("event").toString(), QStringLiteral("summary"));
        QCOMPARE(summary.value("paused").toInt(), 0);
        if (exitCode == 0) {
            QCOMPARE(summary.value("succeeded").toInt(), 3);
        } else {
            QCOMPARE(summary.value("signal").toString(),
                     exitCode == 130 ? QStringLiteral("SIGINT") : QStringLiteral("SIGHUP"));
        }
        QTRY_COMPARE_WITH_TIMEOUT(test::stillAlive(children), QList<pid_t>{}, test::kHangMs);
    }

    // --timeout counts the time a job runs: the 4.5 s it spends stopped under a 4 s timeout
    // take none of its budget, and it succeeds.
    void stoppedTimeIsNotTimed()
    {
        SKIP_COMMAND_PAUSE_UNDER_TSAN();
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString ticks = dir.filePath(QStringLiteral("ticks"));
        const QByteArray marker = "tst-stop-timeout-" + QByteArray::number(::getpid());
        QProcess process;
        start(process, {"--json", "--timeout", "4", tickingCommand(dir, marker)});
        QVERIFY(process.waitForStarted());
        const pid_t pid = static_cast<pid_t>(process.processId());
        QTRY_VERIFY_WITH_TIMEOUT(linesIn(ticks) >= 1, test::kHangMs);
        QCOMPARE(::kill(pid, SIGTSTP), 0);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(pid), 'T', test::kHangMs);
        QTest::qWait(4500); // the stop itself: longer than the whole timeout
        const int frozen = linesIn(ticks);
        QCOMPARE(::kill(pid, SIGCONT), 0);
        // A few ticks more: were the stop counted, the timeout would have fired by then.
        QTRY_VERIFY_WITH_TIMEOUT(linesIn(ticks) >= frozen + 5, test::kHangMs);
        QVERIFY(endTicking(dir));
        process.closeWriteChannel();
        QVERIFY(process.waitForFinished(test::kHangMs));
        QCOMPARE(process.exitCode(), 0);
        const QList<QJsonObject> events = eventsIn(process.readAllStandardOutput());
        QCOMPARE(events.last().value("succeeded").toInt(), 1);
    }

    // longrun stopped by SIGSTOP (no handler, nothing paused) while its worker, having sent its
    // result, takes 6 s to exit: 0.5 s after the result longrun stops for 5 s, and the worker
    // exits 0.5 s after longrun runs again. Counted in wall time the worker "lingered" past the
    // 2 s allowed after a result and the job failed; counted in the time longrun ran (about
    // 1 s), it succeeds with the result it heard.
    void aStopOfLongrunIsNotTheWorkersDelay()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString wrapper = dir.filePath(QStringLiteral("worker.sh"));
        QVERIFY(test::writeFile(
            wrapper, QStringLiteral("#!/bin/sh\n"
                                    "[ \"$1\" = --list-kinds ] && exec '%1' --list-kinds\n"
                                    "exec '%2' late-exit 6\n")
                         .arg(test::workerPath(), test::helperPath("fakeworker"))
                         .toUtf8()));
        QVERIFY(
            QFile::setPermissions(wrapper, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QProcess process;
        start(process, {"--json", "--worker", wrapper, "primes:limit=10"});
        QVERIFY(process.waitForStarted());
        const pid_t pid = static_cast<pid_t>(process.processId());
        QByteArray out;
        // The result is heard: the job's progress is 1.
        QTRY_VERIFY_WITH_TIMEOUT(
            (out += process.readAllStandardOutput()).contains("\"progress\":1"), test::kHangMs);
        QTest::qWait(500);
        QCOMPARE(::kill(pid, SIGSTOP), 0);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(pid), 'T', test::kHangMs);
        QTest::qWait(5000);
        QCOMPARE(::kill(pid, SIGCONT), 0);
        process.closeWriteChannel();
        QVERIFY(process.waitForFinished(test::kHangMs));
        out += process.readAllStandardOutput();
        QVERIFY2(process.exitCode() == 0, out.constData());
        const QList<QJsonObject> events = eventsIn(out);
        QCOMPARE(events.last().value("succeeded").toInt(), 1);
        QVERIFY2(out.contains("said early, exited late"), out.constData());
    }

    // A job paused between its worker's result and its exit (a pause that reaches a job as it
    // ends) is not failed for lingering: the 4 s paused are not the worker's delay, and it
    // succeeds once resumed. Counted in wall time it failed, 3 s after its result.
    void pausedAfterItsResultIsNotLingering()
    {
        std::unique_ptr<QAbstractItemModelTester> tester;
        auto c = test::makeController(1, tester);
        c->setWorkerLaunch({test::helperPath("fakeworker"), {"late-exit", "2"}});
        RunnerConfig config = c->runnerConfig();
        config.exitAfterResultMs = 3000;
        c->setRunnerConfig(config);
        const int id = c->enqueue({job("sleep")});
        QTRY_COMPARE_WITH_TIMEOUT(stateOfJob(*c, id), State::Running, test::kHangMs);
        QVERIFY(c->pause(id));
        QTRY_COMPARE_WITH_TIMEOUT(stateOfJob(*c, id), State::Paused, test::kHangMs);
        QTest::qWait(4000);
        QCOMPARE(stateOfJob(*c, id), State::Paused);
        QVERIFY(c->resume(id));
        QTRY_VERIFY_WITH_TIMEOUT(isTerminal(stateOfJob(*c, id)), test::kHangMs);
        QVERIFY2(stateOfJob(*c, id) == State::Succeeded, qPrintable(c->model()->find(id)->error));
        QCOMPARE(c->model()->find(id)->resultSummary, QStringLiteral("said early, exited late"));
    }

    // pauseAll() pauses what runs, leaves a job paused by hand alone (resumeAll() does not
    // resume it), and holds the queue: a slot freed meanwhile starts nothing.
    void pauseAllHoldsTheQueue()
    {
        auto c = makeController(2);
        const JobSpec longSleep = job("sleep", {{"seconds", "30"}});
        const int first = c->enqueue({longSleep, longSleep, job("sleep", {{"seconds", "0"}})});
        const int mine = first;
        const int byHand = first + 1;
        const int queued = first + 2;
        QTRY_COMPARE_WITH_TIMEOUT(stateOfJob(*c, mine), State::Running, test::kHangMs);
        QTRY_COMPARE_WITH_TIMEOUT(stateOfJob(*c, byHand), State::Running, test::kHangMs);
        QVERIFY(c->pause(byHand));
        QTRY_COMPARE_WITH_TIMEOUT(stateOfJob(*c, byHand), State::Paused, test::kHangMs);

        QCOMPARE(c->pauseAll(), 1);
        QVERIFY(c->queueHeld());
        QTRY_COMPARE_WITH_TIMEOUT(stateOfJob(*c, mine), State::Paused, test::kHangMs);
        QCOMPARE(c->pausesPending(), 0);

        QSignalSpy finished(c.get(), &TaskController::jobFinished);
        QVERIFY(c->cancel(mine));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, test::kHangMs);
        QCOMPARE(stateOfJob(*c, mine), State::Canceled);
        // The slot it freed was taken by nobody.
        QCOMPARE(stateOfJob(*c, queued), State::Queued);
        QCOMPARE(c->activeCount(), 1);

        c->resumeAll();
        QVERIFY(!c->queueHeld());
        QTRY_VERIFY_WITH_TIMEOUT(isTerminal(stateOfJob(*c, queued)), test::kHangMs);
        QVERIFY2(stateOfJob(*c, queued) == State::Succeeded,
                 qPrintable(c->model()->find(queued)->error));
        QCOMPARE(stateOfJob(*c, byHand), State::Paused);
        QVERIFY(c->resume(byHand));
        QTRY_COMPARE_WITH_TIMEOUT(stateOfJob(*c, byHand), State::Running, test::kHangMs);
        QVERIFY(c->cancel(byHand));
        QTRY_VERIFY_WITH_TIMEOUT(!c->hasActiveJobs(), test::kHangMs);
        QTRY_COMPARE_WITH_TIMEOUT(test::descendantsOf(::getpid()).size(), 0, test::kHangMs);
    }

    // A job still starting is paused as soon as its worker says hello; resumeAll() resumes it.
    void pauseAllReachesStartingJobs()
    {
        auto c = makeController(2);
        const JobSpec longSleep = job("sleep", {{"seconds", "30"}});
        const int first = c->enqueue({longSleep, longSleep});
        QCOMPARE(stateOfJob(*c, first), State::Starting);
        QCOMPARE(c->pauseAll(), 2);
        QCOMPARE(c->pausesPending(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(c->pausesPending(), 0, test::kHangMs);
        QCOMPARE(stateOfJob(*c, first), State::Paused);
        QCOMPARE(stateOfJob(*c, first + 1), State::Paused);
        c->resumeAll();
        QTRY_COMPARE_WITH_TIMEOUT(stateOfJob(*c, first), State::Running, test::kHangMs);
        QTRY_COMPARE_WITH_TIMEOUT(stateOfJob(*c, first + 1), State::Running, test::kHangMs);
        c->cancelAll();
        QTRY_VERIFY_WITH_TIMEOUT(!c->hasActiveJobs(), test::kHangMs);
        QTRY_COMPARE_WITH_TIMEOUT(test::descendantsOf(::getpid()).size(), 0, test::kHangMs);
    }
};

QTEST_GUILESS_MAIN(tst_Stop)
#include "tst_stop.moc"
