#include "store/schema.h"

#include <QtCore/QStringList>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

#include <algorithm>

namespace longrun::store {

namespace {

// One entry per version: the statements that take a file from the version before to this one.
// Append only; never edit a step that has shipped. Times are milliseconds since the epoch;
// states are the CLI's keys (stateKey()) plus "interrupted".
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps = {
        // 1: runs, their jobs, and every attempt of each job.
        {
            QStringLiteral(
                "CREATE TABLE runs ("
                " id INTEGER PRIMARY KEY,"
                " started_at INTEGER NOT NULL,"
                // Updated by each write: when the owner dies, its jobs were interrupted then.
                " last_seen INTEGER NOT NULL,"
                " finished_at INTEGER,"
                " origin TEXT NOT NULL,"
                " host TEXT NOT NULL,"
                " owner_pid INTEGER NOT NULL,"
                // The owner's start time (/proc/PID/stat): a reused pid is not the owner.
                " owner_start TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE jobs ("
                           " id INTEGER PRIMARY KEY,"
                           " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
                           " seq INTEGER NOT NULL,"
                           " kind TEXT NOT NULL,"
                           " params TEXT NOT NULL,"
                           " state TEXT NOT NULL,"
                           " attempts INTEGER NOT NULL DEFAULT 0,"
                           " added_at INTEGER NOT NULL,"
                           " finished_at INTEGER,"
                           " summary TEXT,"
                           " result TEXT,"
                           " error TEXT,"
                           " stderr_tail TEXT,"
                           " image_path TEXT,"
                           " resumed_from INTEGER REFERENCES jobs(id) ON DELETE SET NULL,"
                           " UNIQUE (run_id, seq))"),
            QStringLiteral("CREATE TABLE attempts ("
                           " job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
                           " attempt INTEGER NOT NULL,"
                           " started_at INTEGER,"
                           " finished_at INTEGER,"
                           " state TEXT NOT NULL,"
                           " error TEXT,"
                           " pid INTEGER,"
                           " host TEXT NOT NULL,"
                           " PRIMARY KEY (job_id, attempt))"),
            QStringLiteral("CREATE INDEX jobs_by_state ON jobs (state)"),
            QStringLiteral("CREATE INDEX jobs_by_finished ON jobs (finished_at)"),
        },
        // 2: how each attempt's process ended, where its log is, and the indexes of the
        // history's filters.
        {
            // The program's exit status (a command job) or the worker's; NULL when unknown.
            QStringLiteral("ALTER TABLE attempts ADD COLUMN exit_code INTEGER"),
            // The signal that ended it (e.g. 9), NULL when it exited.
            QStringLiteral("ALTER TABLE attempts ADD COLUMN signal INTEGER"),
            // The attempt's log file, relative to the data folder (logs/...), NULL for none.
            QStringLiteral("ALTER TABLE attempts ADD COLUMN log_path TEXT"),
            QStringLiteral("CREATE INDEX jobs_by_added ON jobs (added_at)"),
            QStringLiteral("CREATE INDEX jobs_by_kind ON jobs (kind)"),
        },
        // 3: ids that are never given twice. Without AUTOINCREMENT, SQLite hands out the largest
        // id plus one, so deleting the newest run's jobs gave their ids (and `longrun log ID`,
        // an export's ids) to the next jobs. SQLite cannot add AUTOINCREMENT to a table: both
        // tables are rebuilt as its documentation says (foreign keys are off meanwhile, see
        // migrate()), every row and id kept; copying the ids sets the counters past them. And
        // an index for the reruns of a job (resumed_from), which deleting a job looks up.
        {
            QStringLiteral("CREATE TABLE runs_v3 ("
                           " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " started_at INTEGER NOT NULL,"
                           " last_seen INTEGER NOT NULL,"
                           " finished_at INTEGER,"
                           " origin TEXT NOT NULL,"
                           " host TEXT NOT NULL,"
                           " owner_pid INTEGER NOT NULL,"
                           " owner_start TEXT NOT NULL)"),
            QStringLiteral("INSERT INTO runs_v3 (id, started_at, last_seen, finished_at, origin,"
                           " host, owner_pid, owner_start) SELECT id, started_at, last_seen,"
                           " finished_at, origin, host, owner_pid, owner_start FROM runs"),
            QStringLiteral("CREATE TABLE jobs_v3 ("
                           " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
                           " seq INTEGER NOT NULL,"
                           " kind TEXT NOT NULL,"
                           " params TEXT NOT NULL,"
                           " state TEXT NOT NULL,"
                           " attempts INTEGER NOT NULL DEFAULT 0,"
                           " added_at INTEGER NOT NULL,"
                           " finished_at INTEGER,"
                           " summary TEXT,"
                           " result TEXT,"
                           " error TEXT,"
                           " stderr_tail TEXT,"
                           " image_path TEXT,"
                           " resumed_from INTEGER REFERENCES jobs(id) ON DELETE SET NULL,"
                           " UNIQUE (run_id, seq))"),
            QStringLiteral("INSERT INTO jobs_v3 (id, run_id, seq, kind, params, state, attempts,"
                           " added_at, finished_at, summary, result, error, stderr_tail,"
                           " image_path, resumed_from) SELECT id, run_id, seq, kind, params,"
                           " state, attempts, added_at, finished_at, summary, result, error,"
                           " stderr_tail, image_path, resumed_from FROM jobs"),
            QStringLiteral("DROP TABLE jobs"),
            QStringLiteral("DROP TABLE runs"),
            QStringLiteral("ALTER TABLE runs_v3 RENAME TO runs"),
            QStringLiteral("ALTER TABLE jobs_v3 RENAME TO jobs"),
            QStringLiteral("CREATE INDEX jobs_by_state ON jobs (state)"),
            QStringLiteral("CREATE INDEX jobs_by_finished ON jobs (finished_at)"),
            QStringLiteral("CREATE INDEX jobs_by_added ON jobs (added_at)"),
            QStringLiteral("CREATE INDEX jobs_by_kind ON jobs (kind)"),
            QStringLiteral("CREATE INDEX jobs_by_resumed_from ON jobs (resumed_from)"),
        },
    };
    return steps;
}

bool exec(QSqlQuery &query, const QString &sql, QString *error)
{
    if (query.exec(sql))
        return true;
    *error = query.lastError().text();
    return false;
}

} // namespace

