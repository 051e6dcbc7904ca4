#include "store/retention.h"

#include "store/datafiles.h"

#include <QtCore/QSet>
#include <QtCore/QStringList>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

namespace longrun {

namespace {

constexpr qint64 kDayMs = 24 * 60 * 60 * 1000;

// The id below which jobs are past the newest `keep`: 0 when there are no more than that.
qint64 firstKept(QSqlDatabase &db, int keep)
{
    if (keep <= 0)
        return 0;
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT id FROM jobs ORDER BY id DESC LIMIT 1 OFFSET ?"));
    query.addBindValue(keep - 1);
    return query.exec() && query.next() ? query.value(0).toLongLong() : 0;
}

QString idList(const QList<qint64> &ids)
{
    QStringList texts;
    for (const qint64 id : ids)
        texts << QString::number(id);
    return texts.join(QLatin1Char(','));
}

// One batch of jobs to delete: their runs and their files (images, then logs).
struct Doomed
{
    QList<qint64> jobs;
    QSet<qint64> runs;
    QStringList files;
};

bool selectDoomed(QSqlDatabase &db, qint64 currentRun, qint64 cutoff, qint64 kept, int batch,
                  Doomed *doomed, QString *error)
{
    QSqlQuery select(db);
    select.prepare(QStringLiteral(
        "SELECT jobs.id, jobs.run_id, jobs.image_path FROM jobs JOIN runs ON runs.id = jobs.run_id"
        " WHERE jobs.run_id <> ? AND runs.finished_at IS NOT NULL"
        " AND ((? > 0 AND coalesce(jobs.finished_at, jobs.added_at) < ?) OR jobs.id < ?)"
        " ORDER BY jobs.id LIMIT ?"));
    for (const QVariant &value : {QVariant(currentRun), QVariant(cutoff), QVariant(cutoff),
                                  QVariant(kept), QVariant(batch)})
        select.addBindValue(value);
    if (!select.exec()) {
        *error = select.lastError().text();
        return false;
    }
    while (select.next()) {
        doomed->jobs << select.value(0).toLongLong();
        doomed->runs << select.value(1).toLongLong();
        doomed->files << select.value(2).toString();
    }
    if (doomed->jobs.isEmpty())
        return true;
    QSqlQuery logs(db);
    if (!logs.exec(QStringLiteral("SELECT log_path FROM attempts WHERE log_path IS NOT NULL"
                                  " AND job_id IN (%1)")
                       .arg(idList(doomed->jobs)))) {
        *error = logs.lastError().text();
        return false;
    }
    while (logs.next())
        doomed->files << logs.value(0).toString();
    return true;
}

} // namespace

int pruneBatch(Statements &sql, const Retention &retention, qint64 currentRun,
               const QString &dataDir, qint64 nowMs, int batch, QString *error)
{
    QSqlDatabase &db = sql.db();
    const qint64 cutoff = retention.keepDays > 0 ? nowMs - retention.keepDays * kDayMs : 0;
    const qint64 kept = firstKept(db, retention.keepJobs);
    if (cutoff == 0 && kept == 0)
        return 0;
    Doomed doomed;
    if (!selectDoomed(db, currentRun, cutoff, kept, batch, &doomed, error))
        return -1;
    if (doomed.jobs.isEmpty())
        return 0;
    // Paths are data: one that leads outside the data folder, or through a link, stays.
    for (const QString &file : std::as_const(doomed.files)) {
        if (!file.isEmpty())
            removeDataFile(dataDir, file);
    }
    // Ids are integers read from the database: joined into the statement, not bound one by one.
    QSqlQuery remove(db);
    const bool ok =
        db.transaction()
        && remove.exec(QStringLiteral("DELETE FROM jobs WHERE id IN (%1)").arg(idList(doomed.jobs)))
        && remove.exec(QStringLiteral("DELETE FROM runs WHERE id IN (%1) AND id <> %2"
                                      " AND finished_at IS NOT NULL"
                                      " AND NOT EXISTS (SELECT 1 FROM jobs WHERE run_id = runs.id)")
                           .arg(idList(doomed.runs.values()))
                           .arg(currentRun))
        && db.commit();
    if (!ok) {
        *error = remove.lastError().isValid() ? remove.lastError().text() : db.lastError().text();
        db.rollback();
        return -1;
    }
    return static_cast<int>(doomed.jobs.size());
}

} // namespace longrun
