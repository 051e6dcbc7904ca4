#pragma once

// HistoryActions: what the window does with stored jobs, on the GUI thread: rerun one job or a
// whole past run, delete a run that is over, copy a command. Owned by the TaskController (it
// queues through it and deletes through its HistoryStore); QML reaches it as
// TaskController.historyActions.
//
// Jobs that run programs of their own (command jobs) are never started from the history
// without a look first (issue #12): offer() keeps them and states review (how many, which
// programs, which folders) until the user confirms or dismisses it; jobs that compute inside
// the worker are queued at once. A jobs file with commands can be offered the same way.

#include "jobs/commandreview.h"
#include "jobs/jobtypes.h"

#include <QtCore/QObject>
#include <QtCore/QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace longrun {

class TaskController;
struct StoredJob;

class HistoryActions : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("HistoryActions is owned by TaskController")

    // Jobs wait for the user to confirm their commands.
    Q_PROPERTY(bool reviewPending READ reviewPending NOTIFY reviewChanged)
    // CommandSummary::toVariantMap() of what waits, empty when nothing does.
    Q_PROPERTY(QVariantMap review READ review NOTIFY reviewChanged)

public:
    explicit HistoryActions(TaskController &controller, QObject *parent = nullptr);

    [[nodiscard]] bool reviewPending() const { return !m_specs.isEmpty(); }
    [[nodiscard]] QVariantMap review() const;

    // Queues `specs` (`resumedFrom`: the stored jobs they rerun, or empty), unless they hold
    // command jobs: then they wait for confirmReview(). Replaces whatever waited. Returns how
    // many were queued now.
    int offer(const QList<JobSpec> &specs, const QList<qint64> &resumedFrom = {});

    // Reads the stored job (or every job of the run) in the background, then offer()s it; each
    // new job is stored as a rerun of its original. Jobs the worker would refuse now (a kind
    // gone, a rule changed) are left out, and said so.
    Q_INVOKABLE void rerunJob(qint64 jobId);
    Q_INVOKABLE void rerunRun(qint64 runId);
    // Queues what waits for review; returns how many.
    Q_INVOKABLE int confirmReview();
    Q_INVOKABLE void dismissReview();
    // Deletes a run that is over, with its jobs and the files they name inside the data folder
    // (never the current run, nor one another longrun still runs). False when refused at once.
    Q_INVOKABLE bool deleteRun(qint64 runId);
    Q_INVOKABLE static void copyText(const QString &text);
    // The end of the stored log `logPath` (as the history names it, relative to the data
    // folder): at most `maxBytes`, from the start of a record, read from the end of the file
    // (never the whole of it); what the window's log pane shows, read again while the job
    // runs. A log that is not a plain file of the data folder (a path is data, issue #12) or
    // cannot be read gives the reason instead, in brackets.
    Q_INVOKABLE QString logTail(const QString &logPath, int maxBytes = kLogTailBytes) const;
    static constexpr int kLogTailBytes = 256 * 1024;

Q_SIGNALS:
    void reviewChanged();
    // A rerun was queued (count jobs), or a delete committed.
    void rerunQueued(int count);
    void runDeleted(qint64 runId);

private:
    void rerun(qint64 jobId, qint64 runId);
    void rerunRead(const QList<StoredJob> &jobs, const QString &error);

    TaskController &m_controller;
    QList<JobSpec> m_specs;
    QList<qint64> m_from;
    CommandSummary m_summary;
};

} // namespace longrun
