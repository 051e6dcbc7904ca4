// The limits on what longrun is given, end to end through the real `longrun --headless`: a job
// whose request does not fit in a frame, an endless or huge jobs file, too many jobs, a key
// given twice, and the JOB syntax's quoted values. Each is refused with exit status 2 and a
// message naming the file or job and the limit (or, for quoting, runs as written), and no
// process of the run is left behind.

#include "procutil.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QUuid>
#include <QtTest/QTest>

#include <sys/stat.h>

using namespace longrun;

class tst_Limits : public QObject
{
    Q_OBJECT

    struct Run
    {
        int exitCode = -1; // -1: it crashed or did not finish in time
        QString out;
        QString err;
        QList<QJsonObject> finished; // the "finished" events of --json
        qint64 elapsedMs = 0;
    };

    // Every process of one run carries this mark in its environment (workers inherit it), so
    // that one left behind is found after longrun itself is gone.
    QByteArray m_mark;

    // Live processes whose environment holds this test's mark.
    QList<pid_t> markedProcesses() const
    {
        QList<pid_t> found;
        const QByteArray needle = "LONGRUN_TEST_MARK=" + m_mark;
        for (const test::ProcInfo &p : test::allProcesses()) {
            QFile environment(QStringLiteral("/proc/%1/environ").arg(p.pid));
            if (environment.open(QIODevice::ReadOnly)
                && environment.readAll().split('\0').contains(needle))
                found << p.pid;
        }
        return found;
    }

