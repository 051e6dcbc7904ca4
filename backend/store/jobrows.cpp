#include "store/jobrows.h"

#include "store/jobjson.h"

#include <QtSql/QSqlError>

namespace longrun {

namespace {

QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(text);
}

QVariant intOrNull(const std::optional<int> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType(QMetaType::Int));
}

bool writeStarted(Statements &sql, qint64 job, const StoreEvent &e, const QString &host,
                  QString *error)
{
    return sql.run(QStringLiteral("UPDATE jobs SET state = 'starting', attempts = ? WHERE id = ?"),
                   {e.attempt, job}, error)
           && sql.run(QStringLiteral("INSERT OR REPLACE INTO attempts (job_id, attempt, started_at,"
                                     " state, host) VALUES (?, ?, ?, 'starting', ?)"),
                      {job, e.attempt, e.at, host}, error);
}

bool writeState(Statements &sql, qint64 job, const StoreEvent &e, QString *error)
{
    const QString state = stateKey(e.state);
    return sql.run(QStringLiteral("UPDATE jobs SET state = ? WHERE id = ?"), {state, job}, error)
           && sql.run(QStringLiteral("UPDATE attempts SET state = ?, pid = coalesce(?, pid)"
                                     " WHERE job_id = ? AND attempt = ?"),
                      {state,
                       e.pid > 0 ? QVariant(e.pid) : QVariant(QMetaType(QMetaType::LongLong)), job,
                       e.attempt},
                      error);
}

bool writeFinished(Statements &sql, qint64 job, const StoreEvent &e, QString *error)
{
    const QString state = stateKey(e.state);
    return sql.run(QStringLiteral("UPDATE jobs SET state = ?, finished_at = ?, summary = ?,"
                                  " result = ?, error = ?, stderr_tail = ?, image_path = ?"
                                  " WHERE id = ?"),
                   {state, e.at, textOrNull(e.summary), textOrNull(valuesToJson(e.values)),
                    textOrNull(e.error), textOrNull(e.stderrTail), textOrNull(e.imagePath), job},
                   error)
           && sql.run(QStringLiteral("UPDATE attempts SET state = ?, finished_at = ?, error = ?,"
                                     " exit_code = ?, signal = ? WHERE job_id = ? AND attempt = ?"),
                      {state, e.at, textOrNull(e.error), intOrNull(e.exitCode), intOrNull(e.signal),
                       job, e.attempt},
                      error);
}

bool writeRequeued(Statements &sql, qint64 job, QString *error)
{
    return sql.run(
        QStringLiteral("UPDATE jobs SET state = 'queued', finished_at = NULL,"
                       " summary = NULL, result = NULL, error = NULL, stderr_tail = NULL,"
                       " image_path = NULL WHERE id = ?"),
        {job}, error);
}

bool writeLog(Statements &sql, qint64 job, const StoreEvent &e, QString *error)
{
    return sql.run(
        QStringLiteral("UPDATE attempts SET log_path = ? WHERE job_id = ? AND attempt = ?"),
        {e.logPath, job, e.attempt}, error);
}

} // namespace

QSqlQuery *Statements::prepared(const QString &sql, const QVariantList &values, QString *error)
{
    auto it = m_cache.find(sql);
    if (it == m_cache.end()) {
        QSqlQuery query(m_db);
        if (!query.prepare(sql)) {
            *error = query.lastError().text();
            return nullptr;
        }
        it = m_cache.insert(sql, std::move(query));
    }
    for (qsizetype i = 0; i < values.size(); ++i)
        it->bindValue(static_cast<int>(i), values.at(i));
    if (!it->exec()) {
        *error = it->lastError().text();
        return nullptr;
    }
    return &*it;
}

bool Statements::run(const QString &sql, const QVariantList &values, QString *error, int *affected)
{
    QSqlQuery *query = prepared(sql, values, error);
    if (!query)
        return false;
    if (affected)
        *affected = query->numRowsAffected();
    query->finish();
    return true;
}

qint64 Statements::insert(const QString &sql, const QVariantList &values, QString *error)
{
    QSqlQuery *query = prepared(sql, values, error);
    if (!query)
        return -1;
    const qint64 id = query->lastInsertId().toLongLong();
    query->finish();
    return id;
}

int markInterrupted(Statements &sql, qint64 runId, qint64 at)
{
    QString error;
    int count = 0;
    const bool ok =
        sql.db().transaction()
        && sql.run(QStringLiteral("UPDATE attempts SET state = 'interrupted', finished_at = ?"
                                  " WHERE finished_at IS NULL"
                                  " AND job_id IN (SELECT id FROM jobs WHERE run_id = ?)"),
                   {at, runId}, &error)
        && sql.run(QStringLiteral("UPDATE jobs SET state = 'interrupted', finished_at = ?"
                                  " WHERE run_id = ?"
                                  " AND state IN ('queued', 'starting', 'running', 'paused')"),
                   {at, runId}, &error, &count)
        && sql.run(QStringLiteral("UPDATE runs SET finished_at = ? WHERE id = ?"
                                  " AND finished_at IS NULL"),
                   {at, runId}, &error)
        && sql.db().commit();
    if (!ok) {
        sql.db().rollback();
        return 0;
    }
    return count;
}

bool writeChange(Statements &sql, qint64 jobRow, const StoreEvent &event, const QString &host,
                 QString *error)
{
    switch (event.type) {
    case StoreEvent::Type::Started:
        return writeStarted(sql, jobRow, event, host, error);
    case StoreEvent::Type::State:
        return writeState(sql, jobRow, event, error);
    case StoreEvent::Type::Finished:
        return writeFinished(sql, jobRow, event, error);
    case StoreEvent::Type::Requeued:
        return writeRequeued(sql, jobRow, error);
    case StoreEvent::Type::Log:
        return writeLog(sql, jobRow, event, error);
    case StoreEvent::Type::Added:
    case StoreEvent::Type::DeletedRun: // not a change of one job: StoreWriter::deleteRun()
        break;
    }
    return true;
}

} // namespace longrun
