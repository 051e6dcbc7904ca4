#include "store/historyreader.h"

#include "store/jobjson.h"
#include "store/owner.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

namespace longrun {

namespace {

// What readJobs() reads, in its order: the job, then its last attempt (LEFT JOIN, see kFrom).
const char *const kJobColumns =
    "jobs.id, run_id, seq, kind, params, jobs.state, attempts, added_at, jobs.finished_at,"
    " summary, jobs.error,"
    // Not a correlated EXISTS: resumed_from has no index, and that scanned every job once per
    // row read (2 s for a page of 200 among 100,000). This list is made once per query.
    " jobs.id IN (SELECT resumed_from FROM jobs WHERE resumed_from IS NOT NULL),"
    " last.started_at, last.host, last.exit_code, last.signal, last.log_path, image_path";
const char *const kFrom =
    "jobs LEFT JOIN attempts AS last ON last.job_id = jobs.id AND last.attempt = jobs.attempts";

std::optional<int> optionalInt(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<int>(value.toInt());
}

// `text` for LIKE ... ESCAPE '\\': its own % and _ match themselves.
QString likePattern(QString text)
{
    text.replace(u'\\', QStringLiteral("\\\\"));
    text.replace(u'%', QStringLiteral("\\%"));
    text.replace(u'_', QStringLiteral("\\_"));
    return u'%' + text + u'%';
}

} // namespace

HistoryReader::HistoryReader()
    : m_connection(QStringLiteral("longrun-reader-%1").arg(reinterpret_cast<quintptr>(this)))
{}

HistoryReader::~HistoryReader()
{
    if (!QSqlDatabase::contains(m_connection))
        return;
    QSqlDatabase::database(m_connection, false).close();
    QSqlDatabase::removeDatabase(m_connection);
}

bool HistoryReader::open(const QString &dataDir, QString *error)
{
    const QString path = QDir(dataDir).filePath(QStringLiteral("history.db"));
    if (!QFileInfo(path).isFile()) {
        *error = QStringLiteral("no history in '%1' yet").arg(dataDir);
        return false;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=10000"));
    QSqlQuery check(db);
    if (!db.open() || !check.exec(QStringLiteral("SELECT count(*) FROM runs"))) {
        *error = QStringLiteral("cannot read the history '%1': %2")
                     .arg(path, check.lastError().isValid() ? check.lastError().text()
                                                            : db.lastError().text());
        return false;
    }
    return true;
}

std::optional<qint64> HistoryReader::lastRun(qint64 except)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    // A run that stored no job (killed while it started) has nothing to resume or show.
    query.prepare(QStringLiteral("SELECT max(run_id) FROM jobs WHERE run_id <> ?"));
    query.addBindValue(except);
    if (!query.exec() || !query.next() || query.value(0).isNull())
        return std::nullopt;
    return query.value(0).toLongLong();
}

std::optional<StoredRun> HistoryReader::run(qint64 runId)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral(
        "SELECT id, origin, started_at, finished_at, owner_pid FROM runs WHERE id = ?"));
    query.addBindValue(runId);
    if (!query.exec() || !query.next())
        return std::nullopt;
    return StoredRun{query.value(0).toLongLong(), query.value(1).toString(),
                     query.value(2).toLongLong(), query.value(3).toLongLong(),
                     query.value(4).toLongLong()};
}

QList<StoredJob> HistoryReader::jobsOfRun(qint64 runId)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT %1 FROM %2 WHERE run_id = ? ORDER BY seq")
                      .arg(QLatin1String(kJobColumns), QLatin1String(kFrom)));
    query.addBindValue(runId);
    return readJobs(query);
}

QList<StoredJob> HistoryReader::interruptedJobs(qint64 exceptRun, int limit)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(
        QStringLiteral("SELECT %1 FROM %2 WHERE jobs.state = 'interrupted' AND run_id <> ?"
                       " AND run_id IN (SELECT id FROM runs WHERE finished_at IS NOT NULL)"
                       " AND NOT EXISTS (SELECT 1 FROM jobs AS later"
                       " WHERE later.resumed_from = jobs.id)"
                       " ORDER BY jobs.id LIMIT ?")
            .arg(QLatin1String(kJobColumns), QLatin1String(kFrom)));
    query.addBindValue(exceptRun);
    query.addBindValue(limit);
    return readJobs(query);
}

QString HistoryReader::where(const JobQuery &query, bool paged, QVariantList *values)
{
    QStringList terms;
    if (!query.text.isEmpty()) {
        terms << QStringLiteral("(kind || ' ' || params || ' ' || coalesce(summary, '') || ' ' ||"
                                " coalesce(jobs.error, '')) LIKE ? ESCAPE '\\'");
        *values << likePattern(query.text);
    }
    if (!query.states.isEmpty()) {
        QStringList marks;
        for (const QString &state : query.states) {
            marks << QStringLiteral("?");
            *values << state;
        }
        terms << QStringLiteral("jobs.state IN (%1)").arg(marks.join(u','));
    }
    if (!query.kind.isEmpty()) {
        terms << QStringLiteral("kind = ?");
        *values << query.kind;
    }
    if (query.since > 0) {
        terms << QStringLiteral("added_at >= ?");
        *values << query.since;
    }
    if (query.runId > 0) {
        terms << QStringLiteral("run_id = ?");
        *values << query.runId;
    }
    if (paged && query.beforeId) {
        terms << QStringLiteral("jobs.id < ?");
        *values << *query.beforeId;
    }
    return terms.isEmpty() ? QString() : QStringLiteral(" WHERE ") + terms.join(u" AND ");
}