    Run run(const QStringList &args, int timeoutMs = test::kHangMs) const
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LONGRUN_TEST_MARK"), QString::fromLatin1(m_mark));
        process.setProcessEnvironment(env);
        QElapsedTimer clock;
        clock.start();
        process.start(qEnvironmentVariable("LONGRUN_APP"), QStringList{"--headless"} + args);
        process.closeWriteChannel();
        Run result;
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished(-1);
            return result;
        }
        result.elapsedMs = clock.elapsed();
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err = QString::fromUtf8(process.readAllStandardError());
        for (const QString &line : result.out.split('\n', Qt::SkipEmptyParts)) {
            const QJsonObject event = QJsonDocument::fromJson(line.toUtf8()).object();
            if (event.value("event").toString() == u"finished")
                result.finished << event;
        }
        return result;
    }

    QTemporaryDir m_dir;

    QString writeFile(const QString &name, const QByteArray &text) const
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
            return {};
        return path;
    }

    // A usage error: exit status 2, the message on stderr's first line, nothing left running.
    void checkRefused(const Run &r, const QString &message)
    {
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err.section('\n', 0, 0), QStringLiteral("longrun: ") + message);
        QCOMPARE(r.out, QString());
        QCOMPARE(markedProcesses(), QList<pid_t>());
    }

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_mark = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    }

    // Used to abort the whole app: the runner's encodeFrame threw through QThreadPool.
    void requestLargerThanAFrame()
    {
        const QByteArray path(20 * 1024 * 1024, 'a');
        const QString file =
            writeFile("big.json", R"([{"kind": "sleep"}, {"kind": "checksum", "params": {"path": ")"
                                      + path + R"("}}])");
        const Run r = run({"--jobs", file});
        checkRefused(r, file
                            + ": job 2: checksum: the request is 20971585 bytes, larger than the "
                              "frame limit of 16 MiB (16777216 bytes): a parameter this large "
                              "cannot be sent to the worker");
    }

    // Used to read /dev/zero forever, a GB a second.
    void endlessFile()
    {
        const Run r = run({"--jobs", "/dev/zero"});
        checkRefused(r, "/dev/zero: the jobs file is larger than the limit of 64 MiB "
                        "(67108864 bytes)");
    }

    // A FIFO whose writer never stops: refused once the limit is passed, the writer then gets
    // EPIPE and ends.
    void endlessFifo()
    {
        const QString fifo = m_dir.filePath("jobs.fifo");
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QProcess writer;
        writer.start("sh", {"-c", "exec yes '[{\"kind\": \"sleep\"},' > \"$0\"", fifo});
        QVERIFY(writer.waitForStarted(test::kHangMs));
        const Run r = run({"--jobs", fifo});
        QVERIFY(writer.waitForFinished(test::kHangMs));
        checkRefused(r, fifo
                            + ": the jobs file is larger than the limit of 64 MiB "
                              "(67108864 bytes)");
    }

    void fileLargerThanTheLimit()
    {
        // Valid JSON all the way, so only its size can be the reason.
        QByteArray text = "[{\"kind\": \"sleep\"}";
        text += QByteArray(64 * 1024 * 1024 - text.size(), ' ');
        text += "]";
        const QString file = writeFile("large.json", text);
        const Run r = run({"--jobs", file});
        checkRefused(r, file
                            + ": the jobs file is larger than the limit of 64 MiB "
                              "(67108864 bytes)");
    }

    // Used to be accepted although --repeat stops at 100000.
    void tooManyJobs()
    {
        QByteArray text = "[";
        for (int i = 0; i < 100001; ++i)
            text += i ? ",{\"kind\":\"sleep\"}" : "{\"kind\":\"sleep\"}";
        text += "]";
        const QString file = writeFile("many.json", text);
        const Run r = run({"--jobs", file});
        checkRefused(r, file + ": the jobs file has 100001 jobs, more than the limit of 100000");
    }

    void tooManyAfterRepeat()
    {
        const QString file = writeFile("two.json", R"([{"kind": "sleep"}, {"kind": "sleep"}])");
        const Run r = run({"--jobs", file, "--repeat", "50001"});
        checkRefused(r, "2 jobs repeated 50001 times make 100002 jobs, more than the limit of "
                        "100000");
    }

    // QJsonDocument lets the last key win: the second "kind" used to turn primes into sleep.
    void keyGivenTwice_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("kind") << QByteArray(R"([{"kind": "primes", "kind": "sleep"}])")
                              << "job 1: field 'kind' is given twice";
        QTest::newRow("param") << QByteArray(R"([{"kind": "sleep"},
            {"kind": "sleep", "params": {"seconds": 0, "seconds": 1}}])")
                               << "job 2: field 'params.seconds' is given twice";
        QTest::newRow("escaped") << QByteArray(R"([{"kind": "sleep", "params": {},
            "par\u0061ms": {}}])")
                                 << "job 1: field 'params' is given twice";
    }

    void keyGivenTwice()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        const QString file = writeFile("dup.json", json);
        checkRefused(run({"--jobs", file}), file + ": " + error);
    }

    // The region holds commas: quoted, it reaches the real worker whole. Inside the set every
    // pixel is inside; far outside none is.
    void quotedRegion()
    {
        const Run r = run({"--json", "mandelbrot:region='-0.1,-0.1,0.1,0.1',width=16,height=16",
                           R"(mandelbrot:width=16,region="-2,-2,-1.9,-1.9",height=16)"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.finished.size(), 2);
        QMap<QString, qint64> insideByParams;
        for (const QJsonObject &e : r.finished) {
            QCOMPARE(e.value("state").toString(), QStringLiteral("succeeded"));
            insideByParams.insert(e.value("params").toString(),
                                  e.value("result").toObject().value("inside").toInteger(-1));
        }
        QCOMPARE(insideByParams,
                 (QMap<QString, qint64>{{"region=-0.1,-0.1,0.1,0.1, width=16, height=16", 256},
                                        {"width=16, region=-2,-2,-1.9,-1.9, height=16", 0}}));
        QCOMPARE(markedProcesses(), QList<pid_t>());
    }

    void unterminatedQuote()
    {
        checkRefused(run({"mandelbrot:region='-1,-1,1,1"}),
                     "job 'mandelbrot:region='-1,-1,1,1': mandelbrot: unterminated ' quote in "
                     "the value of 'region'");
    }

    void helpSaysHowToQuote()
    {
        const Run r = run({"--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("\"mandelbrot:region='-1,-1,1,1',width=64\""), qPrintable(r.out));
        QVERIFY2(r.out.contains("A jobs file is at most 64 MiB and 100000 jobs"),
                 qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(tst_Limits)
#include "tst_limits.moc"
