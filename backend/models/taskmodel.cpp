#include "models/taskmodel.h"

#include "jobs/actions.h"

#include <algorithm>
#include <cmath>

namespace longrun {

QString formatDuration(qint64 ms)
{
    ms = std::max<qint64>(0, ms);
    // Short jobs are common: "40 ms" and "0.4s" say more than "0:00".
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 10000)
        return QStringLiteral("%1s").arg(static_cast<double>(ms) / 1000.0, 0, 'f', 1);
    const qint64 totalSeconds = (ms + 500) / 1000;
    if (totalSeconds < 60)
        return QStringLiteral("%1s").arg(totalSeconds);
    const qint64 h = totalSeconds / 3600;
    const qint64 m = (totalSeconds / 60) % 60;
    const qint64 s = totalSeconds % 60;
    if (h > 0)
        return QStringLiteral("%1:%2:%3")
            .arg(h)
            .arg(m, 2, 10, QLatin1Char('0'))
            .arg(s, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QLatin1Char('0'));
}

TaskModel::TaskModel(QObject *parent)
    : QAbstractListModel(parent)
{
    m_clock.start();
}

int TaskModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QHash<int, QByteArray> TaskModel::roleNames() const
{
    return {
        {IdRole, "jobId"},
        {KindRole, "kind"},
        {ParamsRole, "params"},
        {TitleRole, "title"},
        {StateRole, "state"},
        {StateNameRole, "stateName"},
        {StateKeyRole, "stateKey"},
        {ProgressRole, "progress"},
        {ProgressTextRole, "progressText"},
        {ElapsedTextRole, "elapsedText"},
        {EtaTextRole, "etaText"},
        {ResultSummaryRole, "resultSummary"},
        {ResultValuesRole, "resultValues"},
        {ImageUrlRole, "imageUrl"},
        {SeriesRole, "series"},
        {ErrorRole, "error"},
        {StderrTailRole, "stderrTail"},
        {AttemptRole, "attempt"},
        {PidRole, "pid"},
        {CanCancelRole, "canCancel"},
        {CanPauseRole, "canPause"},
        {CanResumeRole, "canResume"},
        {CanRetryRole, "canRetry"},
        {IsTerminalRole, "isTerminal"},
    };
}

qint64 TaskModel::elapsedMs(const TaskRow &row) const
{
    if (row.startedAt < 0)
        return 0;
    const qint64 end = row.finishedAt >= 0 ? row.finishedAt : now();
    const qint64 paused = row.pausedTotal + (row.pausedSince >= 0 ? end - row.pausedSince : 0);
    return std::max<qint64>(0, end - row.startedAt - paused);
}

qint64 TaskModel::etaMs(const TaskRow &row) const
{
    if (!isActive(row.state) || row.progress < 0.01)
        return -1;
    const qint64 elapsed = elapsedMs(row);
    if (elapsed < 1000)
        return -1;
    return static_cast<qint64>(static_cast<double>(elapsed) * (1.0 - row.progress) / row.progress);
}

QVariant TaskModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TaskRow &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return row.title();
    case IdRole:
        return row.id;
    case KindRole:
        return row.spec.kind;
    case ParamsRole:
        return row.params;
    case StateRole:
        return QVariant::fromValue(row.state);
    case StateNameRole:
        return stateDisplayName(row.state);
    case StateKeyRole:
        return stateKey(row.state);
    case ProgressRole:
        return row.progress;
    case ProgressTextRole:
        return row.progressText;
    case ElapsedTextRole:
        return row.startedAt < 0 ? QString() : formatDuration(elapsedMs(row));
    case EtaTextRole: {
        const qint64 eta = etaMs(row);
        return eta < 0 ? QString() : formatDuration(eta);
    }
    case ResultSummaryRole:
        return row.resultSummary;
    case ResultValuesRole:
        return row.resultValues;
    case ImageUrlRole:
        return row.imageUrl;
    case SeriesRole:
        return QVariant::fromValue(row.series);
    case ErrorRole:
        return row.error;
    case StderrTailRole:
        return row.stderrTail;
    case AttemptRole:
        return row.attempt;
    case PidRole:
        return row.pid;
    case CanCancelRole:
        return canCancel(row.state);
    case CanPauseRole:
        return canPause(row.state);
    case CanResumeRole:
        return canResume(row.state);
    case CanRetryRole:
        return canRetry(row.state);
    case IsTerminalRole:
        return isTerminal(row.state);
    default:
        return {};
    }
}

int TaskModel::rowOf(int id) const
{
    const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), id,
                                     [](const TaskRow &r, int value) { return r.id < value; });
    if (it == m_rows.cend() || it->id != id)
        return -1;
    return static_cast<int>(it - m_rows.cbegin());
}

