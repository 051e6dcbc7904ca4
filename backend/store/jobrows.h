#pragma once

// The statements that change stored jobs, one function per change. Store thread only, inside
// the caller's transaction.

#include "store/storeevent.h"

#include <QtCore/QHash>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>

namespace longrun {

// Prepared statements, kept per SQL text: a drain of 10,000 jobs parses each statement once.
class Statements final
{
public:
    explicit Statements(QSqlDatabase db)
        : m_db(std::move(db))
    {}
    // Runs `sql` with `values` bound in order; false with the reason.
    bool run(const QString &sql, const QVariantList &values, QString *error,
             int *affected = nullptr);
    // An INSERT: the new row's id, or -1.
    [[nodiscard]] qint64 insert(const QString &sql, const QVariantList &values, QString *error);
    [[nodiscard]] QSqlDatabase &db() { return m_db; }

private:
    QSqlQuery *prepared(const QString &sql, const QVariantList &values, QString *error);

    QSqlDatabase m_db;
    QHash<QString, QSqlQuery> m_cache;
};

// What a run left queued, starting, running or paused becomes "interrupted" at `at`, its open
// attempts too, and the run is closed. Returns how many jobs it marked.
int markInterrupted(Statements &sql, qint64 run, qint64 at);

// Writes a Started, State, Finished or Requeued event to the job stored as `jobRow`.
[[nodiscard]] bool writeChange(Statements &sql, qint64 jobRow, const StoreEvent &event,
                               const QString &host, QString *error);

} // namespace longrun
