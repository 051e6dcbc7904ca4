#pragma once

// models/: what the views show (TaskModel, TaskFilterModel, CatalogModel), on the GUI thread;
// thin adapters that store and emit. They include jobs/ and system/, never runner/ or control/.
//
// TaskModel: one row per job, for the job list and the CLI. GUI thread only.
//
// The model stores and emits; TaskController decides. Every change to a row goes through one
// of the mutators below, which emit dataChanged with the changed roles only.
//
// The overall progress of the batch is kept as running sums, O(1) per update: every attempt in
// the batch is one unit, a terminal attempt (whatever its state) counts as a whole unit, a
// running one as its own progress, which is clamped monotone. So the overall value never moves
// back while the batch runs; only adding units (jobs, or a retry's new attempt) lowers it, and
// the units done never go down. The batch belongs to TaskController, which says when one
// begins (resetBatch); the model never starts one by itself.

#include "jobs/jobtypes.h"

#include <QtCore/QAbstractListModel>
#include <QtCore/QElapsedTimer>
#include <QtCore/QPointF>
#include <QtCore/QUrl>
#include <QtQml/qqmlregistration.h>

#include <array>

namespace longrun {

struct TaskRow
{
    int id = 0;
    JobSpec spec;
    QString params; // spec.describeParams(), kept to avoid rebuilding it for every paint
    State state = State::Queued;
    int attempt = 1;
    double progress = 0.0;
    QString progressText;
    qint64 startedAt = -1; // model clock, ms
    qint64 finishedAt = -1;
    qint64 pausedSince = -1;
    qint64 pausedTotal = 0;
    qint64 pid = 0;
    QString resultSummary;
    QVariantMap resultValues;
    QUrl imageUrl;
    QList<QPointF> series;
    QString error;
    QString stderrTail;
    // Overall-progress bookkeeping.
    quint64 batch = 0;
    double counted = 0.0;

    // "primes · limit=1000": what the job list and the CLI call the job.
    [[nodiscard]] QString title() const
    {
        return params.isEmpty() ? spec.kind : spec.kind + QStringLiteral(" · ") + params;
    }
};

class TaskModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("TaskModel is owned by TaskController")

    Q_PROPERTY(double overallProgress READ overallProgress NOTIFY overallProgressChanged)
    Q_PROPERTY(int total READ rowCount NOTIFY countsChanged)
    Q_PROPERTY(int queued READ queued NOTIFY countsChanged)
    Q_PROPERTY(int running READ running NOTIFY countsChanged)
    Q_PROPERTY(int paused READ paused NOTIFY countsChanged)
    Q_PROPERTY(int succeeded READ succeeded NOTIFY countsChanged)
    Q_PROPERTY(int failed READ failed NOTIFY countsChanged)
    Q_PROPERTY(int canceled READ canceled NOTIFY countsChanged)
    Q_PROPERTY(int timedOut READ timedOut NOTIFY countsChanged)
    Q_PROPERTY(int finished READ finished NOTIFY countsChanged)

public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        KindRole,
        ParamsRole,
        TitleRole,
        StateRole,
        StateNameRole,
        StateKeyRole,
        ProgressRole,
        ProgressTextRole,
        ElapsedTextRole,
        EtaTextRole,
        ResultSummaryRole,
        ResultValuesRole,
        ImageUrlRole,
        SeriesRole,
        ErrorRole,
        StderrTailRole,
        AttemptRole,
        PidRole,
        CanCancelRole,
        CanPauseRole,
        CanResumeRole,
        CanRetryRole,
        IsTerminalRole,
    };
    Q_ENUM(Role)

    explicit TaskModel(QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    // Reading, for the controller and the CLI.
    [[nodiscard]] const TaskRow *find(int id) const;
    [[nodiscard]] int rowOf(int id) const;
    [[nodiscard]] const TaskRow &at(int row) const { return m_rows.at(row); }
    [[nodiscard]] int idAt(int row) const;
    [[nodiscard]] double overallProgress() const;
    // Units of the batch: one per attempt added since resetBatch().
    [[nodiscard]] int batchSize() const { return m_batchUnits; }
    // Units of the batch done: whole jobs finished plus the fractions of those still going.
    [[nodiscard]] double batchDone() const { return m_batchComplete + m_batchPartial; }
    [[nodiscard]] int count(State s) const { return m_counts[static_cast<std::size_t>(s)]; }
    [[nodiscard]] int queued() const { return count(State::Queued); }
    [[nodiscard]] int running() const { return count(State::Starting) + count(State::Running); }
    [[nodiscard]] int paused() const { return count(State::Paused); }
    [[nodiscard]] int succeeded() const { return count(State::Succeeded); }
    [[nodiscard]] int failed() const { return count(State::Failed); }
    [[nodiscard]] int canceled() const { return count(State::Canceled); }
    [[nodiscard]] int timedOut() const { return count(State::TimedOut); }
    [[nodiscard]] int finished() const;
    [[nodiscard]] qint64 elapsedMs(const TaskRow &row) const;
    [[nodiscard]] qint64 etaMs(const TaskRow &row) const;
    [[nodiscard]] qint64 now() const { return m_clock.elapsed(); }

    // Changing, for the controller. Ids are increasing and rows are only ever appended or
    // removed, never reordered, so a row is found by binary search.
    // A new, empty batch: no units, the overall value 0. Rows of older batches no longer count.
    void resetBatch();
    // New rows, Queued, attempt 1, each one more unit of the current batch.
    void addJobs(const QList<JobSpec> &specs, int firstId);
    void setState(int id, State state);
    void setPid(int id, qint64 pid);
    void applyProgress(int id, std::optional<double> progress, std::optional<QString> text);
    void appendPoints(int id, const QList<QPointF> &points);
    void finish(int id, State terminal, const QString &error, const QString &stderrTail,
                const std::optional<JobResult> &result);
    void setImageUrl(int id, const QUrl &url);
    // Cancels these queued jobs at once (others are left alone), with one signal of each kind.
    void cancelQueued(const QList<int> &ids, const QString &error);
    // A new attempt (numbered `attempt`) on the same row: back to Queued, one more unit of the
    // current batch. The finished attempt keeps its unit.
    void requeue(int id, int attempt);
    // Removes terminal rows; the batch's units and sums stay. Returns how many went.
    int removeFinished();
    // Elapsed and ETA change with time alone: refresh them for these (active) jobs.
    void refreshClocks(const QList<int> &ids);

    static constexpr qsizetype kMaxSeriesPoints = 4096;

Q_SIGNALS:
    void overallProgressChanged();
    void countsChanged();

private:
    void changeState(TaskRow &row, State to, bool notify = true);
    void setCounted(TaskRow &row, double value, bool notify = true);
    [[nodiscard]] double batchRatio() const;
    void emitRow(int row, const QList<int> &roles);

    QList<TaskRow> m_rows;
    std::array<int, kStateCount> m_counts{};
    quint64 m_batch = 1;
    int m_batchUnits = 0;
    // Finished units are counted whole, apart from the running sum of fractions, so a batch
    // whose jobs are all done reads exactly 1.0 (a sum of fractions can end at 0.9999999).
    int m_batchComplete = 0;
    double m_batchPartial = 0.0;
    double m_lastOverall = 0.0;
    QElapsedTimer m_clock;
};

// "40 ms", "4.2s", "42s", "1:05", "1:02:03".
[[nodiscard]] QString formatDuration(qint64 ms);

} // namespace longrun