const TaskRow *TaskModel::find(int id) const
{
    const int row = rowOf(id);
    return row < 0 ? nullptr : &m_rows.at(row);
}

int TaskModel::idAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : -1;
}

double TaskModel::overallProgress() const
{
    return m_lastOverall;
}

int TaskModel::finished() const
{
    return succeeded() + failed() + canceled() + timedOut();
}

void TaskModel::resetBatch()
{
    ++m_batch;
    m_batchUnits = 0;
    m_batchComplete = 0;
    m_batchPartial = 0.0;
    m_lastOverall = 0.0;
    emit overallProgressChanged();
}

double TaskModel::batchRatio() const
{
    if (m_batchUnits <= 0)
        return 0.0;
    if (m_batchComplete >= m_batchUnits)
        return 1.0;
    return std::clamp((m_batchComplete + std::max(0.0, m_batchPartial)) / m_batchUnits, 0.0, 1.0);
}

void TaskModel::setCounted(TaskRow &row, double value, bool notify)
{
    if (row.batch != m_batch)
        return;
    if (value <= row.counted)
        return;
    if (value >= 1.0) {
        m_batchPartial -= row.counted;
        ++m_batchComplete;
        row.counted = 1.0;
    } else {
        m_batchPartial += value - row.counted;
        row.counted = value;
    }
    const double overall = batchRatio();
    // Sums of doubles can wobble in the last bit; the bar must not.
    if (overall > m_lastOverall) {
        m_lastOverall = overall;
        if (notify)
            emit overallProgressChanged();
    }
}

void TaskModel::emitRow(int row, const QList<int> &roles)
{
    const QModelIndex idx = index(row);
    emit dataChanged(idx, idx, roles);
}

void TaskModel::addJobs(const QList<JobSpec> &specs, int firstId)
{
    if (specs.isEmpty())
        return;
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(specs.size()) - 1);
    m_rows.reserve(m_rows.size() + specs.size());
    int id = firstId;
    for (const JobSpec &spec : specs) {
        TaskRow row;
        row.id = id++;
        row.spec = spec;
        row.params = spec.describeParams();
        row.batch = m_batch;
        m_rows.append(std::move(row));
    }
    m_counts[static_cast<std::size_t>(State::Queued)] += static_cast<int>(specs.size());
    m_batchUnits += static_cast<int>(specs.size());
    m_lastOverall = batchRatio();
    endInsertRows();
    emit countsChanged();
    emit overallProgressChanged();
}

void TaskModel::changeState(TaskRow &row, State to, bool notify)
{
    if (row.state == to)
        return;
    --m_counts[static_cast<std::size_t>(row.state)];
    ++m_counts[static_cast<std::size_t>(to)];
    const qint64 t = now();
    if (to == State::Starting && row.startedAt < 0)
        row.startedAt = t;
    if (to == State::Paused && row.pausedSince < 0)
        row.pausedSince = t;
    if (row.state == State::Paused && row.pausedSince >= 0) {
        row.pausedTotal += t - row.pausedSince;
        row.pausedSince = -1;
    }
    if (isTerminal(to))
        row.finishedAt = t;
    row.state = to;
    if (notify)
        emit countsChanged();
}

void TaskModel::setState(int id, State state)
{
    const int r = rowOf(id);
    if (r < 0)
        return;
    TaskRow &row = m_rows[r];
    if (isTerminal(row.state) || row.state == state)
        return;
    changeState(row, state);
    emitRow(r, {StateRole, StateNameRole, StateKeyRole, CanCancelRole, CanPauseRole, CanResumeRole,
                CanRetryRole, IsTerminalRole, ElapsedTextRole, EtaTextRole});
}

void TaskModel::setPid(int id, qint64 pid)
{
    const int r = rowOf(id);
    if (r < 0 || m_rows[r].pid == pid)
        return;
    m_rows[r].pid = pid;
    emitRow(r, {PidRole});
}

void TaskModel::applyProgress(int id, std::optional<double> progress, std::optional<QString> text)
{
    const int r = rowOf(id);
    if (r < 0)
        return;
    TaskRow &row = m_rows[r];
    if (isTerminal(row.state))
        return;
    QList<int> roles;
    if (progress && std::isfinite(*progress)) {
        const double p = std::clamp(*progress, 0.0, 1.0);
        if (p > row.progress) {
            row.progress = p;
            setCounted(row, p);
            roles << ProgressRole << EtaTextRole;
        }
    }
    if (text && *text != row.progressText) {
        row.progressText = *text;
        roles << ProgressTextRole;
    }
    if (!roles.isEmpty())
        emitRow(r, roles);
}

