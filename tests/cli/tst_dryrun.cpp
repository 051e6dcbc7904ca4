// What a run is made to run, end to end through the real `longrun --headless`: --dry-run lists
// every job and what its commands would run, and runs nothing (no program, no history); --env
// and --env-clear (and a job's own env and env_clear) give a command exactly the environment
// asked for.

#include "procutil.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

using namespace longrun;

namespace {

struct Outcome
{
    int status = -1; // -1: crashed or hung
    QString out;
    QString err;
    QList<QJsonObject> lines; // stdout's JSON objects
};

// `longrun --headless ARGS` in `folder`, with `extra` added to its environment.
Outcome headless(const QStringList &args, const QString &folder,
                 const QMap<QString, QString> &extra = {})
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = extra.cbegin(); it != extra.cend(); ++it)
        env.insert(it.key(), it.value());
    const test::AppRun run = test::runApp(QStringList{"--headless"} + args, folder, env);
    Outcome outcome{run.status, QString::fromUtf8(run.out), run.err, {}};
    for (const QString &line : outcome.out.split(u'\n', Qt::SkipEmptyParts))
        outcome.lines << QJsonDocument::fromJson(line.toUtf8()).object();
    return outcome;
}

QString write(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        return {};
    return file.fileName();
}

// The variables a finished command job printed with `env` (its output_tail), sorted.
QStringList printedEnvironment(const Outcome &outcome)
{
    for (const QJsonObject &line : outcome.lines) {
        if (line.value(u"event").toString() == u"finished") {
            QStringList words = line.value(u"result")
                                    .toObject()
                                    .value(u"output_tail")
                                    .toString()
                                    .split(u'\n', Qt::SkipEmptyParts);
            words.sort();
            return words;
        }
    }
    return {QStringLiteral("(no finished event)")};
}

} // namespace

class tst_DryRun : public QObject
{
    Q_OBJECT

private slots:
    void listsWithoutRunning();
    void listsAsJson();
    void environmentIsExactlyWhatWasAsked();
    void jobsFileEnvironment();
    void badEnvironment_data();
    void badEnvironment();
};

void tst_DryRun::listsWithoutRunning()
{
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    const QString marker = dir.filePath(QStringLiteral("ran"));
    const QString jobs = write(
        dir, QStringLiteral("jobs.json"),
        QStringLiteral(R"([{"kind": "command", "params": {"argv": ["touch", "%1"], "cwd": "/tmp"}},
                            {"kind": "command", "params": {"argv": "sh -c 'touch %1'",
                                                           "env": ["A=1", "B=2"]}},
                            {"kind": "primes", "params": {"limit": 100}}])")
            .arg(marker)
            .toUtf8());
    const Outcome r =
        headless({"--dry-run", "--data-dir", data, "--jobs", jobs, "--repeat", "2", "--env-clear"},
                 dir.path());
    QCOMPARE(r.status, 0);
    const QString sh = QStringLiteral("sh -c 'touch %1'").arg(marker);
    QCOMPARE(r.out, QStringLiteral("     1  touch %1 (in /tmp)\n"
                                   "     2  touch %1 (in /tmp)\n"
                                   "     3  %2\n"
                                   "     4  %2\n"
                                   "     5  primes: limit=100\n"
                                   "     6  primes: limit=100\n"
                                   "\n"
                                   "Dry run: 6 jobs would run; nothing was started.\n"
                                   "4 command jobs would run programs of your system:\n"
                                   "  programs:  touch, sh\n"
                                   "  folders:   /tmp, %3\n"
                                   "  variables: A, B\n"
                                   "  4 of them start with no inherited variable (env_clear)\n")
                        .arg(marker, sh, QDir(dir.path()).canonicalPath()));
    QVERIFY(!QFile::exists(marker));
    // Nothing recorded: not even the data folder was made.
    QVERIFY(!QFile::exists(data));
}

