// The history store, against real SQLite files in real folders, and a real process killed with
// SIGKILL in the middle of its jobs (this test binary run again with --hold).

#include "procutil.h"
#include "store/datadir.h"
#include "store/historyreader.h"
#include "store/historystore.h"
#include "store/jobexport.h"
#include "store/schema.h"

#include <QtCore/QBuffer>
#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <csignal>
#include <cstdio>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace longrun;

namespace {

JobSpec primes(int limit)
{
    return JobSpec{QStringLiteral("primes"), {{QStringLiteral("limit"), {QString::number(limit)}}}};
}

StoreEvent added(int seq, const JobSpec &spec)
{
    StoreEvent e;
    e.type = StoreEvent::Type::Added;
    e.seq = seq;
    e.spec = spec;
    e.at = QDateTime::currentMSecsSinceEpoch();
    return e;
}

StoreEvent started(int seq, int attempt = 1)
{
    StoreEvent e;
    e.type = StoreEvent::Type::Started;
    e.seq = seq;
    e.attempt = attempt;
    e.at = QDateTime::currentMSecsSinceEpoch();
    return e;
}

StoreEvent finished(int seq, State state, const QString &text, int attempt = 1)
{
    StoreEvent e;
    e.type = StoreEvent::Type::Finished;
    e.seq = seq;
    e.attempt = attempt;
    e.state = state;
    e.at = QDateTime::currentMSecsSinceEpoch();
    if (state == State::Succeeded) {
        e.summary = text;
        e.values = {{QStringLiteral("count"), 25}};
    } else {
        e.error = text;
    }
    return e;
}

// Reads one value with a connection of the test's own (a second reader, like the sqlite3 shell).
QVariant scalar(const QString &dir, const QString &sql)
{
    const QString name = QStringLiteral("tst-%1").arg(QDateTime::currentMSecsSinceEpoch());
    QVariant value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(QDir(dir).filePath(QStringLiteral("history.db")));
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(sql) && query.next())
                value = query.value(0);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return value;
}

int modeOf(const QString &path)
{
    struct stat info = {};
    return ::lstat(QFile::encodeName(path).constData(), &info) == 0
               ? static_cast<int>(info.st_mode & 07777)
               : -1;
}

// --hold DIR N: opens the history in DIR, stores N jobs, starts them all, says "ready" and
// waits to be killed.
int hold(const QString &dir, int count)
{
    HistoryStore store;
    if (!store.openAndWait(dir, QStringLiteral("cli")))
        return 3;
    for (int seq = 1; seq <= count; ++seq)
        store.record(added(seq, primes(1000 * seq)));
    for (int seq = 1; seq <= count / 2; ++seq)
        store.record(started(seq));
    store.flush(longrun::test::kHangMs);
    std::printf("ready %lld\n", static_cast<long long>(store.runId()));
    std::fflush(stdout);
    for (;;)
        ::pause();
}

} // namespace

class tst_HistoryStore : public QObject
{
    Q_OBJECT

private slots:
    void createsSchemaPrivately();
    void roundTrip();
    void exitStatusPerAttempt();
    void migratesFromVersion1();
    void idsAreNeverReused();
    void pagesThroughAnyIds();
    void queriesPageAndFilter();
    void exportsCsvAndJson();
    void thenRunsAfterCommit();
    void killedRunIsInterrupted();
    void resumeSelection();
    void emptyRunIsNotTheLast();
    void damagedFileIsSetAside_data();
    void damagedFileIsSetAside();
    void newerSchemaIsRefused();
    void unsafeFolderIsRefused_data();
    void unsafeFolderIsRefused();
    void plantedLinkIsRefused();
    void fullDiskTurnsHistoryOff();
    void twoStoresShareOneFile();
    void noHistoryStillAnswers();
    void retentionDeletesOldJobsAndTheirFiles();
    void retentionKeepsTheNewestJobs();
};

void tst_HistoryStore::createsSchemaPrivately()
{
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("a/b/longrun"));
    const mode_t old = ::umask(0);
    HistoryStore store;
    const bool on = store.openAndWait(dir, QStringLiteral("cli"));
    ::umask(old);
    QVERIFY(on);
    QVERIFY(store.runId() > 0);
    QCOMPARE(modeOf(dir), 0700);
    QCOMPARE(modeOf(tmp.filePath(QStringLiteral("a"))), 0700);
    QCOMPARE(modeOf(QDir(dir).filePath(QStringLiteral("history.db"))), 0600);
    store.record(added(1, primes(10)));
    QVERIFY(store.flush(test::kHangMs));
    QCOMPARE(scalar(dir, QStringLiteral("PRAGMA user_version")).toInt(), store::kSchemaVersion);
    QCOMPARE(scalar(dir, QStringLiteral("PRAGMA journal_mode")).toString(), u"wal");
    // SQLite gives its WAL the database's mode.
    QCOMPARE(modeOf(QDir(dir).filePath(QStringLiteral("history.db-wal"))), 0600);
}