void TaskModel::appendPoints(int id, const QList<QPointF> &points)
{
    const int r = rowOf(id);
    if (r < 0 || points.isEmpty())
        return;
    TaskRow &row = m_rows[r];
    row.series.append(points);
    while (row.series.size() > kMaxSeriesPoints)
        halveDensity(row.series);
    emitRow(r, {SeriesRole});
}

void TaskModel::finish(int id, State terminal, const QString &error, const QString &stderrTail,
                       const std::optional<JobResult> &result)
{
    const int r = rowOf(id);
    if (r < 0)
        return;
    TaskRow &row = m_rows[r];
    if (isTerminal(row.state) || !isTerminal(terminal))
        return;
    changeState(row, terminal);
    row.error = error;
    row.stderrTail = stderrTail;
    if (result) {
        row.resultSummary = result->summary;
        row.resultValues = result->values;
    }
    if (terminal == State::Succeeded) {
        row.progress = 1.0;
        row.progressText.clear();
    }
    setCounted(row, 1.0);
    emitRow(r, {StateRole, StateNameRole, StateKeyRole, ProgressRole, ProgressTextRole,
                ElapsedTextRole, EtaTextRole, ResultSummaryRole, ResultValuesRole, ErrorRole,
                StderrTailRole, CanCancelRole, CanPauseRole, CanResumeRole, CanRetryRole,
                IsTerminalRole});
}

void TaskModel::cancelQueued(const QList<int> &ids, const QString &error)
{
    // One signal of each kind for the lot: canceling 10,000 queued jobs must not re-evaluate
    // every binding on the counts 10,000 times.
    int first = -1;
    int last = -1;
    for (const int id : ids) {
        const int r = rowOf(id);
        if (r < 0 || m_rows.at(r).state != State::Queued)
            continue;
        TaskRow &row = m_rows[r];
        changeState(row, State::Canceled, false);
        row.error = error;
        setCounted(row, 1.0, false);
        first = first < 0 ? r : std::min(first, r);
        last = std::max(last, r);
    }
    if (first < 0)
        return;
    emit dataChanged(index(first), index(last),
                     {StateRole, StateNameRole, StateKeyRole, ErrorRole, CanCancelRole,
                      CanPauseRole, CanResumeRole, CanRetryRole, IsTerminalRole});
    emit countsChanged();
    emit overallProgressChanged();
}

void TaskModel::setImageUrl(int id, const QUrl &url)
{
    const int r = rowOf(id);
    if (r < 0)
        return;
    m_rows[r].imageUrl = url;
    emitRow(r, {ImageUrlRole});
}

void TaskModel::requeue(int id, int attempt)
{
    const int r = rowOf(id);
    if (r < 0)
        return;
    TaskRow &row = m_rows[r];
    if (!isTerminal(row.state))
        return;
    ++m_batchUnits;
    row.batch = m_batch;
    row.counted = 0.0;
    m_lastOverall = batchRatio();
    --m_counts[static_cast<std::size_t>(row.state)];
    ++m_counts[static_cast<std::size_t>(State::Queued)];
    row.state = State::Queued;
    row.attempt = attempt;
    row.progress = 0.0;
    row.progressText.clear();
    row.startedAt = row.finishedAt = row.pausedSince = -1;
    row.pausedTotal = 0;
    row.pid = 0;
    row.resultSummary.clear();
    row.resultValues.clear();
    row.imageUrl.clear();
    row.series.clear();
    row.error.clear();
    row.stderrTail.clear();
    emit dataChanged(index(r), index(r)); // nearly every role changed
    emit countsChanged();
    emit overallProgressChanged();
}

int TaskModel::removeFinished()
{
    int removed = 0;
    // Remove contiguous runs from the end so that each begin/endRemoveRows is one range.
    for (int r = static_cast<int>(m_rows.size()) - 1; r >= 0;) {
        if (!isTerminal(m_rows.at(r).state)) {
            --r;
            continue;
        }
        int first = r;
        while (first > 0 && isTerminal(m_rows.at(first - 1).state))
            --first;
        beginRemoveRows({}, first, r);
        for (int i = first; i <= r; ++i)
            --m_counts[static_cast<std::size_t>(m_rows.at(i).state)];
        m_rows.remove(first, r - first + 1);
        endRemoveRows();
        removed += r - first + 1;
        r = first - 1;
    }
    if (removed > 0)
        emit countsChanged();
    return removed;
}

void TaskModel::refreshClocks(const QList<int> &ids)
{
    for (const int id : ids) {
        if (const int r = rowOf(id); r >= 0)
            emitRow(r, {ElapsedTextRole, EtaTextRole});
    }
}

} // namespace longrun
