// The headless CLI end to end: the real `longrun` binary, its JSON events, exit codes, bad
// input, signals, and no process left behind even when longrun itself is killed.

#include "procutil.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

using namespace longrun;

class tst_Headless : public QObject
{
    Q_OBJECT

    struct Run
    {
        int exitCode = -1;
        QList<QJsonObject> events;
        QString out;
        QString err;
    };

    static Run run(const QStringList &args, int timeoutMs = 60000)
    {
        QProcess process;
        process.start(qEnvironmentVariable("LONGRUN_APP"), QStringList{"--headless"} + args);
        return finish(process, timeoutMs);
    }

    // Waits for a started longrun and collects its output and JSON events.
    static Run finish(QProcess &process, int timeoutMs = 60000)
    {
        process.closeWriteChannel();
        Run result;
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished(-1);
            return result;
        }
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err = QString::fromUtf8(process.readAllStandardError());
        for (const QString &line : result.out.split('\n', Qt::SkipEmptyParts)) {
            const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8());
            if (doc.isObject())
                result.events << doc.object();
        }
        return result;
    }

    // The environment of a machine without a display: no X, no Wayland, no platform named.
    static QProcessEnvironment noDisplay()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.remove("QT_QPA_PLATFORM");
        return env;
    }

    static int lastIndexOf(const Run &r, const QString &type)
    {
        for (qsizetype i = r.events.size() - 1; i >= 0; --i) {
            if (r.events.at(i).value(QStringLiteral("event")).toString() == type)
                return static_cast<int>(i);
        }
        return -1;
    }

    // A jobs file in `dir`.
    static QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &text,
                             QFile::Permissions permissions = QFile::ReadOwner | QFile::WriteOwner)
    {
        const QString path = dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
            return {};
        file.close();
        file.setPermissions(permissions);
        return path;
    }

    static constexpr QFile::Permissions kExecutable =
        QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;

    static QList<QJsonObject> eventsOf(const Run &r, const QString &type)
    {
        QList<QJsonObject> found;
        for (const QJsonObject &e : r.events) {
            if (e.value(QStringLiteral("event")).toString() == type)
                found << e;
        }
        return found;
    }

