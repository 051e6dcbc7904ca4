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

    // The window and the headless run share one option table: what only the headless run
    // understands is refused with a window, not silently ignored.
    void windowRefusesHeadlessOptions_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("--json") << QStringList{"--json"}
                                << "longrun: --json needs --headless (the window has no such "
                                   "option)";
        QTest::newRow("--timeout") << QStringList{"--timeout", "5"}
                                   << "longrun: --timeout needs --headless (the window has no "
                                      "such option)";
        QTest::newRow("JOB") << QStringList{"primes"}
                             << "longrun: jobs on the command line need --headless (the window "
                                "reads --jobs FILE)";
        QTest::newRow("--concurrency")
            << QStringList{"--concurrency", "0"}
            << "longrun: --concurrency takes a whole number from 1 to 256, not '0'";
        QTest::newRow("unknown") << QStringList{"--frobnicate"}
                                 << "longrun: Unknown option 'frobnicate'.";
    }

    void windowRefusesHeadlessOptions()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        app.setProcessEnvironment(env);
        app.start(qEnvironmentVariable("LONGRUN_APP"), args);
        QVERIFY2(app.waitForFinished(test::kHangMs), "the window opened");
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QCOMPARE(app.exitCode(), 2);
        // Qt may have spoken first (QStandardPaths about XDG_RUNTIME_DIR).
        const QString err = QString::fromUtf8(app.readAllStandardError());
        QVERIFY2(err.contains(message + "\nTry 'longrun --help'.\n"), qPrintable(err));
    }

    // Without a display, the window says how to run without one.
    void noDisplay()
    {
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.remove("QT_QPA_PLATFORM");
        app.setProcessEnvironment(env);
        app.start(qEnvironmentVariable("LONGRUN_APP"), QStringList{});
        QVERIFY(app.waitForFinished(test::kHangMs));
        QCOMPARE(app.exitCode(), 2);
        QVERIFY(app.readAllStandardError().startsWith("longrun: no display to open a window on"));
    }
};

QTEST_GUILESS_MAIN(tst_App)
#include "tst_app.moc"
