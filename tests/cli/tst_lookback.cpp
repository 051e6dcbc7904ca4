// Looking back, end to end through the real binaries: `longrun history` and `longrun export` on
// a history made by real `longrun --headless` runs (a success, a program that exits 3, one
// killed by SIGKILL, a job canceled by a signal), and `--joblog` as GNU parallel writes it.

#include "procutil.h"
#include "store/historystore.h"

#include <QtCore/QDateTime>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <csignal>
#include <sys/stat.h>

using namespace longrun;

class tst_LookBack : public QObject
{
    Q_OBJECT

    using Run = test::AppRun;
    static Run run(const QStringList &args) { return test::runApp(args); }

    Run history(const QStringList &args) const
    {
        return run(QStringList{"history", "--data-dir", m_data} + args);
    }

    // The table's rows (the header first), split into cells at runs of two spaces or more.
    static QList<QStringList> table(const QByteArray &out)
    {
        QList<QStringList> rows;
        static const QRegularExpression gap(QStringLiteral(" {2,}"));
        for (const QString &line : QString::fromUtf8(out).split(u'\n', Qt::SkipEmptyParts))
            rows << line.split(gap);
        return rows;
    }

    static QList<QJsonObject> jsonLines(const QByteArray &out)
    {
        QList<QJsonObject> objects;
        for (const QByteArray &line : out.split('\n')) {
            if (!line.isEmpty())
                objects << QJsonDocument::fromJson(line).object();
        }
        return objects;
    }

    // The ids of a history table's rows, in order.
    static QList<int> ids(const Run &r)
    {
        QList<int> found;
        const QList<QStringList> rows = table(r.out);
        for (qsizetype i = 1; i < rows.size(); ++i) {
            bool ok = false;
            const int id = rows.at(i).first().toInt(&ok);
            if (ok)
                found << id;
        }
        return found;
    }

    static QByteArray readAll(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
    }

    QTemporaryDir m_dir;
    QString m_data;
    QString m_joblog;
    QList<QJsonObject> m_firstRunEvents;
    QList<QJsonObject> m_jobs; // history --json, newest first

private slots:
    void initTestCase();
    void exitStatusInTheJsonStream();
    void historyTable();
    void historyJson();
    void workerExitForOtherKinds();
    void filtersCombine_data();
    void filtersCombine();
    void limitSaysHowManyMore();
    void noMatchIsNoError();
    void badUsage_data();
    void badUsage();
    void missingHistory();
    void helpListsTheOptions();
    void exportCsv();
    void exportJson();
    void exportToANewFile();
    void exportRefusesAnExistingFile();
    void exportPagesThroughEverything();
    void exportRefusesAPlantedSymlink();
    void joblogColumns();
    void joblogAppendsWithOneHeader();
    void joblogLineForEachAttempt();
    void joblogWriteErrorIsSaidOnce();
    void joblogRefusesASymlink();
    void joblogRefusesWhatIsNotAFile();
};

void tst_LookBack::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_data = m_dir.filePath("data");
    m_joblog = m_dir.filePath("jobs.log");
    // Run 1: jobs 1 to 3, one at a time so that their order is known.
    QProcess first;
    first.start(qEnvironmentVariable("LONGRUN_APP"),
                {"--headless", "--json", "--concurrency", "1", "--data-dir", m_data, "--joblog",
                 m_joblog, "command:argv=sh -c 'exit 3'", "command:argv=sh -c 'kill -9 $$'",
                 "primes:limit=1000"});
    first.closeWriteChannel();
    QVERIFY(first.waitForFinished(test::kHangMs));
    QCOMPARE(first.exitCode(), 1);
    m_firstRunEvents = jsonLines(first.readAllStandardOutput());

    // Run 2: job 4, canceled by SIGTERM while it runs.
    QProcess second;
    second.start(qEnvironmentVariable("LONGRUN_APP"),
                 {"--headless", "--json", "--data-dir", m_data, "sleep:seconds=60"});
    second.closeWriteChannel();
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += second.readAllStandardOutput()).contains("\"running\""),
                             test::kHangMs);
    ::kill(static_cast<pid_t>(second.processId()), SIGTERM);
    QVERIFY(second.waitForFinished(test::kHangMs));
    QCOMPARE(second.exitCode(), 128 + SIGTERM);

    const Run all = history({"--json"});
    QCOMPARE(all.status, 0);
    m_jobs = jsonLines(all.out);
    QCOMPARE(m_jobs.size(), 4);
}