private slots:
    void jsonSuccess()
    {
        const Run r =
            run({"--json", "primes:limit=1000000", "montecarlo-pi:samples=100000,seed=5"});
        QCOMPARE(r.exitCode, 0);
        const auto finished = eventsOf(r, "finished");
        QCOMPARE(finished.size(), 2);
        for (const QJsonObject &e : finished) {
            QCOMPARE(e.value("state").toString(), QStringLiteral("succeeded"));
            if (e.value("kind").toString() == u"primes")
                QCOMPARE(e.value("result").toObject().value("count").toInteger(), 78498);
        }
        QVERIFY(!eventsOf(r, "state").isEmpty());
        QVERIFY(!eventsOf(r, "overall").isEmpty());
        const auto summary = eventsOf(r, "summary");
        QCOMPARE(summary.size(), 1);
        QCOMPARE(r.events.last().value("event").toString(), QStringLiteral("summary"));
        QCOMPARE(summary.first().value("succeeded").toInt(), 2);
        QCOMPARE(summary.first().value("failed").toInt(), 0);
        // Every line on stdout is one JSON object.
        QCOMPARE(r.events.size(), r.out.count('\n'));
        // The overall progress reported never goes back.
        double last = 0;
        for (const QJsonObject &e : eventsOf(r, "overall")) {
            QVERIFY(e.value("progress").toDouble() >= last);
            last = e.value("progress").toDouble();
        }
    }

    void failureAndRepeat()
    {
        const Run r = run({"--json", "--repeat", "3", "--concurrency", "2",
                           "fault:mode=exit-nonzero,delay=0", "sleep:seconds=0"});
        QCOMPARE(r.exitCode, 1);
        const auto finished = eventsOf(r, "finished");
        QCOMPARE(finished.size(), 6);
        int failed = 0;
        for (const QJsonObject &e : finished) {
            if (e.value("state").toString() == u"failed") {
                ++failed;
                QCOMPARE(e.value("error").toString(),
                         QStringLiteral("the worker exited with code 3 without a result"));
            }
        }
        QCOMPARE(failed, 3);
        QCOMPARE(eventsOf(r, "summary").first().value("failed").toInt(), 3);
    }

    void timeoutAndRetries()
    {
        const Run r = run({"--json", "--timeout", "0.5", "--retries", "1", "sleep:seconds=20"});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(eventsOf(r, "retry").size(), 1);
        const auto finished = eventsOf(r, "finished");
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().value("state").toString(), QStringLiteral("timed_out"));
        QCOMPARE(finished.first().value("attempt").toInt(), 2);
    }

    void humanOutput()
    {
        const Run r = run({"primes:limit=100", "fault:mode=crash,delay=0"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("25 primes up to 100"), qPrintable(r.out));
        QVERIFY2(r.out.contains("killed by SIGSEGV"), qPrintable(r.out));
        QVERIFY2(r.out.contains("1 succeeded, 1 failed, 0 canceled, 0 timed out"),
                 qPrintable(r.out));
    }

    void badUsage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no jobs") << QStringList{} << "no jobs given";
        QTest::newRow("unknown kind")
            << QStringList{"primez"} << "job 'primez': unknown job kind 'primez'";
        QTest::newRow("bad param") << QStringList{"primes:limit=x"} << "must be an integer";
        QTest::newRow("bad option") << QStringList{"--frobnicate"} << "Unknown option 'frobnicate'";
        QTest::newRow("bad concurrency")
            << QStringList{"--concurrency", "0", "sleep"} << "--concurrency takes";
        QTest::newRow("bad timeout")
            << QStringList{"--timeout", "-1", "sleep"} << "--timeout takes";
        QTest::newRow("missing file") << QStringList{"--jobs", "/nonexistent.json"}
                                      << "/nonexistent.json: cannot read the jobs file";
        QTest::newRow("missing worker") << QStringList{"--worker", "/nonexistent/w", "sleep"}
                                        << "cannot start the worker '/nonexistent/w'";
    }

    void badUsage()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run r = run(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(r.events.isEmpty());
    }

    void badJobsFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("jobs.json");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(
            R"([{"kind": "primes", "params": {"limit": 100}}, {"kind": "sleep", "params": {"seconds": "soon"}}])");
        file.close();
        const Run r = run({"--jobs", path});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(path + ": job 2: sleep: parameter 'seconds' must be a number"),
                 qPrintable(r.err));
    }

    void goodJobsFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("jobs.json");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"([{"kind": "primes", "params": {"limit": 1000}},
                       {"kind": "mandelbrot", "params": {"width": 32, "height": 16}},
                       {"kind": "command", "params": {"argv": ["sh", "-c", "echo 1/2; echo 2/2"]}}])");
        file.close();
        const Run r = run({"--json", "--jobs", path, "--image-dir", dir.filePath("images")});
        QCOMPARE(r.exitCode, 0);
        bool sawImage = false;
        for (const QJsonObject &e : eventsOf(r, "finished")) {
            if (e.value("kind").toString() == u"mandelbrot") {
                const QString image = e.value("result").toObject().value("image").toString();
                QVERIFY(QFile::exists(image));
                sawImage = true;
            }
            if (e.value("kind").toString() == u"primes")
                QCOMPARE(e.value("result").toObject().value("count").toInt(), 168);
        }
        QVERIFY(sawImage);
    }

    void listKinds()
    {
        const Run r = run({"--list-kinds", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8());
        QCOMPARE(doc.object().value("kinds").toArray().size(), 7);
    }

    void signalsCancelEverything_data()
    {
        QTest::addColumn<int>("signal");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("SIGINT") << SIGINT << 130;
        QTest::newRow("SIGTERM") << SIGTERM << 143;
        // A closed terminal or ssh session: the same clean cancel, not a bare exit.
        QTest::newRow("SIGHUP") << SIGHUP << 129;
    }

    void signalsCancelEverything()
    {
        QFETCH(int, signal);
        QFETCH(int, exitCode);
        QProcess process;
        process.start(qEnvironmentVariable("LONGRUN_APP"),
                      {"--headless", "--json", "--concurrency", "3", "sleep:seconds=60",
                       "fault:mode=ignore-sigterm,delay=0",
                       "command:argv=sh -c 'sleep 300 & sleep 300; wait'", "sleep:seconds=60"});
        QVERIFY(process.waitForStarted());
        const pid_t pid = static_cast<pid_t>(process.processId());
        QTRY_COMPARE_WITH_TIMEOUT(test::descendantsOf(pid).size() >= 5, true, test::kHangMs);
        // Snapshot first: once longrun is gone, orphans would no longer be its descendants.
        const QList<pid_t> children = test::descendantsOf(pid);
        ::kill(pid, signal);
        QVERIFY(process.waitForFinished(5000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), exitCode);
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        QVERIFY2(out.contains(R"("canceled":4)"), qPrintable(out.right(400)));
        const QJsonObject summary =
            QJsonDocument::fromJson(out.trimmed().split('\n').last().toUtf8()).object();
        QCOMPARE(summary.value("event").toString(), QStringLiteral("summary"));
        QCOMPARE(summary.value("signal").toString(), QString::fromLatin1(QTest::currentDataTag()));
        QCOMPARE(test::stillAlive(children), QList<pid_t>{});
    }

    // longrun killed outright: PDEATHSIG and the workers' own group kill clean up in 1 s.
    void killedAppLeavesNoProcess()
    {
        QProcess process;
        process.start(qEnvironmentVariable("LONGRUN_APP"),
                      {"--headless", "--concurrency", "2", "sleep:seconds=60",
                       "command:argv=sh -c 'sleep 300 & sleep 300; wait'"});
        QVERIFY(process.waitForStarted());
        const pid_t pid = static_cast<pid_t>(process.processId());
        QTRY_COMPARE_WITH_TIMEOUT(test::descendantsOf(pid).size() >= 5, true, test::kHangMs);
        const QList<pid_t> children = test::descendantsOf(pid);
        ::kill(pid, SIGKILL);
        QVERIFY(process.waitForFinished(5000));
        QElapsedTimer timer;
        timer.start();
        auto anyAlive = [&children] { return !test::stillAlive(children).isEmpty(); };
        while (anyAlive() && timer.elapsed() < 3000)
            QTest::qWait(20);
        QVERIFY2(!anyAlive(), "a worker or its child outlived longrun");
        QVERIFY2(timer.elapsed() <= 1000,
                 qPrintable(QString("cleanup took %1 ms").arg(timer.elapsed())));
    }

    // --help and --version print and exit anywhere: no window, no display, no worker needed.
    void helpAndVersionWithoutDisplay_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const QString version = QStringLiteral("longrun " LONGRUN_EXPECTED_VERSION "\n");
        QTest::newRow("--version") << QStringList{"--version"} << version;
        QTest::newRow("--headless --version") << QStringList{"--headless", "--version"} << version;
        QTest::newRow("--help") << QStringList{"--help"} << " [options] [JOB...]\n";
        QTest::newRow("--headless --help")
            << QStringList{"--headless", "--help"} << " [options] [JOB...]\n";
    }

    void helpAndVersionWithoutDisplay()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        QProcess process;
        process.setProcessEnvironment(noDisplay());
        process.start(qEnvironmentVariable("LONGRUN_APP"), args);
        const Run r = finish(process);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.err, QString());
        if (args.contains("--version")) {
            QCOMPARE(r.out, expected);
        } else {
            // The usage line names the program as it was started.
            QVERIFY2(r.out.startsWith("Usage: " + qEnvironmentVariable("LONGRUN_APP") + expected),
                     qPrintable(r.out));
            // One table: the window's options and the headless ones in one help.
            for (const char *option : {"--headless", "--worker", "--concurrency", "--jobs",
                                       "--json", "--timeout", "--list-kinds"})
                QVERIFY2(r.out.contains(QLatin1String(option)), option);
        }
    }

    void workerVersion()
    {
        QProcess process;
        process.start(test::workerPath(), {"--version"});
        const Run r = finish(process);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QStringLiteral("longrun-worker " LONGRUN_EXPECTED_VERSION "\n"));
    }

    // The last "overall" event comes after the last "finished" one and says 1.0, so that a
    // client following the stream sees the batch complete.
    void finalOverallEvent()
    {
        const Run r = run({"--json", "--concurrency", "4", "sleep:seconds=0", "sleep:seconds=0",
                           "sleep:seconds=0", "primes:limit=100", "primes:limit=1000"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(eventsOf(r, "finished").size(), 5);
        const int lastOverall = lastIndexOf(r, "overall");
        QCOMPARE(lastOverall, static_cast<int>(r.events.size()) - 2);
        QVERIFY(lastOverall > lastIndexOf(r, "finished"));
        const QJsonObject overall = r.events.at(lastOverall);
        QCOMPARE(overall.value("progress").toDouble(), 1.0);
        QCOMPARE(overall.value("succeeded").toInt(), 5);
        QCOMPARE(overall.value("running").toInt(), 0);
        QCOMPARE(overall.value("queued").toInt(), 0);
    }

    // --jobs given twice reads both files, in the order given.
    void jobsFileTwice()
    {
        QTemporaryDir dir;
        const QString first = writeFile(dir, "first.json",
                                        R"([{"kind": "primes", "params": {"limit": 100}},
                                            {"kind": "primes", "params": {"limit": 1000}}])");
        const QString second =
            writeFile(dir, "second.json", R"([{"kind": "primes", "params": {"limit": 10000}}])");
        const Run r = run(
            {"--json", "--concurrency", "1", "--jobs", first, "--jobs", second, "primes:limit=10"});
        QCOMPARE(r.exitCode, 0);
        const auto finished = eventsOf(r, "finished");
        QCOMPARE(finished.size(), 4);
        const QList<int> counts{25, 168, 1229, 4};
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(finished.at(i).value("id").toInt(), i + 1);
            QCOMPARE(finished.at(i).value("result").toObject().value("count").toInt(),
                     counts.at(i));
        }
    }

    // Every number option says its whole range, whatever was wrong with the value.
    void optionRanges_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString timeout =
            QStringLiteral("--timeout takes a number of seconds from 0.1 to 1000000, not '%1'");
        QTest::newRow("timeout too small")
            << QStringList{"--timeout", "0.0001", "sleep"} << timeout.arg("0.0001");
        QTest::newRow("timeout too large")
            << QStringList{"--timeout", "1e9", "sleep"} << timeout.arg("1e9");
        QTest::newRow("timeout not a number")
            << QStringList{"--timeout", "soon", "sleep"} << timeout.arg("soon");
        QTest::newRow("timeout nan")
            << QStringList{"--timeout", "nan", "sleep"} << timeout.arg("nan");
        QTest::newRow("repeat 0") << QStringList{"--repeat", "0", "sleep"}
                                  << "--repeat takes a whole number from 1 to 100000, not '0'";
        QTest::newRow("repeat 1.5") << QStringList{"--repeat", "1.5", "sleep"}
                                    << "--repeat takes a whole number from 1 to 100000, not '1.5'";
        QTest::newRow("retries 101") << QStringList{"--retries", "101", "sleep"}
                                     << "--retries takes a whole number from 0 to 100, not '101'";
        QTest::newRow("concurrency 257")
            << QStringList{"--concurrency", "257", "sleep"}
            << "--concurrency takes a whole number from 1 to 256, not '257'";
    }

    void optionRanges()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run r = run(args);
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err.split('\n').first(), QStringLiteral("longrun: ") + message);
    }

    // The smallest timeout accepted fires.
    void smallestTimeoutFires()
    {
        const Run r = run({"--json", "--timeout", "0.1", "sleep:seconds=20"});
        QCOMPARE(r.exitCode, 1);
        const auto finished = eventsOf(r, "finished");
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().value("state").toString(), QStringLiteral("timed_out"));
        QCOMPARE(finished.first().value("error").toString(),
                 QStringLiteral("timed out after 0.1 s"));
    }

    // A worker that cannot list its kinds: the reason in words, and the tail of its stderr.
    void brokenWorker_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<QString>("reason");
        QTest::newRow("killed") << QByteArray("#!/bin/sh\necho 'out of luck' >&2\nkill -KILL $$\n")
                                << "failed to list its kinds: killed by SIGKILL (Killed); "
                                   "stderr: out of luck";
        QTest::newRow("exit code") << QByteArray("#!/bin/sh\necho one >&2\necho two >&2\nexit 7\n")
                                   << "failed to list its kinds: exited with code 7; "
                                      "stderr: one | two";
        QTest::newRow("silent exit code")
            << QByteArray("#!/bin/sh\nexit 9\n") << "failed to list its kinds: exited with code 9";
    }

    void brokenWorker()
    {
        QFETCH(QByteArray, script);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const QString worker = writeFile(dir, "worker", script, kExecutable);
        const Run r = run({"--worker", worker, "sleep"});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err.split('\n').first(),
                 QStringLiteral("longrun: the worker '%1' %2").arg(worker, reason));
    }

    void workerNotAProgram()
    {
        QTemporaryDir dir;
        Run r = run({"--worker", dir.path(), "sleep"});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err.split('\n').first(),
                 QStringLiteral("longrun: cannot start the worker '%1': it is a directory, "
                                "not a program")
                     .arg(dir.path()));
        const QString text = writeFile(dir, "notes.txt", "hello\n");
        r = run({"--worker", text, "sleep"});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err.split('\n').first(),
                 QStringLiteral("longrun: cannot start the worker '%1': it is not executable")
                     .arg(text));
    }

    // --list-kinds asks the worker once: the catalog and the JSON printed are the same answer.
    void listKindsRunsWorkerOnce_data()
    {
        QTest::addColumn<bool>("json");
        QTest::newRow("json") << true;
        QTest::newRow("text") << false;
    }

    void listKindsRunsWorkerOnce()
    {
        QFETCH(bool, json);
        QTemporaryDir dir;
        const QString log = dir.filePath("runs.log");
        const QString worker =
            writeFile(dir, "worker",
                      QStringLiteral("#!/bin/sh\necho run >> '%1'\nexec '%2' \"$@\"\n")
                          .arg(log, test::workerPath())
                          .toUtf8(),
                      kExecutable);
        QStringList args{"--worker", worker, "--list-kinds"};
        if (json)
            args << "--json";
        const Run r = run(args);
        QCOMPARE(r.exitCode, 0);
        if (json)
            QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8())["kinds"].toArray().size(), 7);
        else
            QVERIFY2(r.out.contains("primes (compute)"), qPrintable(r.out));
        QFile runs(log);
        QVERIFY(runs.open(QIODevice::ReadOnly));
        QCOMPARE(runs.readAll(), QByteArray("run\n"));
    }

    // Standard output that cannot be written: one message, every job canceled, no process
    // left, exit 74 (EX_IOERR).
    void unwritableOutput_data()
    {
        QTest::addColumn<bool>("json");
        QTest::addColumn<bool>("brokenPipe");
        QTest::addColumn<QString>("reason");
        QTest::newRow("json, /dev/full") << true << false << "No space left on device";
        QTest::newRow("text, /dev/full") << false << false << "No space left on device";
        QTest::newRow("json, closed pipe") << true << true << "Broken pipe";
        QTest::newRow("text, closed pipe") << false << true << "Broken pipe";
    }

    void unwritableOutput()
    {
        QFETCH(bool, json);
        QFETCH(bool, brokenPipe);
        QFETCH(QString, reason);
        // The shell is found by its $0 (pids it could print are its PID namespace's).
        const QByteArray marker = "unwritable-output-" + QByteArray::number(::getpid());
        QStringList args{
            "--headless", "--concurrency", "2",
            QStringLiteral("command:argv=sh -c 'sleep 300' %1").arg(QString::fromLatin1(marker)),
            "sleep:seconds=1"};
        if (json)
            args << "--json";
        QProcess process;
        int pipeFds[2] = {-1, -1};
        if (brokenPipe) {
            // A reader that is gone, as after `longrun ... | head -1`.
            QCOMPARE(::pipe2(pipeFds, O_CLOEXEC), 0);
            ::close(pipeFds[0]);
            const int writeEnd = pipeFds[1];
            process.setChildProcessModifier([writeEnd] { ::dup2(writeEnd, STDOUT_FILENO); });
        } else {
            process.setStandardOutputFile("/dev/full");
        }
        process.start(qEnvironmentVariable("LONGRUN_APP"), args);
        if (brokenPipe)
            ::close(pipeFds[1]);
        const Run r = finish(process);
        QCOMPARE(r.exitCode, 74);
        const QString message =
            QStringLiteral("longrun: cannot write to standard output (%1), canceling all jobs\n")
                .arg(reason);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.count(QStringLiteral("cannot write")), 1);
        // The command job, if it got as far as starting, is gone with longrun.
        QCOMPARE(test::withArgument(marker), QList<pid_t>{});
    }

    // A burst of signals: the handler never blocks, longrun still cancels cleanly and leaves.
    void signalBurst()
    {
        QProcess process;
        process.start(qEnvironmentVariable("LONGRUN_APP"),
                      {"--headless", "--json", "--concurrency", "2", "sleep:seconds=60",
                       "command:argv=sh -c 'sleep 300 & sleep 300; wait'"});
        QVERIFY(process.waitForStarted());
        const pid_t pid = static_cast<pid_t>(process.processId());
        QTRY_COMPARE_WITH_TIMEOUT(test::descendantsOf(pid).size() >= 5, true, test::kHangMs);
        const QList<pid_t> children = test::descendantsOf(pid);
        for (int i = 0; i < 1000; ++i)
            ::kill(pid, SIGTERM);
        const Run r = finish(process, test::kHangMs);
        // The sender may be preempted mid-burst: a SIGTERM that comes after longrun has cleaned
        // up, printed its summary and stopped watching ends it by the default action. A shell
        // sees 143 either way.
        if (process.exitStatus() == QProcess::NormalExit)
            QCOMPARE(process.exitCode(), 143);
        else
            QCOMPARE(process.exitCode(), SIGTERM);
        QVERIFY(!r.events.isEmpty());
        QCOMPARE(r.events.last().value("signal").toString(), QStringLiteral("SIGTERM"));
        // The second signal skipped the grace (SIGKILL at once): a command's grandchild dies
        // with its PID namespace, which the kernel may finish a moment after longrun is gone.
        QTRY_COMPARE_WITH_TIMEOUT(test::stillAlive(children), QList<pid_t>{}, test::kHangMs);
    }
};

QTEST_GUILESS_MAIN(tst_Headless)
#include "tst_headless.moc"