// A file a longrun of schema 1 wrote: its jobs stay, readable, and the new columns are there.
void tst_HistoryStore::migratesFromVersion1()
{
    QTemporaryDir tmp;
    QVERIFY(QDir().mkpath(tmp.path()));
    QVERIFY(::chmod(QFile::encodeName(tmp.path()).constData(), 0700) == 0);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), "v1");
        db.setDatabaseName(QDir(tmp.path()).filePath(QStringLiteral("history.db")));
        QVERIFY(db.open());
        QString error;
        QVERIFY2(store::migrate(db, &error, 1), qPrintable(error));
        QCOMPARE(store::schemaVersion(db), 1);
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral(
            "INSERT INTO runs (id, started_at, last_seen, finished_at, origin, host, owner_pid,"
            " owner_start) VALUES (7, 1000, 2000, 2000, 'cli', 'old-host', 1, 'x')")));
        QVERIFY(query.exec(QStringLiteral(
            "INSERT INTO jobs (id, run_id, seq, kind, params, state, attempts, added_at,"
            " finished_at, summary) VALUES (1, 7, 1, 'primes',"
            " '[{\"key\":\"limit\",\"values\":[\"100\"],\"list\":false}]',"
            " 'succeeded', 1, 1000, 2000, '25 primes up to 100')")));
        QVERIFY(query.exec(QStringLiteral(
            "INSERT INTO attempts (job_id, attempt, started_at, finished_at, state, host)"
            " VALUES (1, 1, 1000, 2000, 'succeeded', 'old-host')")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("v1"));
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("cli")));
        QVERIFY(store.runId() > 7);
    }
    QCOMPARE(scalar(tmp.path(), QStringLiteral("PRAGMA user_version")).toInt(),
             store::kSchemaVersion);
    QVERIFY(scalar(tmp.path(), QStringLiteral("SELECT exit_code FROM attempts WHERE job_id = 1"))
                .isNull());
    QCOMPARE(scalar(tmp.path(), QStringLiteral("SELECT count(*) FROM attempts WHERE job_id = 1"
                                               " AND signal IS NULL AND log_path IS NULL"))
                 .toInt(),
             1);
    // Rebuilt with AUTOINCREMENT (schema 3), the rows and their ids kept, the counters past them.
    QVERIFY(scalar(tmp.path(), QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 'jobs'"))
                .toString()
                .contains(u"AUTOINCREMENT"));
    QCOMPARE(
        scalar(tmp.path(), QStringLiteral("SELECT seq FROM sqlite_sequence WHERE name = 'jobs'"))
            .toInt(),
        1);
    QCOMPARE(scalar(tmp.path(), QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type ="
                                               " 'index' AND name LIKE 'jobs_by_%'"))
                 .toInt(),
             5);
    HistoryReader reader;
    QString error;
    QVERIFY2(reader.open(tmp.path(), &error), qPrintable(error));
    const QList<StoredJob> jobs = reader.jobsOfRun(7);
    QCOMPARE(jobs.size(), 1);
    QCOMPARE(jobs.first().spec, primes(100));
    QCOMPARE(jobs.first().summary, u"25 primes up to 100");
}

// Deleting the newest jobs (their run, from another run) frees no id: the next jobs and runs
// get new ones, so `longrun log ID` and an export's ids always mean the job they meant.
void tst_HistoryStore::idsAreNeverReused()
{
    QTemporaryDir tmp;
    qint64 firstRun = 0;
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("cli")));
        firstRun = store.runId();
        for (int seq = 1; seq <= 3; ++seq) {
            store.record(added(seq, primes(seq + 10)));
            store.record(started(seq));
            store.record(finished(seq, State::Succeeded, QStringLiteral("done")));
        }
        QVERIFY(store.flush(test::kHangMs));
    }
    QCOMPARE(scalar(tmp.path(), QStringLiteral("SELECT max(id) FROM jobs")).toInt(), 3);
    qint64 secondRun = 0;
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("window")));
        secondRun = store.runId();
        StoreEvent drop;
        drop.type = StoreEvent::Type::DeletedRun;
        drop.runId = firstRun;
        store.record(drop);
        QVERIFY(store.flush(test::kHangMs));
        QCOMPARE(scalar(tmp.path(), QStringLiteral("SELECT count(*) FROM jobs")).toInt(), 0);
        store.record(added(1, primes(50)));
        QVERIFY(store.flush(test::kHangMs));
    }
    QCOMPARE(scalar(tmp.path(), QStringLiteral("SELECT id FROM jobs")).toInt(), 4);
    // The second run, the newest, goes too; the third is not given its id.
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("cli")));
        StoreEvent drop;
        drop.type = StoreEvent::Type::DeletedRun;
        drop.runId = secondRun;
        store.record(drop);
        QVERIFY(store.flush(test::kHangMs));
        QVERIFY(store.runId() > secondRun);
    }
    QCOMPARE(scalar(tmp.path(),
                    QStringLiteral("SELECT count(*) FROM runs WHERE id <= %1").arg(secondRun))
                 .toInt(),
             0);
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("cli")));
        QVERIFY(store.runId() > secondRun + 1);
        store.record(added(1, primes(60)));
        QVERIFY(store.flush(test::kHangMs));
    }
    QCOMPARE(scalar(tmp.path(), QStringLiteral("SELECT max(id) FROM jobs")).toInt(), 5);
}