QList<StoredJob> HistoryReader::jobs(const JobQuery &filter)
{
    QVariantList values;
    QString sql =
        QStringLiteral("SELECT %1 FROM %2%3 ORDER BY jobs.id DESC")
            .arg(QLatin1String(kJobColumns), QLatin1String(kFrom), where(filter, true, &values));
    if (filter.limit > 0) {
        sql += QStringLiteral(" LIMIT ?");
        values << filter.limit;
    }
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    return readJobs(query);
}

int HistoryReader::count(const JobQuery &filter)
{
    QVariantList values;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT count(*) FROM jobs") + where(filter, false, &values));
    for (const QVariant &value : values)
        query.addBindValue(value);
    return query.exec() && query.next() ? query.value(0).toInt() : 0;
}

std::optional<StoredJob> HistoryReader::job(qint64 id)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT %1 FROM %2 WHERE jobs.id = ?")
                      .arg(QLatin1String(kJobColumns), QLatin1String(kFrom)));
    query.addBindValue(id);
    const QList<StoredJob> found = readJobs(query);
    return found.isEmpty() ? std::nullopt : std::optional<StoredJob>(found.first());
}

QStringList HistoryReader::kinds()
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    QStringList kinds;
    if (query.exec(QStringLiteral("SELECT DISTINCT kind FROM jobs ORDER BY kind"))) {
        while (query.next())
            kinds << query.value(0).toString();
    }
    return kinds;
}

std::optional<StoredLog> HistoryReader::lastLog(qint64 jobId)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT jobs.id, attempts.attempt, attempts.log_path,"
                                 " coalesce(attempts.finished_at, jobs.finished_at) IS NOT NULL,"
                                 " runs.finished_at IS NOT NULL, runs.owner_pid, runs.owner_start"
                                 " FROM jobs JOIN runs ON runs.id = jobs.run_id"
                                 " LEFT JOIN attempts ON attempts.job_id = jobs.id"
                                 " WHERE jobs.id = ? ORDER BY attempts.attempt DESC LIMIT 1"));
    query.addBindValue(jobId);
    if (!query.exec() || !query.next())
        return std::nullopt;
    StoredLog log;
    log.jobId = query.value(0).toLongLong();
    log.attempt = query.value(1).toInt();
    log.logPath = query.value(2).toString();
    // A run whose owner died (killed, a crash) ends nothing itself: its attempts are over too.
    const bool ownerGone = query.value(4).toBool()
                           || processIdentity(static_cast<pid_t>(query.value(5).toLongLong()))
                                  != query.value(6).toString();
    log.ended = query.value(3).toBool() || ownerGone;
    return log;
}

QList<StoredJob> HistoryReader::readJobs(QSqlQuery &query)
{
    QList<StoredJob> jobs;
    if (!query.exec())
        return jobs;
    while (query.next()) {
        const std::optional<QList<JobParam>> params = paramsFromJson(query.value(4).toString());
        if (!params || query.value(3).toString().isEmpty()) {
            ++m_skipped;
            continue;
        }
        StoredJob job;
        job.id = query.value(0).toLongLong();
        job.runId = query.value(1).toLongLong();
        job.seq = query.value(2).toInt();
        job.spec = JobSpec{query.value(3).toString(), *params};
        job.state = query.value(5).toString();
        job.attempts = query.value(6).toInt();
        job.addedAt = query.value(7).toLongLong();
        job.finishedAt = query.value(8).toLongLong();
        job.summary = query.value(9).toString();
        job.error = query.value(10).toString();
        job.resumed = query.value(11).toBool();
        job.startedAt = query.value(12).toLongLong();
        job.host = query.value(13).toString();
        job.exitCode = optionalInt(query.value(14));
        job.signal = optionalInt(query.value(15));
        job.logPath = query.value(16).toString();
        job.imagePath = query.value(17).toString();
        jobs << job;
    }
    return jobs;
}

QList<StoredJob> jobsToResume(const QList<StoredJob> &jobs)
{
    QList<StoredJob> out;
    for (const StoredJob &job : jobs) {
        // Canceled with no attempt: it never ran (canceled while queued, or at shutdown).
        const bool neverStarted = job.state == u"canceled" && job.attempts == 0;
        if (!job.resumed && (job.state == u"interrupted" || neverStarted))
            out << job;
    }
    return out;
}

} // namespace longrun
