#pragma once

// The plain values a JobRunner sends back to the GUI thread, and the inbox that carries them.
// A runner never touches the model: it posts RunnerUpdates; the controller drains the inbox on
// its own thread and decides what they mean.

#include "jobs/jobtypes.h"
#include "system/inbox.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QPointF>
#include <QtCore/QVariantMap>

#include <optional>

namespace longrun {

struct RunnerUpdate
{
    int jobId = 0;
    int attempt = 0;
    std::optional<State> state;     // Running, Paused (Starting is set by the controller)
    std::optional<double> progress; // 0..1, already clamped monotone by the runner
    std::optional<QString> progressText;
    QList<QPointF> points; // new points for the live plot
    qint64 pid = 0;        // worker pid once known
    QString logPath;       // the attempt's log, relative to the data folder, once it exists

    // Set once, on the last update of an attempt.
    std::optional<State> terminal;
    QString error; // why it did not succeed, in words
    QString stderrTail;
    std::optional<JobResult> result;
    // How it ended, when known: a command job's program, else the worker process itself.
    std::optional<int> exitCode;
    std::optional<int> signal;
    QString logProblem; // why the output log stopped or was never made ("" when all is well)
};

// Runners (pool threads) to the controller (the GUI thread).
using UpdateInbox = Inbox<RunnerUpdate>;

} // namespace longrun