// A file edited by hand may give jobs the id 0 or negative ids: paging still sees each job
// once, newest first, and ends (0 is an id like any other, not "from the newest").
void tst_HistoryStore::pagesThroughAnyIds()
{
    QTemporaryDir tmp;
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("cli")));
        for (int seq = 1; seq <= 4; ++seq)
            store.record(added(seq, primes(seq + 10)));
        QVERIFY(store.flush(test::kHangMs));
    }
    for (const auto &[from, to] : {std::pair{1, 0}, std::pair{2, -7}, std::pair{3, -2}}) {
        QVERIFY(
            scalar(tmp.path(), QStringLiteral("UPDATE jobs SET id = %1 WHERE id = %2 RETURNING id")
                                   .arg(to)
                                   .arg(from))
                .isValid());
    }
    HistoryReader reader;
    QString error;
    QVERIFY2(reader.open(tmp.path(), &error), qPrintable(error));
    JobQuery query;
    query.limit = 1;
    QList<qint64> seen;
    for (int page = 0; page < 10; ++page) {
        const QList<StoredJob> jobs = reader.jobs(query);
        if (jobs.isEmpty())
            break;
        seen << jobs.first().id;
        query.beforeId = jobs.first().id;
    }
    QCOMPARE(seen, (QList<qint64>{4, 0, -2, -7}));
}

// Newest first, pages that neither skip nor repeat a job, filters that combine.
void tst_HistoryStore::queriesPageAndFilter()
{
    QTemporaryDir tmp;
    qint64 run = 0;
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("cli")));
        run = store.runId();
        for (int seq = 1; seq <= 25; ++seq) {
            store.record(
                added(seq, seq % 5 == 0 ? JobSpec{QStringLiteral("sleep"), {}} : primes(seq)));
            store.record(started(seq));
            store.record(finished(seq, seq % 2 ? State::Succeeded : State::Failed,
                                  seq == 7 ? QStringLiteral("100%_done") : QStringLiteral("x")));
        }
    }
    HistoryReader reader;
    QString error;
    QVERIFY2(reader.open(tmp.path(), &error), qPrintable(error));
    JobQuery query;
    query.limit = 10;
    QList<int> seen;
    for (;;) {
        const QList<StoredJob> page = reader.jobs(query);
        for (const StoredJob &job : page)
            seen << job.seq;
        if (page.size() < query.limit)
            break;
        query.beforeId = page.last().id;
    }
    QList<int> expected;
    for (int seq = 25; seq >= 1; --seq)
        expected << seq;
    QCOMPARE(seen, expected);
    QCOMPARE(reader.count(query), 25);
    QCOMPARE(reader.kinds(), (QStringList{QStringLiteral("primes"), QStringLiteral("sleep")}));

    JobQuery filtered;
    filtered.kind = QStringLiteral("sleep");
    filtered.states = {QStringLiteral("failed")};
    filtered.runId = run;
    QList<int> sleeps;
    for (const StoredJob &job : reader.jobs(filtered))
        sleeps << job.seq;
    QCOMPARE(sleeps, (QList<int>{20, 10}));
    QCOMPARE(reader.count(filtered), 2);
    // The text is matched as it is: '%' and '_' are not wildcards.
    JobQuery text;
    text.text = QStringLiteral("0%_D");
    const QList<StoredJob> found = reader.jobs(text);
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.first().seq, 7);
    QVERIFY(found.first().startedAt > 0);
    QVERIFY(!found.first().host.isEmpty());
    text.text = QStringLiteral("0%%");
    QCOMPARE(reader.count(text), 0);
    JobQuery later;
    later.since = QDateTime::currentMSecsSinceEpoch() + 60000;
    QCOMPARE(reader.count(later), 0);
    QVERIFY(reader.job(found.first().id).has_value());
    QCOMPARE(reader.job(found.first().id)->seq, 7);
    QVERIFY(!reader.job(99999).has_value());
}

void tst_HistoryStore::exportsCsvAndJson()
{
    StoredJob job;
    job.id = 3;
    job.runId = 2;
    job.seq = 1;
    job.spec =
        JobSpec{QStringLiteral("command"),
                {{QStringLiteral("argv"),
                  {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo \"a, b\"")},
                  true}}};
    job.state = QStringLiteral("failed");
    job.attempts = 1;
    job.addedAt = 1000;
    job.startedAt = 1500;
    job.finishedAt = 4000;
    job.exitCode = 3;
    job.error = QStringLiteral("=HYPERLINK(\"x\")\nline 2");
    job.host = QStringLiteral("h");
    QByteArray csv;
    {
        QBuffer buffer(&csv);
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        ExportWriter writer(buffer, ExportFormat::Csv);
        writer.begin();
        writer.add(job);
        QVERIFY(writer.end());
    }
    const QList<QByteArray> lines = csv.split('\n');
    QCOMPARE(lines.first(), QByteArray("id,run,seq,kind,command,state,attempts,added,started,"
                                       "finished,runtime,exit_code,signal,host,summary,error\r"));
    QCOMPARE(
        csv.mid(lines.first().size() + 1),
        QByteArray("3,2,1,command,\"sh -c 'echo \"\"a, b\"\"'\",failed,1,"
                   "1970-01-01T00:00:01.000Z,1970-01-01T00:00:01.500Z,"
                   "1970-01-01T00:00:04.000Z,2.5,3,,h,,\"'=HYPERLINK(\"\"x\"\")\nline 2\"\r\n"));
    QByteArray json;
    {
        QBuffer buffer(&json);
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        ExportWriter writer(buffer, ExportFormat::Json);
        writer.begin();
        writer.add(job);
        writer.add(job);
        QVERIFY(writer.end());
    }
    const QJsonArray array = QJsonDocument::fromJson(json).array();
    QCOMPARE(array.size(), 2);
    const QJsonObject first = array.first().toObject();
    QCOMPARE(first.keys().size(), exportFields().size());
    QCOMPARE(first.value(u"command").toString(), u"sh -c 'echo \"a, b\"'");
    QCOMPARE(first.value(u"exit_code").toInt(), 3);
    QVERIFY(first.value(u"signal").isNull());
    QCOMPARE(first.value(u"error").toString(), job.error);
    QCOMPARE(first.value(u"runtime").toDouble(), 2.5);
    // An empty export is still a document.
    QByteArray none;
    QBuffer buffer(&none);
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    ExportWriter empty(buffer, ExportFormat::Json);
    empty.begin();
    QVERIFY(empty.end());
    QCOMPARE(QJsonDocument::fromJson(none).array().size(), 0);
}

