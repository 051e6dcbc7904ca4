#pragma once

// What the engine tells the history store: plain values, made on the GUI thread and written on
// the store thread. Progress is not among them (a job's bar is not history); states, attempts,
// results and errors are.

#include "jobs/jobtypes.h"

#include <QtCore/QString>
#include <QtCore/QVariantMap>

#include <optional>

namespace longrun {

struct StoreEvent
{
    enum class Type {
        Added,    // a new job: seq, spec, resumedFrom
        Started,  // an attempt began: seq, attempt, at
        State,    // Running or Paused: seq, attempt, state
        Finished, // an attempt ended: seq, attempt, state (terminal), at, error, result...
        Requeued, // a new attempt is queued on the same job: seq, attempt
        Log,      // the attempt's output log exists: seq, attempt, logPath
        // A run that is over goes, its jobs, attempts and files with it: runId. Refused (and
        // skipped) for a run not finished: this one, or another longrun's that still runs.
        DeletedRun,
    };
    Type type = Type::Added;
    int seq = 0;
    int attempt = 0;
    State state = State::Queued;
    qint64 at = 0; // ms since the epoch
    JobSpec spec;
    qint64 resumedFrom = 0; // the stored job (jobs.id) this one reruns, 0 for none
    qint64 runId = 0;       // DeletedRun: the run (runs.id)
    qint64 pid = 0;
    QString error;
    QString stderrTail;
    QString summary;
    QVariantMap values;
    QString imagePath;
    // Finished: how the attempt ended, when known (a command's program, else the worker).
    std::optional<int> exitCode;
    std::optional<int> signal;
    QString logPath; // relative to the data folder ("logs/run3-job1-1.log")
};

// A job of a past run, as --resume and the history read it back. The attempt fields are its
// last attempt's.
struct StoredJob
{
    qint64 id = 0; // jobs.id
    qint64 runId = 0;
    int seq = 0;
    JobSpec spec;
    QString state; // stateKey(), or "interrupted"
    int attempts = 0;
    qint64 addedAt = 0;
    qint64 startedAt = 0;  // 0 while never started
    qint64 finishedAt = 0; // 0 while not finished
    QString summary;
    QString error;
    bool resumed = false; // a later job reruns this one (--resume made it)
    QString host;         // where the last attempt ran; empty when none did
    std::optional<int> exitCode;
    std::optional<int> signal;
    QString logPath;   // relative to the data folder; empty for none
    QString imagePath; // as stored: shown, never trusted as a path to write or delete
};

// Which stored jobs a listing asks for; an empty field matches every job.
struct JobQuery
{
    QString text;       // in the kind, the parameters, the summary or the error (ASCII in any case)
    QStringList states; // stateKey()s and "interrupted"
    QString kind;
    qint64 since = 0; // added at or after, ms since the epoch
    qint64 runId = 0;
    // Paging, newest first: only jobs with a smaller id than this (none: from the newest). Not a
    // 0 for "none": a file edited by hand may hold a job 0, or negative ids.
    std::optional<qint64> beforeId;
    int limit = 200; // at most this many; 0 for no limit
};

// Where a stored job's last attempt logged its output, as `longrun log` follows it.
struct StoredLog
{
    qint64 jobId = 0;
    int attempt = 0;    // 0: no attempt began
    QString logPath;    // relative to the data folder, "" for none (yet)
    bool ended = false; // the attempt (or the job) finished, or its run's owner is gone
};

// A run as the history knows it.
struct StoredRun
{
    qint64 id = 0;
    QString origin; // "window" or "cli"
    qint64 startedAt = 0;
    qint64 finishedAt = 0; // 0 while its owner runs (or died unnoticed so far)
    qint64 ownerPid = 0;
};

} // namespace longrun
