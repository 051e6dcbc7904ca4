// WorkerSession and LocalLauncher against real processes (sh, sleep): the ladder, pause and
// resume, the sweep of what a worker leaves behind, and that the worker's process group is held
// (so no signal can reach another group that reused its id) until the session is gone.

#include "procutil.h"
#include "runner/workersession.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <cerrno>
#include <csignal>
#include <memory>
#include <sys/resource.h>

using namespace longrun;

namespace {

// Children of this test process in a group, zombies included: a zombie anchor holds the group.
QList<char> ourChildrenInGroup(pid_t group)
{
    QList<char> states;
    const QStringList entries =
        QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() >= 3 && fields.at(1).toInt() == ::getpid()
            && fields.at(2).toInt() == group)
            states << fields.at(0).at(0);
    }
    return states;
}

std::unique_ptr<WorkerSession> session(const QStringList &argv, int graceMs = 200)
{
    auto launcher = std::make_unique<LocalLauncher>(WorkerLaunch{argv.first(), argv.mid(1)});
    return std::make_unique<WorkerSession>(std::move(launcher),
                                           WorkerSession::Grace{graceMs, graceMs, graceMs});
}

} // namespace

class tst_WorkerSession : public QObject
{
    Q_OBJECT

private slots:
    // The worker (the group's leader) exits and is reaped, leaving a child in its group: the
    // sweep kills the child, and it can only hit this group, which the launcher still holds.
    void leftoversAreSweptWhileTheGroupIsHeld()
    {
        auto s = session({"sh", "-c", "sleep 300 & echo $!"});
        QSignalSpy started(s.get(), &WorkerSession::started);
        QSignalSpy finished(s.get(), &WorkerSession::finished);
        QByteArray output;
        connect(s.get(), &WorkerSession::output, this,
                [&](const QByteArray &bytes) { output += bytes; });
        pid_t group = 0;
        connect(s.get(), &WorkerSession::started, this,
                [&](qint64 pid) { group = static_cast<pid_t>(pid); });
        QList<char> heldAtTheSweep;
        connect(s.get(), &WorkerSession::finished, this,
                [&] { heldAtTheSweep = ourChildrenInGroup(group); });
        s->start({});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, test::kHangMs);
        QCOMPARE(started.count(), 1);
        const auto exit = finished.first().first().value<WorkerExit>();
        QVERIFY(exit.clean);
        // Reaped by QProcess, yet its group id is still taken: by our zombie anchor.
        QCOMPARE(heldAtTheSweep, QList<char>{'Z'});
        const pid_t leftover = static_cast<pid_t>(output.trimmed().toInt());
        QVERIFY(leftover > 0);
        QTRY_COMPARE_WITH_TIMEOUT(test::stillAlive({leftover}), QList<pid_t>{}, test::kHangMs);
        QCOMPARE(ourChildrenInGroup(group), QList<char>{'Z'});
        s.reset();
        // Let go: no process of ours is left in the group, and once the killed leftover's new
        // parent has reaped it, the group id is free again.
        QCOMPARE(ourChildrenInGroup(group), QList<char>{});
        QTRY_VERIFY_WITH_TIMEOUT(::kill(-group, 0) == -1 && errno == ESRCH, test::kHangMs);
    }

    void workerRunsNicedInItsOwnGroup()
    {
        auto s = session({"sleep", "300"});
        QSignalSpy started(s.get(), &WorkerSession::started);
        QSignalSpy finished(s.get(), &WorkerSession::finished);
        s->start({});
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, test::kHangMs);
        const auto pid = static_cast<pid_t>(started.first().first().toLongLong());
        QCOMPARE(::getpgid(pid), pid);
        QCOMPARE(::getpriority(PRIO_PROCESS, static_cast<id_t>(pid)), 10);
        s->kill();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, test::kHangMs);
        const auto exit = finished.first().first().value<WorkerExit>();
        QVERIFY(exit.crashed);
        QCOMPARE(exit.code, SIGKILL);
    }

    // Cancel frame (not read), SIGTERM (ignored), SIGKILL: a worker that hears nothing dies.
    void ladderEndsAWorkerThatIgnoresEverything()
    {
        auto s = session({"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"});
        QSignalSpy output(s.get(), &WorkerSession::output);
        QSignalSpy finished(s.get(), &WorkerSession::finished);
        s->start({});
        QTRY_VERIFY_WITH_TIMEOUT(output.count() > 0, test::kHangMs);
        QElapsedTimer timer;
        timer.start();
        s->stop(false);
        s->stop(false); // once: a second request changes nothing
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, test::kHangMs);
        QVERIFY2(timer.elapsed() >= 400, qPrintable(QString::number(timer.elapsed())));
        const auto exit = finished.first().first().value<WorkerExit>();
        QVERIFY(exit.crashed);
        QCOMPARE(exit.code, SIGKILL);
    }

    void pauseStopsAndResumeContinues()
    {
        auto s = session({"sleep", "300"});
        QVERIFY(!s->setPaused(true)); // nothing to signal before it runs
        QSignalSpy started(s.get(), &WorkerSession::started);
        QSignalSpy finished(s.get(), &WorkerSession::finished);
        s->start({});
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, test::kHangMs);
        const auto pid = static_cast<pid_t>(started.first().first().toLongLong());
        const auto state = [pid] {
            for (const test::ProcInfo &p : test::allProcesses()) {
                if (p.pid == pid)
                    return p.state;
            }
            return '?';
        };
        QVERIFY(s->setPaused(true));
        QVERIFY(!s->setPaused(true));
        QTRY_COMPARE_WITH_TIMEOUT(state(), 'T', test::kHangMs);
        QVERIFY(s->setPaused(false));
        QTRY_COMPARE_WITH_TIMEOUT(state(), 'S', test::kHangMs);
        s->kill();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, test::kHangMs);
    }

    void missingProgramFailsToStart()
    {
        auto s = session({"/nonexistent/longrun-worker"});
        QSignalSpy failed(s.get(), &WorkerSession::startFailed);
        QSignalSpy finished(s.get(), &WorkerSession::finished);
        s->start({});
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, test::kHangMs);
        QVERIFY2(failed.first().first().toString().contains("No such file or directory"),
                 qPrintable(failed.first().first().toString()));
        QTest::qWait(50);
        QCOMPARE(finished.count(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_WorkerSession)
#include "tst_workersession.moc"