void tst_LookBack::exitStatusInTheJsonStream()
{
    QList<QJsonObject> finished;
    for (const QJsonObject &event : std::as_const(m_firstRunEvents)) {
        if (event.value("event").toString() == "finished")
            finished << event;
    }
    QCOMPARE(finished.size(), 3);
    QCOMPARE(finished.at(0).value("exit_code").toInt(-1), 3);
    QVERIFY(!finished.at(0).contains("signal"));
    QCOMPARE(finished.at(1).value("signal").toInt(), SIGKILL);
    QVERIFY(!finished.at(1).contains("exit_code"));
    QCOMPARE(finished.at(2).value("exit_code").toInt(-1), 0);
}

void tst_LookBack::historyTable()
{
    const Run r = history({});
    QCOMPARE(r.status, 0);
    const QList<QStringList> rows = table(r.out);
    QCOMPARE(rows.size(), 5);
    QCOMPARE(rows.at(0),
             (QStringList{"ID", "RUN", "STATE", "KIND", "COMMAND", "FINISHED", "TIME", "RESULT"}));
    QCOMPARE(rows.at(1).mid(0, 5),
             (QStringList{"4", "2", "canceled", "sleep", "sleep: seconds=60"}));
    QCOMPARE(rows.at(1).at(7), QString("canceled: longrun is shutting down"));
    QCOMPARE(rows.at(2).mid(0, 5),
             (QStringList{"3", "1", "succeeded", "primes", "primes: limit=1000"}));
    QCOMPARE(rows.at(2).at(7), QString("168 primes up to 1,000"));
    QCOMPARE(rows.at(3).mid(0, 5),
             (QStringList{"2", "1", "failed", "command", "sh -c 'kill -9 $$'"}));
    QCOMPARE(rows.at(3).at(7), QString("command 'sh' was killed by signal SIGKILL (Killed)"));
    QCOMPARE(rows.at(4).mid(0, 5), (QStringList{"1", "1", "failed", "command", "sh -c 'exit 3'"}));
    QCOMPARE(rows.at(4).at(7), QString("command 'sh' exited with code 3"));
    // Finished: local time to the second; the runtime of a short job in milliseconds.
    static const QRegularExpression local(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$"));
    static const QRegularExpression ms(QStringLiteral("^\\d+ ms$|^\\d+\\.\\d s$"));
    for (qsizetype i = 1; i < rows.size(); ++i) {
        QVERIFY2(local.match(rows.at(i).at(5)).hasMatch(), qPrintable(rows.at(i).at(5)));
        QVERIFY2(ms.match(rows.at(i).at(6)).hasMatch(), qPrintable(rows.at(i).at(6)));
    }
    QVERIFY(!r.out.contains("more:"));
}

void tst_LookBack::historyJson()
{
    const QJsonObject canceled = m_jobs.at(0);
    QCOMPARE(canceled.value("id").toInt(), 4);
    QCOMPARE(canceled.value("run").toInt(), 2);
    QCOMPARE(canceled.value("state").toString(), QString("canceled"));
    QCOMPARE(canceled.value("error").toString(), QString("canceled: longrun is shutting down"));

    const QJsonObject primes = m_jobs.at(1);
    QCOMPARE(primes.value("kind").toString(), QString("primes"));
    QCOMPARE(primes.value("state").toString(), QString("succeeded"));
    QCOMPARE(primes.value("summary").toString(), QString("168 primes up to 1,000"));
    QCOMPARE(primes.value("exit_code").toInt(-1), 0);
    QVERIFY(primes.value("signal").isNull());
    QCOMPARE(
        primes.value("params").toArray(),
        QJsonDocument::fromJson(R"([{"key":"limit","list":false,"values":["1000"]}])").array());
    QCOMPARE(primes.value("resumed").toBool(true), false);

    const QJsonObject killed = m_jobs.at(2);
    QCOMPARE(killed.value("command").toString(), QString("sh -c 'kill -9 $$'"));
    QCOMPARE(killed.value("signal").toInt(), SIGKILL);
    QVERIFY(killed.value("exit_code").isNull());

    const QJsonObject three = m_jobs.at(3);
    QCOMPARE(three.value("id").toInt(), 1);
    QCOMPARE(three.value("seq").toInt(), 1);
    QCOMPARE(three.value("attempts").toInt(), 1);
    QCOMPARE(three.value("exit_code").toInt(-1), 3);
    QVERIFY(three.value("signal").isNull());
    QCOMPARE(three.value("error").toString(), QString("command 'sh' exited with code 3"));
    QVERIFY(!three.value("host").toString().isEmpty());
    for (const char *time : {"added", "started", "finished"}) {
        const QDateTime at = QDateTime::fromString(three.value(time).toString(), Qt::ISODateWithMs);
        QVERIFY2(at.isValid() && qAbs(at.secsTo(QDateTime::currentDateTimeUtc())) < 3600, time);
    }
    QVERIFY(three.value("runtime").toDouble(-1) >= 0);
    for (const QJsonObject &job : std::as_const(m_jobs)) {
        for (const char *key : {"log_path", "image_path"})
            QVERIFY2(job.contains(key), key);
    }
}

// A kind other than command: the worker process's own end is the attempt's.
void tst_LookBack::workerExitForOtherKinds()
{
    const QString data = m_dir.filePath("faults");
    const Run made = run({"--headless", "--json", "--concurrency", "1", "--data-dir", data,
                          "fault:mode=abort", "fault:mode=exit-nonzero"});
    QCOMPARE(made.status, 1);
    const QList<QJsonObject> jobs = jsonLines(run({"history", "--json", "--data-dir", data}).out);
    QCOMPARE(jobs.size(), 2);
    QCOMPARE(jobs.at(0).value("error").toString(),
             QString("the worker exited with code 3 without a result"));
    QCOMPARE(jobs.at(0).value("exit_code").toInt(-1), 3);
    QVERIFY(jobs.at(0).value("signal").isNull());
    QCOMPARE(jobs.at(1).value("signal").toInt(), SIGABRT);
    QVERIFY(jobs.at(1).value("exit_code").isNull());
}

void tst_LookBack::filtersCombine_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QList<int>>("expected");
    QTest::newRow("state") << QStringList{"--state", "failed"} << QList<int>{2, 1};
    QTest::newRow("states comma-separated")
        << QStringList{"--state", "failed,canceled"} << QList<int>{4, 2, 1};
    QTest::newRow("state given twice")
        << QStringList{"--state", "succeeded", "--state", "canceled"} << QList<int>{4, 3};
    QTest::newRow("kind") << QStringList{"--kind", "command"} << QList<int>{2, 1};
    QTest::newRow("kind and state")
        << QStringList{"--kind", "primes", "--state", "succeeded"} << QList<int>{3};
    QTest::newRow("kind and another state")
        << QStringList{"--kind", "primes", "--state", "failed"} << QList<int>{};
    QTest::newRow("run") << QStringList{"--run", "2"} << QList<int>{4};
    QTest::newRow("run and state")
        << QStringList{"--run", "1", "--state", "succeeded,canceled"} << QList<int>{3};
    QTest::newRow("search") << QStringList{"--search", "exit 3"} << QList<int>{1};
    QTest::newRow("search in errors") << QStringList{"--search", "SIGKILL"} << QList<int>{2};
    QTest::newRow("since 1h") << QStringList{"--since", "1h"} << QList<int>{4, 3, 2, 1};
    QTest::newRow("since a date far ahead") << QStringList{"--since", "2999-01-01"} << QList<int>{};
    QTest::newRow("since a date-time long ago")
        << QStringList{"--since", "2000-01-01T00:00", "--kind", "sleep"} << QList<int>{4};
}