void tst_HistoryStore::roundTrip()
{
    QTemporaryDir tmp;
    qint64 run = 0;
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("cli")));
        run = store.runId();
        const JobSpec command{
            QStringLiteral("command"),
            {{QStringLiteral("argv"),
              {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo 'a, b'")},
              true}}};
        store.record(added(1, primes(100)));
        store.record(added(2, command));
        store.record(started(1));
        store.record(started(2));
        store.record(finished(1, State::Succeeded, QStringLiteral("25 primes up to 100")));
        store.record(finished(2, State::Failed, QStringLiteral("exit code 3")));
    }
    HistoryReader reader;
    QString error;
    QVERIFY2(reader.open(tmp.path(), &error), qPrintable(error));
    QCOMPARE(reader.lastRun(), std::optional<qint64>(run));
    const QList<StoredJob> jobs = reader.jobsOfRun(run);
    QCOMPARE(jobs.size(), 2);
    QCOMPARE(jobs.at(0).spec, primes(100));
    QCOMPARE(jobs.at(0).state, u"succeeded");
    QCOMPARE(jobs.at(0).summary, u"25 primes up to 100");
    QCOMPARE(
        jobs.at(1).spec.params.first().values,
        (QStringList{QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo 'a, b'")}));
    QVERIFY(jobs.at(1).spec.params.first().isList);
    QCOMPARE(jobs.at(1).state, u"failed");
    QCOMPARE(jobs.at(1).error, u"exit code 3");
    QCOMPARE(jobs.at(1).attempts, 1);
    QVERIFY(jobs.at(1).finishedAt >= jobs.at(1).addedAt);
    QCOMPARE(reader.skipped(), 0);
    // A clean close ends the run.
    QVERIFY(!scalar(tmp.path(), QStringLiteral("SELECT finished_at FROM runs")).isNull());
}

// Each attempt keeps how it ended (attempts.exit_code, attempts.signal); a job shows its last.
void tst_HistoryStore::exitStatusPerAttempt()
{
    QTemporaryDir tmp;
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("cli")));
        store.record(added(1, primes(100)));
        store.record(added(2, primes(200)));
        store.record(started(1));
        StoreEvent three = finished(1, State::Failed, QStringLiteral("exited with code 3"));
        three.exitCode = 3;
        store.record(three);
        StoreEvent requeued;
        requeued.type = StoreEvent::Type::Requeued;
        requeued.seq = 1;
        requeued.attempt = 2;
        store.record(requeued);
        store.record(started(1, 2));
        StoreEvent killed = finished(1, State::Failed, QStringLiteral("killed"), 2);
        killed.signal = 9;
        store.record(killed);
        store.record(started(2));
        StoreEvent ok = finished(2, State::Succeeded, QStringLiteral("46 primes up to 200"));
        ok.exitCode = 0;
        store.record(ok);
    }
    const auto attemptColumn = [&tmp](const char *column, int seq, int attempt) {
        return scalar(tmp.path(), QStringLiteral("SELECT %1 FROM attempts JOIN jobs ON jobs.id ="
                                                 " attempts.job_id WHERE seq = %2 AND attempt = %3")
                                      .arg(QLatin1String(column))
                                      .arg(seq)
                                      .arg(attempt));
    };
    QCOMPARE(attemptColumn("exit_code", 1, 1), QVariant(3));
    QVERIFY(attemptColumn("signal", 1, 1).isNull());
    QVERIFY(attemptColumn("exit_code", 1, 2).isNull());
    QCOMPARE(attemptColumn("signal", 1, 2), QVariant(9));
    QCOMPARE(attemptColumn("exit_code", 2, 1), QVariant(0));
    HistoryReader reader;
    QString error;
    QVERIFY2(reader.open(tmp.path(), &error), qPrintable(error));
    const QList<StoredJob> jobs = reader.jobsOfRun(*reader.lastRun());
    QCOMPARE(jobs.size(), 2);
    QCOMPARE(jobs.at(0).attempts, 2);
    QCOMPARE(jobs.at(0).exitCode, std::nullopt);
    QCOMPARE(jobs.at(0).signal, std::optional<int>(9));
    QCOMPARE(jobs.at(1).exitCode, std::optional<int>(0));
    QCOMPARE(jobs.at(1).signal, std::nullopt);
}

