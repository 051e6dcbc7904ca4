#pragma once

// HistoryReader: reads the history back (--resume, `longrun history`), on whichever single
// thread creates it, through a read-only connection of its own. What it reads is untrusted (a
// file edited by hand): a row that does not parse is skipped and counted, never a crash.

#include "store/storeevent.h"

#include <QtCore/QString>
#include <QtCore/QVariantList>

class QSqlQuery;

#include <optional>

namespace longrun {

class HistoryReader final
{
public:
    HistoryReader();
    ~HistoryReader();
    HistoryReader(const HistoryReader &) = delete;
    HistoryReader &operator=(const HistoryReader &) = delete;

    // Opens `dataDir`'s history; false with the reason (no history there yet is a reason too).
    bool open(const QString &dataDir, QString *error);

    // The newest run with jobs other than `except` (the caller's own), if any.
    [[nodiscard]] std::optional<qint64> lastRun(qint64 except = 0);
    [[nodiscard]] std::optional<StoredRun> run(qint64 runId);
    // Every job of a run, in its order.
    [[nodiscard]] QList<StoredJob> jobsOfRun(qint64 runId);
    // Jobs that ended "interrupted" in runs that are over, other than `exceptRun`, and were not
    // run again since: what the window offers to requeue. Oldest first, at most `limit`.
    [[nodiscard]] QList<StoredJob> interruptedJobs(qint64 exceptRun, int limit);
    // The jobs `query` selects, newest first; `count` every job it selects, whatever its paging.
    [[nodiscard]] QList<StoredJob> jobs(const JobQuery &query);
    [[nodiscard]] int count(const JobQuery &query);
    [[nodiscard]] std::optional<StoredJob> job(qint64 id);
    // The kinds the history holds, sorted: what a kind filter offers.
    [[nodiscard]] QStringList kinds();
    // The log of the last attempt of the stored job `jobId` (jobs.id); nothing for no such job.
    [[nodiscard]] std::optional<StoredLog> lastLog(qint64 jobId);
    // Rows skipped because they did not parse, since open().
    [[nodiscard]] int skipped() const { return m_skipped; }

private:
    QList<StoredJob> readJobs(QSqlQuery &query);
    // "WHERE ..." for `query`, its values appended to `values` in order.
    static QString where(const JobQuery &query, bool paged, QVariantList *values);

    QString m_connection;
    int m_skipped = 0;
};

// What --resume reruns of a run: the jobs that were interrupted or never started (canceled
// before they ran), unless an earlier --resume already reran them; never one that succeeded.
[[nodiscard]] QList<StoredJob> jobsToResume(const QList<StoredJob> &jobs);

} // namespace longrun