void tst_LookBack::filtersCombine()
{
    QFETCH(QStringList, args);
    QFETCH(QList<int>, expected);
    const Run r = history(args);
    QCOMPARE(r.status, 0);
    QCOMPARE(ids(r), expected);
    // The same jobs through export (no limit) as through the history.
    const Run exported =
        run(QStringList{"export", "--format", "json", "--data-dir", m_data} + args);
    QCOMPARE(exported.status, 0);
    QList<int> exportedIds;
    for (const QJsonValue &job : QJsonDocument::fromJson(exported.out).array())
        exportedIds << job.toObject().value("id").toInt();
    QCOMPARE(exportedIds, expected);
}

void tst_LookBack::limitSaysHowManyMore()
{
    const Run r = history({"--limit", "2"});
    QCOMPARE(r.status, 0);
    QCOMPARE(ids(r), (QList<int>{4, 3}));
    QVERIFY(r.out.endsWith("\n2 more: --limit/--since to see them\n"));
    const Run json = history({"--limit", "3", "--json"});
    QCOMPARE(jsonLines(json.out).size(), 3);
}

void tst_LookBack::noMatchIsNoError()
{
    const Run r = history({"--state", "timed_out"});
    QCOMPARE(r.status, 0);
    QCOMPARE(r.out, QByteArray("no jobs match\n"));
    const Run json = history({"--state", "timed_out", "--json"});
    QCOMPARE(json.status, 0);
    QCOMPARE(json.out, QByteArray());
    QCOMPARE(json.err, QString("longrun: no jobs match\n"));
}