// The promise: when `then` runs, another reader of the file already sees the terminal state.
void tst_HistoryStore::thenRunsAfterCommit()
{
    QTemporaryDir tmp;
    HistoryStore store;
    QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("window")));
    QStringList seen;
    for (int seq = 1; seq <= 50; ++seq) {
        store.record(added(seq, primes(seq)));
        store.record(started(seq));
        store.record(finished(seq, State::Succeeded, QStringLiteral("ok")), [&, seq] {
            seen << scalar(tmp.path(),
                           QStringLiteral("SELECT state FROM jobs WHERE seq = %1").arg(seq))
                        .toString();
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(seen.size(), 50, test::kHangMs);
    QCOMPARE(seen, QStringList(50, QStringLiteral("succeeded")));
}

void tst_HistoryStore::killedRunIsInterrupted()
{
    QTemporaryDir tmp;
    QProcess holder;
    holder.start(QCoreApplication::applicationFilePath(),
                 {QStringLiteral("--hold"), tmp.path(), QStringLiteral("6")});
    QVERIFY(holder.waitForStarted(test::kHangMs));
    QTRY_VERIFY_WITH_TIMEOUT(holder.canReadLine() || holder.waitForReadyRead(100), test::kHangMs);
    const QByteArray line = holder.readLine().trimmed();
    QVERIFY2(line.startsWith("ready "), line.constData());
    const qint64 run = line.mid(6).toLongLong();
    const qint64 lastSeen =
        scalar(tmp.path(), QStringLiteral("SELECT last_seen FROM runs WHERE id = %1").arg(run))
            .toLongLong();
    ::kill(static_cast<pid_t>(holder.processId()), SIGKILL);
    QVERIFY(holder.waitForFinished(test::kHangMs));

    HistoryStore store;
    QSignalSpy opened(&store, &HistoryStore::opened);
    QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("cli")));
    const QStringList notices = opened.at(0).at(2).toStringList();
    QCOMPARE(notices.size(), 1);
    QVERIFY2(notices.first().startsWith(
                 QStringLiteral("6 job(s) of run %1 were interrupted when longrun stopped at ")
                     .arg(run)),
             qPrintable(notices.first()));
    HistoryReader reader;
    QString error;
    QVERIFY(reader.open(tmp.path(), &error));
    const QList<StoredJob> jobs = reader.jobsOfRun(run);
    QCOMPARE(jobs.size(), 6);
    for (const StoredJob &job : jobs) {
        QCOMPARE(job.state, u"interrupted");
        QCOMPARE(job.finishedAt, lastSeen);
    }
    QCOMPARE(scalar(tmp.path(), QStringLiteral("SELECT count(*) FROM attempts WHERE state = "
                                               "'interrupted'"))
                 .toInt(),
             3);
    // A second open finds nothing more to mark.
    HistoryStore again;
    QSignalSpy openedAgain(&again, &HistoryStore::opened);
    QVERIFY(again.openAndWait(tmp.path(), QStringLiteral("cli")));
    QVERIFY(openedAgain.at(0).at(2).toStringList().isEmpty());
}

// A run killed before it stored its jobs (a --resume killed while it started) must not hide
// the run before it from the next --resume.
void tst_HistoryStore::emptyRunIsNotTheLast()
{
    QTemporaryDir tmp;
    qint64 withJobs = 0;
    for (const int count : {4, 0}) {
        QProcess holder;
        holder.start(QCoreApplication::applicationFilePath(),
                     {QStringLiteral("--hold"), tmp.path(), QString::number(count)});
        QVERIFY(holder.waitForStarted(test::kHangMs));
        QTRY_VERIFY_WITH_TIMEOUT(holder.canReadLine() || holder.waitForReadyRead(100),
                                 test::kHangMs);
        const QByteArray line = holder.readLine().trimmed();
        QVERIFY2(line.startsWith("ready "), line.constData());
        if (count > 0)
            withJobs = line.mid(6).toLongLong();
        ::kill(static_cast<pid_t>(holder.processId()), SIGKILL);
        QVERIFY(holder.waitForFinished(test::kHangMs));
    }
    HistoryStore store;
    QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("cli")));
    HistoryReader reader;
    QString error;
    QVERIFY(reader.open(tmp.path(), &error));
    QCOMPARE(reader.lastRun(store.runId()), std::optional<qint64>(withJobs));
    QCOMPARE(jobsToResume(reader.jobsOfRun(withJobs)).size(), 4);
}

void tst_HistoryStore::resumeSelection()
{
    QList<StoredJob> jobs;
    auto job = [&](const char *state, int attempts) {
        StoredJob j;
        j.seq = static_cast<int>(jobs.size()) + 1;
        j.state = QString::fromLatin1(state);
        j.attempts = attempts;
        jobs << j;
    };
    job("succeeded", 1);
    job("interrupted", 1);
    job("interrupted", 0);
    job("canceled", 0); // canceled while queued: never ran
    job("canceled", 1);
    job("failed", 2);
    job("timed_out", 1);
    QList<int> picked;
    for (const StoredJob &j : jobsToResume(jobs))
        picked << j.seq;
    QCOMPARE(picked, (QList<int>{2, 3, 4}));
}

