// longrun under a low limit of open files (prlimit sets soft and hard, so raising it cannot
// help): jobs wait for descriptors instead of taking the app down; with too few for even one
// job, each fails with the reason and the batch still ends.

#include "procutil.h"

#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>
#include <QtTest/QTest>

using namespace longrun;

class tst_Descriptors : public QObject
{
    Q_OBJECT

private slots:
    void jobsWaitForDescriptors_data();
    void jobsWaitForDescriptors();
    void tooFewFailsEachJob();

private:
    QProcess *run(int limit, int jobs, int concurrency);
};

QProcess *tst_Descriptors::run(int limit, int jobs, int concurrency)
{
    auto *process = new QProcess(this);
    QStringList arguments{QStringLiteral("--nofile=%1:%1").arg(limit),
                          qEnvironmentVariable("LONGRUN_APP"),
                          QStringLiteral("--headless"),
                          QStringLiteral("--no-history"),
                          QStringLiteral("--concurrency"),
                          QString::number(concurrency)};
    for (int i = 0; i < jobs; ++i)
        arguments << (i % 4 == 0 ? QStringLiteral("command:argv=sh -c 'sleep 0.05'")
                                 : QStringLiteral("sleep:seconds=0.05,steps=1"));
    process->start(QStringLiteral("prlimit"), arguments);
    return process;
}

void tst_Descriptors::jobsWaitForDescriptors_data()
{
    QTest::addColumn<int>("limit");
    QTest::newRow("48") << 48;
    QTest::newRow("64") << 64;
    QTest::newRow("100") << 100;
    QTest::newRow("160") << 160;
}

void tst_Descriptors::jobsWaitForDescriptors()
{
    if (QStandardPaths::findExecutable(QStringLiteral("prlimit")).isEmpty())
        QSKIP("prlimit (util-linux) is not installed");
    QFETCH(int, limit);
    // 32 at once would need about 5 descriptors each: more than these limits allow.
    QProcess *process = run(limit, 40, 32);
    QVERIFY(process->waitForFinished(test::kHangMs));
    const QByteArray out = process->readAllStandardOutput() + process->readAllStandardError();
    QCOMPARE(process->exitStatus(), QProcess::NormalExit);
    QVERIFY2(process->exitCode() == 0, out.right(2000).constData());
    QVERIFY2(out.contains("40 succeeded, 0 failed"), out.right(2000).constData());
}

void tst_Descriptors::tooFewFailsEachJob()
{
    if (QStandardPaths::findExecutable(QStringLiteral("prlimit")).isEmpty())
        QSKIP("prlimit (util-linux) is not installed");
    QProcess *process = run(24, 10, 4);
    QVERIFY(process->waitForFinished(test::kHangMs));
    const QByteArray out = process->readAllStandardOutput() + process->readAllStandardError();
    QCOMPARE(process->exitStatus(), QProcess::NormalExit);
    QCOMPARE(process->exitCode(), 1);
    QVERIFY2(out.contains("0 succeeded, 10 failed"), out.right(2000).constData());
    QVERIFY2(out.contains("cannot start the job: too many open files ("),
             out.right(2000).constData());
    QVERIFY(out.contains("of the limit of 24 in use; raise it with ulimit -n)"));
}

QTEST_GUILESS_MAIN(tst_Descriptors)
#include "tst_descriptors.moc"