void tst_LookBack::badUsage_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("since a word") << QStringList{"--since", "yesterday"}
                                  << "--since takes a date (2026-05-01), a date and time "
                                     "(2026-05-01T14:30) or a time ago (30m, 2h, 3d, 1w), not "
                                     "'yesterday'";
    QTest::newRow("since a bad date") << QStringList{"--since", "2026-13-45"} << "not '2026-13-45'";
    QTest::newRow("since a unit unknown") << QStringList{"--since", "3y"} << "not '3y'";
    QTest::newRow("unknown state")
        << QStringList{"--state", "failed,done"}
        << "--state 'done' is not a state: use succeeded, failed, canceled, timed_out, "
           "interrupted, queued, starting, running, paused";
    QTest::newRow("unknown kind") << QStringList{"--kind", "nope"}
                                  << "--kind 'nope' is not a kind the history holds: command, "
                                     "primes, sleep";
    QTest::newRow("run not a number")
        << QStringList{"--run", "x"} << "--run takes a run number (see the history), not 'x'";
    QTest::newRow("limit 0") << QStringList{"--limit", "0"}
                             << "--limit takes a whole number from 1 to 1000000, not '0'";
    QTest::newRow("an argument") << QStringList{"failed"}
                                 << "history takes no arguments, only options (not 'failed')";
    QTest::newRow("an option of the run")
        << QStringList{"--retries", "2"} << "history: Unknown option 'retries'.";
}

void tst_LookBack::badUsage()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Run r = history(args);
    QCOMPARE(r.status, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QCOMPARE(r.out, QByteArray());
}