int schemaVersion(QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return -1;
    return query.value(0).toInt();
}

bool migrate(QSqlDatabase &db, QString *error, int upTo)
{
    const int from = schemaVersion(db);
    if (from < 0) {
        *error = db.lastError().text();
        return false;
    }
    if (from > kSchemaVersion) {
        *error = QStringLiteral("the history was written by a newer longrun (schema %1; this one "
                                "knows up to %2)")
                     .arg(from)
                     .arg(kSchemaVersion);
        return false;
    }
    const int to = std::min(upTo, kSchemaVersion);
    if (from >= to)
        return true;
    // A step that rebuilds a table drops the old one: with foreign keys on, that would delete
    // (ON DELETE CASCADE) every attempt. They are off during the steps (the pragma is a no-op
    // inside a transaction, hence here), checked before each commit, and on again after.
    QSqlQuery pragma(db);
    const bool foreignKeys = pragma.exec(QStringLiteral("PRAGMA foreign_keys")) && pragma.next()
                             && pragma.value(0).toInt() == 1;
    if (!exec(pragma, QStringLiteral("PRAGMA foreign_keys=OFF"), error))
        return false;
    bool ok = true;
    for (int version = from + 1; ok && version <= to; ++version) {
        if (!db.transaction()) {
            *error = db.lastError().text();
            ok = false;
            break;
        }
        QSqlQuery query(db);
        for (const QString &sql : migrations().at(version - 1))
            ok = ok && exec(query, sql, error);
        // Every reference still points at a row: the step lost nothing.
        if (ok && exec(query, QStringLiteral("PRAGMA foreign_key_check"), error) && query.next()) {
            *error = QStringLiteral("schema step %1 left a row of '%2' pointing at nothing")
                         .arg(version)
                         .arg(query.value(0).toString());
            ok = false;
        }
        ok = ok && exec(query, QStringLiteral("PRAGMA user_version = %1").arg(version), error);
        if (!ok || !db.commit()) {
            if (ok)
                *error = db.lastError().text();
            query.finish();
            db.rollback();
            ok = false;
        }
    }
    if (foreignKeys && !exec(pragma, QStringLiteral("PRAGMA foreign_keys=ON"), error))
        return false;
    return ok;
}

} // namespace longrun::store