void tst_HistoryStore::damagedFileIsSetAside_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("not a database") << QByteArray("this is not a database\n").repeated(100);
    QByteArray header("SQLite format 3");
    header.append('\0');
    QTest::newRow("header, then garbage") << header + QByteArray(8192, '\x5a');
}

void tst_HistoryStore::damagedFileIsSetAside()
{
    QFETCH(QByteArray, content);
    QTemporaryDir tmp;
    ::chmod(QFile::encodeName(tmp.path()).constData(), 0700);
    const QString path = tmp.filePath(QStringLiteral("history.db"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }
    HistoryStore store;
    QSignalSpy opened(&store, &HistoryStore::opened);
    QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("cli")));
    const QStringList notices = opened.at(0).at(2).toStringList();
    QCOMPARE(notices.size(), 1);
    QVERIFY2(
        notices.first().startsWith(QStringLiteral("the history file '%1' was damaged (").arg(path)),
        qPrintable(notices.first()));
    const QStringList aside = QDir(tmp.path()).entryList({QStringLiteral("history.db.damaged-*")});
    QCOMPARE(aside.size(), 1);
    QFile kept(tmp.filePath(aside.first()));
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), content);
    store.record(added(1, primes(5)));
    QVERIFY(store.flush(test::kHangMs));
    QCOMPARE(scalar(tmp.path(), QStringLiteral("SELECT count(*) FROM jobs")).toInt(), 1);
}

void tst_HistoryStore::newerSchemaIsRefused()
{
    QTemporaryDir tmp;
    ::chmod(QFile::encodeName(tmp.path()).constData(), 0700);
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("cli")));
    }
    QVERIFY(!scalar(tmp.path(), QStringLiteral("PRAGMA user_version = 99")).isValid());
    QCOMPARE(scalar(tmp.path(), QStringLiteral("PRAGMA user_version")).toInt(), 99);
    HistoryStore store;
    QSignalSpy opened(&store, &HistoryStore::opened);
    QVERIFY(!store.openAndWait(tmp.path(), QStringLiteral("cli")));
    QCOMPARE(opened.at(0).at(1).toString(),
             QStringLiteral("history is off: the history was written by a newer longrun "
                            "(schema 99; this one knows up to %1)")
                 .arg(store::kSchemaVersion));
    // Refused, not replaced: the newer file is still there, untouched.
    QCOMPARE(scalar(tmp.path(), QStringLiteral("PRAGMA user_version")).toInt(), 99);
}

void tst_HistoryStore::unsafeFolderIsRefused_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<QString>("reason");
    QTest::newRow("world-writable") << "chmod-777"
                                    << "group or others can write to it (mode 0777";
    QTest::newRow("group-writable") << "chmod-770"
                                    << "group or others can write to it (mode 0770";
    QTest::newRow("symlink") << "symlink"
                             << "it is a symbolic link";
    QTest::newRow("a file") << "file"
                            << "it is not a folder";
    QTest::newRow("another user's") << "chown"
                                    << "it belongs to another user (uid 65534)";
}

void tst_HistoryStore::unsafeFolderIsRefused()
{
    QFETCH(QString, what);
    QFETCH(QString, reason);
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("data"));
    const QByteArray native = QFile::encodeName(dir);
    if (what.startsWith(u"chmod") || what == u"chown") {
        QVERIFY(QDir().mkdir(dir));
        if (what == u"chown") {
            if (::geteuid() != 0)
                QSKIP("needs root to give the folder to another user");
            QCOMPARE(::chown(native.constData(), 65534, 65534), 0);
            QCOMPARE(::chmod(native.constData(), 0700), 0);
        } else {
            QCOMPARE(::chmod(native.constData(), what.endsWith(u"777") ? 0777 : 0770), 0);
        }
    } else if (what == u"symlink") {
        QVERIFY(QDir().mkdir(tmp.filePath(QStringLiteral("elsewhere"))));
        QVERIFY(QFile::link(tmp.filePath(QStringLiteral("elsewhere")), dir));
    } else {
        QFile file(dir);
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    QString error;
    QVERIFY(!prepareDataDirectory(dir, &error));
    QVERIFY2(error.startsWith(QStringLiteral("refusing the data folder '%1': %2").arg(dir, reason)),
             qPrintable(error));
    HistoryStore store;
    QSignalSpy opened(&store, &HistoryStore::opened);
    QVERIFY(!store.openAndWait(dir, QStringLiteral("cli")));
    QCOMPARE(opened.at(0).at(1).toString(), QStringLiteral("history is off: ") + error);
    QVERIFY(!QFileInfo::exists(tmp.filePath(QStringLiteral("elsewhere/history.db"))));
}

void tst_HistoryStore::plantedLinkIsRefused()
{
    QTemporaryDir tmp;
    ::chmod(QFile::encodeName(tmp.path()).constData(), 0700);
    const QString victim = tmp.filePath(QStringLiteral("victim.txt"));
    {
        QFile file(victim);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("precious\n");
    }
    const QString data = tmp.filePath(QStringLiteral("data"));
    QVERIFY(QDir().mkdir(data));
    ::chmod(QFile::encodeName(data).constData(), 0700);
    QVERIFY(QFile::link(victim, QDir(data).filePath(QStringLiteral("history.db"))));
    HistoryStore store;
    QSignalSpy opened(&store, &HistoryStore::opened);
    QVERIFY(!store.openAndWait(data, QStringLiteral("cli")));
    QCOMPARE(opened.at(0).at(1).toString(),
             QStringLiteral("history is off: refusing '%1/history.db': it is not a regular file")
                 .arg(data));
    QFile file(victim);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("precious\n"));
}