void tst_LookBack::missingHistory()
{
    const QString empty = m_dir.filePath("empty");
    const Run r = run({"history", "--data-dir", empty});
    QCOMPARE(r.status, 1);
    QCOMPARE(r.err, QString("longrun: no history in '%1' yet\n").arg(empty));
    // Reading never makes a store.
    QVERIFY(!QFileInfo::exists(empty));
    const Run exported = run({"export", "--format", "csv", "--data-dir", empty});
    QCOMPARE(exported.status, 1);
    QVERIFY(!QFileInfo::exists(empty));
}

void tst_LookBack::helpListsTheOptions()
{
    const Run h = run({"history", "--help"});
    QCOMPARE(h.status, 0);
    for (const char *option :
         {"--state", "--kind", "--since", "--run", "--search", "--limit", "--json", "--data-dir"})
        QVERIFY2(h.out.contains(option), option);
    QVERIFY(!h.out.contains("--retries"));
    const Run e = run({"export", "--help"});
    QCOMPARE(e.status, 0);
    for (const char *option : {"--format", "--output", "--state", "--since"})
        QVERIFY2(e.out.contains(option), option);
    QVERIFY(e.out.simplified().contains(
        "id, run, seq, kind, command, state, attempts, added, started, finished, runtime, "
        "exit_code, signal, host, summary, error"));
    const Run main = run({"--help"});
    QVERIFY(main.out.contains("--joblog"));
    QVERIFY(main.out.contains("'longrun history [options]'"));
}

void tst_LookBack::exportCsv()
{
    const Run r = run({"export", "--format", "csv", "--data-dir", m_data, "--kind", "command"});
    QCOMPARE(r.status, 0);
    // The times and runtime as the history holds them (its JSON lines), the rest known.
    const auto line = [this](int index, const QString &rest) {
        const QJsonObject job = m_jobs.at(index);
        return QStringLiteral("%1,1,%1,command,%2,%3,%4,%5,%6,%7\r\n")
            .arg(job.value("id").toInt())
            .arg(rest.section(u'|', 0, 0), job.value("added").toString(),
                 job.value("started").toString(), job.value("finished").toString(),
                 QString::number(job.value("runtime").toDouble(), 'g',
                                 QLocale::FloatingPointShortest),
                 rest.section(u'|', 1));
    };
    const QString host = m_jobs.at(3).value("host").toString();
    const QString expected =
        QStringLiteral("id,run,seq,kind,command,state,attempts,added,started,finished,runtime,"
                       "exit_code,signal,host,summary,error\r\n")
        + line(2, QStringLiteral("sh -c 'kill -9 $$',failed,1|,9,%1,,command 'sh' was killed "
                                 "by signal SIGKILL (Killed)")
                      .arg(host))
        + line(3, QStringLiteral("sh -c 'exit 3',failed,1|3,,%1,,command 'sh' exited with code 3")
                      .arg(host));
    QCOMPARE(QString::fromUtf8(r.out), expected);
    QCOMPARE(r.err, QStringLiteral("longrun: exported 2 jobs: id, run, seq, kind, command, state, "
                                   "attempts, added, started, finished, runtime, exit_code, "
                                   "signal, host, summary, error (no logs, no stderr tails, no "
                                   "result values)\n"));
}

void tst_LookBack::exportJson()
{
    const Run r = run({"export", "--format", "json", "--data-dir", m_data});
    QCOMPARE(r.status, 0);
    QJsonParseError error;
    const QJsonArray jobs = QJsonDocument::fromJson(r.out, &error).array();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(jobs.size(), 4);
    const QStringList fields{"id",       "run",   "seq",     "kind",     "command", "state",
                             "attempts", "added", "started", "finished", "runtime", "exit_code",
                             "signal",   "host",  "summary", "error"};
    for (qsizetype i = 0; i < jobs.size(); ++i) {
        const QJsonObject job = jobs.at(i).toObject();
        QStringList keys = job.keys();
        QStringList sorted = fields;
        keys.sort();
        sorted.sort();
        QCOMPARE(keys, sorted); // nothing else: no params, no stderr, no log
        for (const QString &field : fields)
            QCOMPARE(job.value(field), m_jobs.at(i).value(field));
    }
    QCOMPARE(jobs.at(3).toObject().value("exit_code").toInt(), 3);
    QCOMPARE(jobs.at(2).toObject().value("signal").toInt(), SIGKILL);
}

