#pragma once

// JobLog: `--joblog FILE`, GNU parallel's job log for a headless run. A header line, then one
// line per attempt as it ends (a retried job has a line per attempt, as parallel's --retries
// do), TAB-separated, in parallel's own formats:
//   Seq Host Starttime JobRuntime Send Receive Exitval Signal Command
//   3   :    1764581000.123 "     0.512" 0 0 3 0 sh -c 'exit 3'
// Seq is the job's number in the run; Host ":" (this machine, as parallel writes it);
// Starttime epoch seconds with 3 decimals; JobRuntime seconds, "%10.3f"; Send and Receive 0
// (nothing is transferred); Exitval the exit status (0 when a signal ended it, -1 when none is
// known), Signal its number or 0; Command the job's command line (argv shell-quoted; other kinds
// "kind: key=value, ..."), with a newline, CR or TAB in it written as \n, \r, \t so that an
// attempt is always one line of nine fields. An attempt that never started (canceled while
// queued) has no line.
//
// FILE: a new one is made with O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600. An existing regular
// file that belongs to the user is appended to, never truncated (parallel's `--joblog +FILE`;
// the "+" is accepted too), the header written only when it is empty. A symlink, anything that
// is not a regular file, or a file of another user is refused before any job starts. Every line
// is one write(2) with nothing buffered, so a kill -9 loses no line already written. A write
// error is said once (through the handler); the jobs go on. Main thread.

#include "jobs/jobtypes.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QString>

#include <functional>
#include <optional>

namespace longrun {

class TaskController;

class JobLog final
{
public:
    struct Attempt
    {
        int seq = 0;
        qint64 startedAt = 0;  // ms since the epoch
        qint64 finishedAt = 0; // ms since the epoch
        std::optional<int> exitCode;
        std::optional<int> signal;
        QString command;
    };

    JobLog() = default;
    ~JobLog();
    JobLog(const JobLog &) = delete;
    JobLog &operator=(const JobLog &) = delete;

    // Opens (or creates) FILE as above; false with the reason.
    bool open(const QString &path, QString *error);
    [[nodiscard]] bool isOpen() const { return m_fd >= 0; }
    // Called once, at the first write that fails, with the reason in words.
    void setFailureHandler(std::function<void(const QString &why)> handler)
    {
        m_onFailure = std::move(handler);
    }
    void add(const Attempt &attempt);
    // Writes a line for every attempt of `controller`'s jobs as it ends, until this is gone.
    void follow(TaskController &controller);

    static constexpr const char *kHeader =
        "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n";
    // One line, as add() writes it.
    [[nodiscard]] static QByteArray line(const Attempt &attempt);

private:
    void write(const QByteArray &bytes);

    int m_fd = -1;
    QString m_path;
    bool m_failed = false;
    std::function<void(const QString &)> m_onFailure;
    QHash<int, int> m_written; // job -> its last attempt with a line
    QObject m_context;         // ends the connections of follow() with this
};

} // namespace longrun