// A real, tiny filesystem that fills up: the history goes off with the reason, once, and every
// `then` still runs in order, so the engine carries on.
void tst_HistoryStore::fullDiskTurnsHistoryOff()
{
    if (::geteuid() != 0)
        QSKIP("needs root to mount a tiny tmpfs");
    QTemporaryDir tmp;
    const QByteArray mountPoint = QFile::encodeName(tmp.path());
    if (::mount("tmpfs", mountPoint.constData(), "tmpfs", 0, "size=160k,mode=0700") != 0)
        QSKIP("cannot mount a tmpfs here");
    const auto unmount = qScopeGuard([&] { ::umount2(mountPoint.constData(), MNT_DETACH); });
    QList<int> order;
    {
        HistoryStore store;
        QSignalSpy failed(&store, &HistoryStore::failed);
        QVERIFY(store.openAndWait(tmp.path(), QStringLiteral("cli")));
        const QString big(4000, QLatin1Char('x'));
        for (int seq = 1; seq <= 400; ++seq) {
            JobSpec spec{QStringLiteral("checksum"), {{QStringLiteral("path"), {big}}}};
            store.record(added(seq, spec), [&order, seq] { order << seq; });
        }
        QTRY_COMPARE_WITH_TIMEOUT(order.size(), 400, test::kHangMs);
        QCOMPARE(failed.size(), 1);
        QVERIFY2(failed.at(0).at(0).toString().contains(u"full"),
                 qPrintable(failed.at(0).at(0).toString()));
        QVERIFY(!store.isOn());
        store.record(added(401, primes(1)), [&order] { order << 401; });
        QTRY_COMPARE_WITH_TIMEOUT(order.size(), 401, test::kHangMs);
    }
    QList<int> expected(401);
    std::iota(expected.begin(), expected.end(), 1);
    QCOMPARE(order, expected);
}

void tst_HistoryStore::twoStoresShareOneFile()
{
    QTemporaryDir tmp;
    HistoryStore a;
    HistoryStore b;
    QVERIFY(a.openAndWait(tmp.path(), QStringLiteral("window")));
    QVERIFY(b.openAndWait(tmp.path(), QStringLiteral("cli")));
    QVERIFY(a.runId() != b.runId());
    for (int seq = 1; seq <= 500; ++seq) {
        a.record(added(seq, primes(seq)));
        b.record(added(seq, primes(seq)));
        a.record(finished(seq, State::Succeeded, QStringLiteral("a")));
        b.record(finished(seq, State::Failed, QStringLiteral("b")));
    }
    QVERIFY(a.flush(test::kHangMs));
    QVERIFY(b.flush(test::kHangMs));
    QVERIFY(a.isOn() && b.isOn());
    QCOMPARE(scalar(tmp.path(), QStringLiteral("SELECT count(*) FROM jobs WHERE run_id = %1 AND "
                                               "state = 'succeeded'")
                                    .arg(a.runId()))
                 .toInt(),
             500);
    QCOMPARE(scalar(tmp.path(), QStringLiteral("SELECT count(*) FROM jobs WHERE run_id = %1 AND "
                                               "state = 'failed'")
                                    .arg(b.runId()))
                 .toInt(),
             500);
    // Both owners are alive: neither marked the other's jobs interrupted.
    QCOMPARE(scalar(tmp.path(), QStringLiteral("SELECT count(*) FROM jobs WHERE state = "
                                               "'interrupted'"))
                 .toInt(),
             0);
}

void tst_HistoryStore::noHistoryStillAnswers()
{
    HistoryStore store; // never opened: --no-history
    bool ran = false;
    store.record(added(1, primes(1)), [&ran] { ran = true; });
    QVERIFY(ran);
    QVERIFY(!store.isOn());
    QVERIFY(store.flush(10));
}

namespace {

StoreEvent logged(int seq, const QString &path)
{
    StoreEvent e;
    e.type = StoreEvent::Type::Log;
    e.seq = seq;
    e.attempt = 1;
    e.logPath = path;
    return e;
}

bool writeFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write("x\n") == 2;
}

} // namespace