void tst_LookBack::exportToANewFile()
{
    const QString path = m_dir.filePath("export.csv");
    const Run r = run({"export", "--format", "csv", "--data-dir", m_data, "--output", path});
    QCOMPARE(r.status, 0);
    QCOMPARE(r.out, QByteArray());
    QVERIFY(
        r.err.startsWith(QStringLiteral("longrun: exported 4 jobs to '%1': id, run,").arg(path)));
    const Run stdoutExport = run({"export", "--format", "csv", "--data-dir", m_data});
    QCOMPARE(readAll(path), stdoutExport.out);
    struct stat st = {};
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
    QCOMPARE(st.st_mode & 07777, 0600u);
}

void tst_LookBack::exportRefusesAnExistingFile()
{
    const QString path = m_dir.filePath("existing.csv");
    QVERIFY(test::writeFile(path, "mine\n"));
    const Run r = run({"export", "--format", "csv", "--data-dir", m_data, "-o", path});
    QCOMPARE(r.status, 1);
    QCOMPARE(r.err, QStringLiteral("longrun: '%1' already exists: export writes a new file only, "
                                   "never over a file or through a link (pick another name)\n")
                        .arg(path));
    QCOMPARE(readAll(path), QByteArray("mine\n"));
}

void tst_LookBack::exportRefusesAPlantedSymlink()
{
    const QString victim = m_dir.filePath("victim");
    const QString link = m_dir.filePath("planted.json");
    QVERIFY(test::writeFile(victim, "precious\n"));
    QVERIFY(QFile::link(victim, link));
    const Run r = run({"export", "--format", "json", "--data-dir", m_data, "--output", link});
    QCOMPARE(r.status, 1);
    QVERIFY2(r.err.contains("already exists"), qPrintable(r.err));
    QCOMPARE(readAll(victim), QByteArray("precious\n"));
    QVERIFY(QFileInfo(link).isSymLink());
    // A dangling link is no way in either.
    const QString dangling = m_dir.filePath("dangling.json");
    const QString target = m_dir.filePath("not-there");
    QVERIFY(QFile::link(target, dangling));
    QCOMPARE(run({"export", "--format", "json", "--data-dir", m_data, "-o", dangling}).status, 1);
    QVERIFY(!QFileInfo::exists(target));
}

// More jobs than two of the export's pages: every one, once, newest first; the history shows
// its default 50 and says how many more match. The 1001 jobs are stored by this process through
// the real HistoryStore into a real file (one transaction, well under a second), not run through
// 1001 workers: that costs 30 s and more in a TSan build on a busy machine, and the paging is
// what is tested here.
void tst_LookBack::exportPagesThroughEverything()
{
    const QString data = m_dir.filePath("many");
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(data, QStringLiteral("cli")));
        QList<StoreEvent> events;
        const qint64 at = QDateTime::currentMSecsSinceEpoch();
        for (int seq = 1; seq <= 1001; ++seq) {
            StoreEvent addedEvent;
            addedEvent.type = StoreEvent::Type::Added;
            addedEvent.seq = seq;
            addedEvent.spec = JobSpec{"primes", {{"limit", {QStringLiteral("2")}}}};
            addedEvent.at = at;
            StoreEvent startedEvent;
            startedEvent.type = StoreEvent::Type::Started;
            startedEvent.seq = seq;
            startedEvent.attempt = 1;
            startedEvent.at = at;
            StoreEvent finishedEvent = startedEvent;
            finishedEvent.type = StoreEvent::Type::Finished;
            finishedEvent.state = State::Succeeded;
            finishedEvent.summary = QStringLiteral("1 prime up to 2");
            events << addedEvent << startedEvent << finishedEvent;
        }
        store.recordAll(events);
        QVERIFY(store.flush(test::kHangMs));
    }
    const Run r = run({"export", "--format", "csv", "--data-dir", data});
    QCOMPARE(r.status, 0);
    QList<QByteArray> lines = r.out.split('\n');
    QCOMPARE(lines.takeLast(), QByteArray());
    QCOMPARE(lines.size(), 1002);
    for (int i = 1; i < lines.size(); ++i)
        QCOMPARE(lines.at(i).left(lines.at(i).indexOf(',')).toInt(), 1002 - i);
    QVERIFY(r.err.startsWith("longrun: exported 1001 jobs: "));
    const Run shown = run({"history", "--data-dir", data});
    QCOMPARE(ids(shown).size(), 50);
    QCOMPARE(ids(shown).first(), 1001);
    QVERIFY(shown.out.endsWith("\n951 more: --limit/--since to see them\n"));
}

