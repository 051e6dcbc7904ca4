// What the review of commands says about a list of jobs: how many run programs, which distinct
// programs and folders (bounded), a few whole lines quoted as a shell reads them.

#include "jobs/commandreview.h"

#include <QtTest/QTest>

using namespace longrun;

namespace {

JobSpec command(const QStringList &argv, const QString &cwd = {})
{
    JobSpec spec{QStringLiteral("command"), {{QStringLiteral("argv"), argv, true}}};
    if (!cwd.isEmpty())
        spec.params << JobParam{QStringLiteral("cwd"), {cwd}, false};
    return spec;
}

JobSpec primes()
{
    return JobSpec{QStringLiteral("primes"), {{QStringLiteral("limit"), {QStringLiteral("100")}}}};
}

} // namespace

class tst_CommandReview : public QObject
{
    Q_OBJECT

private slots:
    void nothingToReviewWithoutCommands();
    void programsFoldersAndLines();
    void manyDistinctAreBounded();
};

void tst_CommandReview::nothingToReviewWithoutCommands()
{
    const CommandSummary summary = summarizeCommands({primes(), primes()});
    QVERIFY(summary.isEmpty());
    QCOMPARE(summary.jobs, 2);
    QCOMPARE(summary.commands, 0);
    QVERIFY(summary.programs.isEmpty());
    QVERIFY(summarizeCommands({}).isEmpty());
}

void tst_CommandReview::programsFoldersAndLines()
{
    const CommandSummary summary = summarizeCommands(
        {primes(),
         command({QStringLiteral("rm"), QStringLiteral("-rf"), QStringLiteral("a b")},
                 QStringLiteral("/tmp/x")),
         command({QStringLiteral("make")}), command({QStringLiteral("rm"), QStringLiteral("c")})});
    QVERIFY(!summary.isEmpty());
    QCOMPARE(summary.jobs, 4);
    QCOMPARE(summary.commands, 3);
    QCOMPARE(summary.programCount, 2);
    QCOMPARE(summary.programs, (QStringList{QStringLiteral("rm"), QStringLiteral("make")}));
    QCOMPARE(summary.folderCount, 2);
    QCOMPARE(summary.folders, (QStringList{QStringLiteral("/tmp/x"), QString()}));
    QCOMPARE(summary.examples, (QStringList{QStringLiteral("rm -rf 'a b' (in /tmp/x)"),
                                            QStringLiteral("make"), QStringLiteral("rm c")}));
    const QVariantMap map = summary.toVariantMap();
    QCOMPARE(map.value(QStringLiteral("commands")).toInt(), 3);
    QCOMPARE(map.value(QStringLiteral("programs")).toStringList(), summary.programs);
}

void tst_CommandReview::manyDistinctAreBounded()
{
    QList<JobSpec> specs;
    for (int i = 0; i < 1000; ++i)
        specs << command({QStringLiteral("/bin/p%1").arg(i)}, QStringLiteral("/d%1").arg(i % 30));
    const CommandSummary summary = summarizeCommands(specs);
    QCOMPARE(summary.commands, 1000);
    QCOMPARE(summary.programCount, 1000);
    QCOMPARE(summary.folderCount, 30);
    QCOMPARE(summary.programs.size(), kCommandReviewListed);
    QCOMPARE(summary.folders.size(), kCommandReviewListed);
    QCOMPARE(summary.examples.size(), kCommandReviewExamples);
    QCOMPARE(summary.programs.first(), QStringLiteral("/bin/p0"));
}

QTEST_GUILESS_MAIN(tst_CommandReview)
#include "tst_commandreview.moc"
