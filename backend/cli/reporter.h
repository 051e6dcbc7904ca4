#pragma once

// Reporter: how a headless run tells what happens. TextReporter is for people (a live status
// line on stderr, one line per finished job and a summary table on stdout), JsonReporter for
// scripts (one JSON object per line on stdout). HeadlessRun calls them on the main thread; they
// read the model and the controller and never change them. Each decides how often it speaks.

#include "control/taskcontroller.h"
#include "models/taskmodel.h"

#include <QtCore/QString>

namespace longrun {

class OutputStream;

class Reporter
{
public:
    Reporter(const TaskController &controller, OutputStream &out, OutputStream &err);
    virtual ~Reporter() = default;
    Reporter(const Reporter &) = delete;
    Reporter &operator=(const Reporter &) = delete;

    // A job changed state and has not finished.
    virtual void onState(const TaskRow &row) = 0;
    // A running job's progress or progress text changed.
    virtual void onProgress(const TaskRow &row) = 0;
    // A job failed or timed out (`state`) and will run again.
    virtual void onRetry(const TaskRow &row, State state, const QString &error) = 0;
    // A job reached its terminal state.
    virtual void onFinished(const TaskRow &row, State state) = 0;
    // The counts or the overall progress may have changed (after model updates; on a timer).
    virtual void onOverall() = 0;
    // A signal arrived: every job is being canceled.
    virtual void onSignal(int signal) = 0;
    // Standard output cannot be written (`error` is errno): said once, on stderr.
    virtual void onOutputError(int error);
    // The batch is over. `signal` is the one that stopped it, or 0.
    virtual void summary(qint64 elapsedMs, int signal) = 0;

protected:
    const TaskController &m_controller;
    const TaskModel &m_model;
    OutputStream &m_out;
    OutputStream &m_err;
};

// "SIGHUP".
[[nodiscard]] QString signalName(int signal);

} // namespace longrun