void tst_LookBack::joblogColumns()
{
    const QByteArray log = readAll(m_joblog);
    QList<QByteArray> lines = log.split('\n');
    QCOMPARE(lines.takeLast(), QByteArray()); // every line ends
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines.at(0), QByteArray("Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\t"
                                     "Signal\tCommand"));
    const QList<QList<QByteArray>> expected{
        {"1", ":", "", "", "0", "0", "3", "0", "sh -c 'exit 3'"},
        {"2", ":", "", "", "0", "0", "0", "9", "sh -c 'kill -9 $$'"},
        {"3", ":", "", "", "0", "0", "0", "0", "primes: limit=1000"},
    };
    static const QRegularExpression start(QStringLiteral("^\\d{10}\\.\\d{3}$"));
    static const QRegularExpression runtime(QStringLiteral("^ *\\d+\\.\\d{3}$"));
    for (int i = 0; i < 3; ++i) {
        QList<QByteArray> fields = lines.at(i + 1).split('\t');
        QCOMPARE(fields.size(), 9);
        QVERIFY2(start.match(QString::fromLatin1(fields.at(2))).hasMatch(), fields.at(2));
        // parallel's "%10.3f"
        QCOMPARE(fields.at(3).size(), 10);
        QVERIFY2(runtime.match(QString::fromLatin1(fields.at(3))).hasMatch(), fields.at(3));
        const double began = fields.at(2).toDouble();
        QVERIFY(qAbs(began - static_cast<double>(QDateTime::currentSecsSinceEpoch())) < 3600);
        fields[2].clear();
        fields[3].clear();
        QCOMPARE(fields, expected.at(i));
    }
}

void tst_LookBack::joblogAppendsWithOneHeader()
{
    const QString path = m_dir.filePath("append.log");
    const QStringList args{"--headless", "--no-history", "--joblog", path, "primes:limit=10"};
    QCOMPARE(run(args).status, 0);
    QCOMPARE(run(args).status, 0);
    struct stat st = {};
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
    QCOMPARE(st.st_mode & 07777, 0600u);
    const QList<QByteArray> lines = readAll(path).split('\n');
    QCOMPARE(lines.size(), 4); // a header, two lines, the end
    QVERIFY(lines.at(0).startsWith("Seq\t"));
    QVERIFY(lines.at(1).startsWith("1\t:\t"));
    QVERIFY(lines.at(2).startsWith("1\t:\t"));
    QVERIFY(lines.at(2).endsWith("\t0\t0\t0\t0\tprimes: limit=10"));
    // An empty file of ours gets the header; parallel's +FILE is the same file.
    const QString empty = m_dir.filePath("empty.log");
    QVERIFY(test::writeFile(empty, {}));
    QCOMPARE(run({"--headless", "--no-history", "--joblog", "+" + empty, "primes:limit=10"}).status,
             0);
    QVERIFY(readAll(empty).startsWith("Seq\tHost\t"));
    QCOMPARE(readAll(empty).count('\n'), 2);
}