void tst_DryRun::listsAsJson()
{
    QTemporaryDir dir;
    const Outcome r = headless({"--dry-run", "--json", "--no-history", "--env", "X=y z",
                                "command:argv=make -j2", "sleep:seconds=1"},
                               dir.path());
    QCOMPARE(r.status, 0);
    QCOMPARE(r.lines.size(), 3);
    QCOMPARE(r.lines.at(0), (QJsonObject{{"event", "job"},
                                         {"id", 1},
                                         {"kind", "command"},
                                         {"command", "make -j2"},
                                         {"params", QJsonObject{{"argv", QJsonArray{"make", "-j2"}},
                                                                {"env", QJsonArray{"X=y z"}}}}}));
    QCOMPARE(r.lines.at(1), (QJsonObject{{"event", "job"},
                                         {"id", 2},
                                         {"kind", "sleep"},
                                         {"command", "sleep: seconds=1"},
                                         {"params", QJsonObject{{"seconds", "1"}}}}));
    QCOMPARE(r.lines.at(2), (QJsonObject{{"event", "dry_run"},
                                         {"jobs", 2},
                                         {"commands", 1},
                                         {"program_count", 1},
                                         {"programs", QJsonArray{"make"}},
                                         {"folder_count", 1},
                                         {"folders", QJsonArray{QDir(dir.path()).canonicalPath()}},
                                         {"variables", QJsonArray{"X"}},
                                         {"env_cleared", 0}}));
}

void tst_DryRun::environmentIsExactlyWhatWasAsked()
{
    QTemporaryDir dir;
    const QMap<QString, QString> secret{{QStringLiteral("LONGRUN_TEST_SECRET"), "s3cret"}};
    const QString job = QStringLiteral("command:tty=false,argv=env");
    // Inherited, plus what --env sets (replacing an inherited value).
    Outcome r = headless(
        {"--json", "--no-history", "--env", "LONGRUN_TEST_SECRET=replaced", "--env", "EMPTY=", job},
        dir.path(), secret);
    QCOMPARE(r.status, 0);
    QStringList printed = printedEnvironment(r);
    QVERIFY2(printed.contains(u"LONGRUN_TEST_SECRET=replaced"), qPrintable(printed.join(u' ')));
    QVERIFY(printed.contains(u"EMPTY="));
    QVERIFY(printed.contains(QStringLiteral("PATH=") + qEnvironmentVariable("PATH")));
    QCOMPARE(printed.filter(QStringLiteral("LONGRUN_TEST_SECRET=")).size(), 1);
    // Cleared: only what was given, nothing of longrun's (`env` prints exactly its own).
    r = headless({"--json", "--no-history", "--env-clear", "--env", "A=1", "--env",
                  "PATH=/usr/bin:/bin", job},
                 dir.path(), secret);
    QCOMPARE(r.status, 0);
    QCOMPARE(printedEnvironment(r), (QStringList{"A=1", "PATH=/usr/bin:/bin"}));
    // Cleared with no PATH: the program is looked up on the system's default path.
    r = headless({"--json", "--no-history", "--env-clear", job}, dir.path(), secret);
    QCOMPARE(r.status, 0);
    QCOMPARE(printedEnvironment(r), QStringList());
}

void tst_DryRun::jobsFileEnvironment()
{
    QTemporaryDir dir;
    const QString jobs = write(dir, QStringLiteral("jobs.json"),
                               R"([{"kind": "command", "params": {"argv": ["env"], "tty": false,
                                                 "env": ["FOO=job", "ONLY=job"], "env_clear": true}}])");
    // The job's own words come after --env's: the job wins.
    const Outcome r =
        headless({"--json", "--no-history", "--env", "FOO=cli", "--env", "CLI=1", "--jobs", jobs},
                 dir.path());
    QCOMPARE(r.status, 0);
    QCOMPARE(printedEnvironment(r), (QStringList{"CLI=1", "FOO=job", "ONLY=job"}));
}

void tst_DryRun::badEnvironment_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no value") << QStringList{"--headless", "--env", "FOO", "command:argv=true"}
                              << "--env takes KEY=VALUE (a name, '=', then the value), not 'FOO'";
    QTest::newRow("no name") << QStringList{"--headless", "--env", "=x", "command:argv=true"}
                             << "--env takes KEY=VALUE (a name, '=', then the value), not '=x'";
    QTest::newRow("window") << QStringList{"--env", "A=1"}
                            << "--env needs --headless (the window has no such option)";
    QTest::newRow("dry run in the window")
        << QStringList{"--dry-run"} << "--dry-run needs --headless (the window has no such option)";
    QTest::newRow("a job's word") << QStringList{"--headless", "command:env=A,B"}
                                  << "command: parameter 'env' takes KEY=VALUE words, got 'A,B'";
}

void tst_DryRun::badEnvironment()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QProcess process;
    process.start(qEnvironmentVariable("LONGRUN_APP"), args);
    QVERIFY(process.waitForFinished(test::kHangMs));
    QCOMPARE(process.exitCode(), 2);
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(err.contains(message), qPrintable(err));
    QVERIFY(process.readAllStandardOutput().isEmpty());
}

QTEST_GUILESS_MAIN(tst_DryRun)
#include "tst_dryrun.moc"