// Jobs of finished runs older than --keep-days go with their log and image files; a stored path
// that leads outside the data folder (or through a link) is data, and what it names stays; a
// run whose owner still runs and the run now running are untouched.
void tst_HistoryStore::retentionDeletesOldJobsAndTheirFiles()
{
    QTemporaryDir data;
    QTemporaryDir outside;
    const QString dir = data.path();
    const qint64 old = QDateTime::currentMSecsSinceEpoch() - 3 * 24 * 3600 * 1000LL;
    QVERIFY(QDir(dir).mkpath(QStringLiteral("logs")) && QDir(dir).mkpath(QStringLiteral("images")));
    const QString keptText = QDir(outside.path()).filePath(QStringLiteral("keep.txt"));
    const QString keptImage = QDir(outside.path()).filePath(QStringLiteral("keep.png"));
    const QString image = QDir(dir).filePath(QStringLiteral("images/old-1.png"));
    const QStringList logs = {QStringLiteral("logs/old-1.log"), QStringLiteral("logs/old-2.log"),
                              QStringLiteral("logs/link.log"),
                              QStringLiteral("logs/../../") + QFileInfo(outside.path()).fileName()
                                  + QStringLiteral("/keep.txt")};
    // The data folder and the outside one are both in the temporary folder: the fourth path
    // climbs from one into the other.
    QCOMPARE(QFileInfo(data.path()).path(), QFileInfo(outside.path()).path());
    for (const QString &path : {keptText, keptImage, image, QDir(dir).filePath(logs.at(0)),
                                QDir(dir).filePath(logs.at(1))})
        QVERIFY2(writeFile(path), qPrintable(path));
    QVERIFY(QFile::link(keptText, QDir(dir).filePath(logs.at(2))));
    qint64 oldRun = 0;
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(dir, QStringLiteral("cli")));
        oldRun = store.runId();
        for (int seq = 1; seq <= 4; ++seq) {
            store.record(added(seq, primes(seq)));
            store.record(started(seq));
            store.record(logged(seq, logs.at(seq - 1)));
            StoreEvent end = finished(seq, State::Succeeded, QStringLiteral("done"));
            end.imagePath = seq == 1 ? image : seq == 2 ? keptImage : QString();
            store.record(end);
        }
        QVERIFY(store.flush(test::kHangMs));
    }
    scalar(dir, QStringLiteral("UPDATE jobs SET added_at = %1, finished_at = %1").arg(old));
    // A run still going (its owner, this process, lives) with an old job: never touched.
    HistoryStore running;
    running.setRetention({0, 0});
    QVERIFY(running.openAndWait(dir, QStringLiteral("window")));
    StoreEvent oldAdded = added(1, primes(7));
    oldAdded.at = old;
    running.record(oldAdded);
    QVERIFY(running.flush(test::kHangMs));

    HistoryStore store;
    store.setRetention({1, 0});
    QSignalSpy pruned(&store, &HistoryStore::pruned);
    QVERIFY(store.openAndWait(dir, QStringLiteral("cli")));
    StoreEvent mine = added(1, primes(9));
    mine.at = old;
    store.record(mine);
    QTRY_COMPARE_WITH_TIMEOUT(pruned.count(), 1, test::kHangMs);
    QCOMPARE(pruned.at(0).at(0).toLongLong(), 4);
    QVERIFY(store.flush(test::kHangMs));
    QCOMPARE(scalar(dir, QStringLiteral("SELECT count(*) FROM jobs WHERE run_id = %1").arg(oldRun))
                 .toInt(),
             0);
    QCOMPARE(scalar(dir, QStringLiteral("SELECT count(*) FROM attempts")).toInt(), 0);
    QCOMPARE(
        scalar(dir, QStringLiteral("SELECT count(*) FROM runs WHERE id = %1").arg(oldRun)).toInt(),
        0);
    QCOMPARE(
        scalar(dir,
               QStringLiteral("SELECT count(*) FROM jobs WHERE run_id = %1").arg(running.runId()))
            .toInt(),
        1);
    QCOMPARE(
        scalar(dir,
               QStringLiteral("SELECT count(*) FROM jobs WHERE run_id = %1").arg(store.runId()))
            .toInt(),
        1);
    // Gone: the files inside the data folder. Kept: what lies outside, and the link itself
    // (it is not followed; it stays for whoever planted it to explain).
    QVERIFY(!QFileInfo::exists(image));
    QVERIFY(!QFileInfo::exists(QDir(dir).filePath(logs.at(0))));
    QVERIFY(!QFileInfo::exists(QDir(dir).filePath(logs.at(1))));
    QVERIFY(QFileInfo(QDir(dir).filePath(logs.at(2))).isSymLink());
    QVERIFY(QFileInfo::exists(keptText));
    QVERIFY(QFileInfo::exists(keptImage));
}

// --keep-jobs N: only the N newest jobs stay (the oldest of finished runs go first).
void tst_HistoryStore::retentionKeepsTheNewestJobs()
{
    QTemporaryDir data;
    const QString dir = data.path();
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(dir, QStringLiteral("cli")));
        for (int seq = 1; seq <= 5; ++seq)
            store.record(added(seq, primes(seq)));
        QVERIFY(store.flush(test::kHangMs));
    }
    HistoryStore store;
    store.setRetention({0, 2});
    QSignalSpy pruned(&store, &HistoryStore::pruned);
    QVERIFY(store.openAndWait(dir, QStringLiteral("cli")));
    QTRY_COMPARE_WITH_TIMEOUT(pruned.count(), 1, test::kHangMs);
    QCOMPARE(pruned.at(0).at(0).toLongLong(), 3);
    QCOMPARE(scalar(dir, QStringLiteral("SELECT group_concat(seq) FROM jobs")).toString(),
             QStringLiteral("4,5"));
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 4 && QByteArray(argv[1]) == "--hold")
        return hold(QString::fromLocal8Bit(argv[2]), QByteArray(argv[3]).toInt());
    tst_HistoryStore test;

    return QTest::qExec(&test, argc, argv);
}

#include "tst_historystore.moc"
