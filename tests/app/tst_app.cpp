// The real `longrun` window process (offscreen): a signal asks no question, cancels every job,
// and the app leaves with no process behind. Guards against a window that vetoes its own quit.

#include "procutil.h"

#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <csignal>

using namespace longrun;

class tst_App : public QObject
{
    Q_OBJECT

private slots:
    void signalQuitsTheWindow_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGTERM") << SIGTERM;
        QTest::newRow("SIGINT") << SIGINT;
        // A closed terminal: the window goes as cleanly as for SIGTERM.
        QTest::newRow("SIGHUP") << SIGHUP;
    }

    void signalQuitsTheWindow()
    {
        QFETCH(int, signal);
        QTemporaryDir dir;
        QFile jobs(dir.filePath("jobs.json"));
        QVERIFY(jobs.open(QIODevice::WriteOnly));
        jobs.write(R"([{"kind": "sleep", "params": {"seconds": 60}},
                       {"kind": "command", "params": {"argv": ["sh", "-c", "sleep 300 & sleep 300; wait"]}},
                       {"kind": "sleep", "params": {"seconds": 60}}])");
        jobs.close();

        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        app.setProcessEnvironment(env);
        app.start(qEnvironmentVariable("LONGRUN_APP"),
                  {"--concurrency", "2", "--jobs", jobs.fileName()});
        QVERIFY(app.waitForStarted());
        const pid_t pid = static_cast<pid_t>(app.processId());
        // Two workers, the command's shell and its two sleeps.
        QTRY_COMPARE_WITH_TIMEOUT(test::descendantsOf(pid).size() >= 5, true, test::kHangMs);

        // Snapshot first: once the app is gone, orphans would no longer be its descendants.
        const QList<pid_t> children = test::descendantsOf(pid);
        QElapsedTimer timer;
        timer.start();
        ::kill(pid, signal);
        QVERIFY2(app.waitForFinished(5000), "the window did not quit after a signal");
        QVERIFY2(timer.elapsed() < 3500, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QCOMPARE(app.exitCode(), 0);
        QCOMPARE(test::stillAlive(children), QList<pid_t>{});
    }
};

QTEST_GUILESS_MAIN(tst_App)
#include "tst_app.moc"