void tst_LookBack::joblogLineForEachAttempt()
{
    const QString path = m_dir.filePath("retries.log");
    const Run r = run({"--headless", "--no-history", "--retries", "1", "--joblog", path,
                       "command:argv=sh -c 'printf \"a\\tb\"; exit 3'"});
    QCOMPARE(r.status, 1);
    const QList<QByteArray> lines = readAll(path).split('\n');
    QCOMPARE(lines.size(), 4);
    for (int i = 1; i <= 2; ++i) {
        const QList<QByteArray> fields = lines.at(i).split('\t');
        QCOMPARE(fields.size(), 9);
        QCOMPARE(fields.at(0), QByteArray("1"));
        QCOMPARE(fields.at(6), QByteArray("3"));
        QCOMPARE(fields.at(8), QByteArray("sh -c 'printf \"a\\tb\"; exit 3'"));
    }
}

// A joblog that cannot take more (a file size limit of 512 bytes, its signal ignored): said once
// on stderr, and every job still runs.
void tst_LookBack::joblogWriteErrorIsSaidOnce()
{
    const QString path = m_dir.filePath("full.log");
    QProcess process;
    process.start("sh",
                  {"-c", "ulimit -f 1; trap '' XFSZ; exec \"$0\" \"$@\"",
                   qEnvironmentVariable("LONGRUN_APP"), "--headless", "--json", "--no-history",
                   "--concurrency", "1", "--repeat", "20", "--joblog", path, "primes:limit=10"});
    process.closeWriteChannel();
    QVERIFY(process.waitForFinished(test::kHangMs));
    QCOMPARE(process.exitCode(), 0);
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QCOMPARE(err, QStringLiteral("longrun: cannot write to the joblog '%1' (File too large); the "
                                 "jobs go on\n")
                      .arg(path));
    int succeeded = 0;
    for (const QJsonObject &event : jsonLines(process.readAllStandardOutput()))
        succeeded += event.value("event") == "finished" && event.value("state") == "succeeded";
    QCOMPARE(succeeded, 20);
    const QByteArray log = readAll(path);
    QCOMPARE(log.size(), 512);
    QVERIFY(log.startsWith("Seq\tHost\t"));
}

void tst_LookBack::joblogRefusesASymlink()
{
    const QString victim = m_dir.filePath("joblog-victim");
    const QString link = m_dir.filePath("joblog-link");
    QVERIFY(test::writeFile(victim, "precious\n"));
    QVERIFY(QFile::link(victim, link));
    const Run r = run({"--headless", "--json", "--no-history", "--joblog", link,
                       "command:argv=touch " + m_dir.filePath("ran")});
    QCOMPARE(r.status, 2);
    QVERIFY2(r.err.contains(QStringLiteral("--joblog '%1' is a symlink: refused").arg(link)),
             qPrintable(r.err));
    QCOMPARE(readAll(victim), QByteArray("precious\n"));
    // Refused before any job started.
    QVERIFY(!QFileInfo::exists(m_dir.filePath("ran")));
    QCOMPARE(r.out, QByteArray());
}

void tst_LookBack::joblogRefusesWhatIsNotAFile()
{
    const Run r = run({"--headless", "--no-history", "--joblog", m_dir.path(), "primes:limit=10"});
    QCOMPARE(r.status, 2);
    QVERIFY2(r.err.contains(
                 QStringLiteral("--joblog '%1' is refused: not a regular file").arg(m_dir.path())),
             qPrintable(r.err));
    const QString fifo = m_dir.filePath("fifo");
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const Run f = run({"--headless", "--no-history", "--joblog", fifo, "primes:limit=10"});
    QCOMPARE(f.status, 2);
    QVERIFY2(f.err.contains(QStringLiteral("--joblog '%1'").arg(fifo)), qPrintable(f.err));
}

QTEST_GUILESS_MAIN(tst_LookBack)
#include "tst_lookback.moc"
