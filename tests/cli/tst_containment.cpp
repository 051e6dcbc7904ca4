// A command job's processes end with longrun, guaranteed by the kernel (DESIGN.md,
// "Containment"): the real `longrun --headless` and `longrun-worker`, processes found in /proc by
// a marker argument, and what --list-kinds and the finished event say about it.

#include "procutil.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtTest/QTest>

#include <csignal>
#include <unistd.h>

using namespace longrun;

namespace {

QProcessEnvironment environment(bool forceSubreaper)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (forceSubreaper)
        env.insert(QStringLiteral("LONGRUN_WORKER_NO_NAMESPACES"), QStringLiteral("1"));
    return env;
}

// The worker's own word on how it holds a command job's processes.
QString listedContainment(bool forceSubreaper)
{
    QProcess process;
    process.setProcessEnvironment(environment(forceSubreaper));
    process.start(test::workerPath(), {QStringLiteral("--list-kinds")});
    if (!process.waitForFinished(test::kHangMs))
        return {};
    const QJsonArray kinds =
        QJsonDocument::fromJson(process.readAllStandardOutput()).object().value("kinds").toArray();
    for (const QJsonValue kind : kinds) {
        if (kind.toObject().value("name") == QStringLiteral("command"))
            return kind.toObject().value("containment").toString();
    }
    return {};
}

} // namespace

class tst_Containment : public QObject
{
    Q_OBJECT

private slots:
    void listKindsSaysHow_data()
    {
        QTest::addColumn<bool>("forceSubreaper");
        QTest::newRow("default") << false;
        QTest::newRow("LONGRUN_WORKER_NO_NAMESPACES=1") << true;
    }

    // `longrun --list-kinds` shows the worker's "containment" under the command kind.
    void listKindsSaysHow()
    {
        QFETCH(bool, forceSubreaper);
        const QString listed = listedContainment(forceSubreaper);
        if (forceSubreaper)
            QCOMPARE(listed, QStringLiteral("subreaper: LONGRUN_WORKER_NO_NAMESPACES is set"));
        else
            QVERIFY2(listed.startsWith("pid-namespace") || listed.startsWith("subreaper: "),
                     qPrintable(listed));
        QProcess process;
        process.setProcessEnvironment(environment(forceSubreaper));
        process.start(qEnvironmentVariable("LONGRUN_APP"), {QStringLiteral("--list-kinds")});
        QVERIFY(process.waitForFinished(test::kHangMs));
        QCOMPARE(process.exitCode(), 0);
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        const QString line = QStringLiteral("\n      containment: %1\n").arg(listed);
        QVERIFY2(out.contains(QStringLiteral("\n  command (system): ")), qPrintable(out));
        QVERIFY2(out.contains(line), qPrintable(out));
        QCOMPARE(out.count(QStringLiteral("containment: ")), 1);
    }

    void finishedEventSaysHow_data() { listKindsSaysHow_data(); }

    // Each command job's result says how its processes were held, as --list-kinds does.
    void finishedEventSaysHow()
    {
        QFETCH(bool, forceSubreaper);
        QProcess process;
        process.setProcessEnvironment(environment(forceSubreaper));
        process.start(qEnvironmentVariable("LONGRUN_APP"),
                      {"--headless", "--json", "command:argv=true"});
        QVERIFY(process.waitForFinished(test::kHangMs));
        QCOMPARE(process.exitCode(), 0);
        QJsonObject finished;
        for (const QByteArray &line : process.readAllStandardOutput().split('\n')) {
            const QJsonObject event = QJsonDocument::fromJson(line).object();
            if (event.value("event") == QStringLiteral("finished"))
                finished = event;
        }
        QCOMPARE(finished.value("result").toObject().value("containment").toString(),
                 listedContainment(forceSubreaper));
    }

    // longrun SIGKILLed: its workers die (PR_SET_PDEATHSIG), and with each worker the init of
    // its job's PID namespace, so that the kernel ends the setsid'd child and the double-forked
    // daemon too, which no sweep of longrun's could reach any more.
    void killedAppLeavesNothing()
    {
        if (!listedContainment(false).startsWith(QStringLiteral("pid-namespace")))
            QSKIP("no PID namespace here: the subreaper dies with the worker");
        const QByteArray marker = QByteArray::number(300 + ::getpid() % 1000) + ".77";
        const QString script =
            QStringLiteral("setsid sleep %1 </dev/null >/dev/null 2>&1 &"
                           " (setsid sh -c \"sleep %1 & exit\" </dev/null >/dev/null 2>&1 &);"
                           " sleep %1 & wait")
                .arg(QString::fromLatin1(marker));
        QProcess process;
        process.start(qEnvironmentVariable("LONGRUN_APP"),
                      {"--headless", "--concurrency", "2", "sleep:seconds=60",
                       QStringLiteral("command:argv=sh -c '%1'").arg(script)});
        QVERIFY(process.waitForStarted());
        QTRY_COMPARE_WITH_TIMEOUT(test::withArgument(marker).size(), 3, test::kHangMs);
        const QList<pid_t> job = test::withArgument(marker);
        ::kill(static_cast<pid_t>(process.processId()), SIGKILL);
        QVERIFY(process.waitForFinished(test::kHangMs));
        QElapsedTimer timer;
        timer.start();
        QTRY_VERIFY_WITH_TIMEOUT(test::withArgument(marker).isEmpty(), test::kHangMs);
        qInfo("nothing left %lld ms after longrun's SIGKILL",
              static_cast<long long>(timer.elapsed()));
        // PDEATHSIG twice over (longrun -> worker -> init), then the namespace: about 20 ms.
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(test::stillAlive(job), QList<pid_t>{});
    }
};

QTEST_GUILESS_MAIN(tst_Containment)
#include "tst_containment.moc"
