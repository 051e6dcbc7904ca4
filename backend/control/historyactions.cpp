#include "control/historyactions.h"

#include "control/taskcontroller.h"
#include "store/datafiles.h"
#include "store/historyreader.h"
#include "system/background.h"

#include <QtConcurrent/QtConcurrentRun>
#include <QtCore/QFile>
#include <QtCore/QFutureWatcher>
#include <QtGui/QClipboard>
#include <QtGui/QGuiApplication>

#include <algorithm>

namespace longrun {

namespace {

struct RerunRead
{
    QList<StoredJob> jobs;
    QString error;
};

struct RunState
{
    bool found = false;
    bool finished = false;
    QString error;
};

QString own(const QString &text)
{
    return text.isNull() ? QString() : QString(text.constData(), text.size());
}

} // namespace

HistoryActions::HistoryActions(TaskController &controller, QObject *parent)
    : QObject(parent)
    , m_controller(controller)
{}

QVariantMap HistoryActions::review() const
{
    return reviewPending() ? m_summary.toVariantMap() : QVariantMap();
}

int HistoryActions::offer(const QList<JobSpec> &specs, const QList<qint64> &resumedFrom)
{
    const bool waited = reviewPending();
    m_specs.clear();
    m_from.clear();
    CommandSummary summary = summarizeCommands(specs);
    if (summary.isEmpty()) {
        if (waited)
            emit reviewChanged();
        const int first = specs.isEmpty() ? -1 : m_controller.enqueue(specs, resumedFrom);
        const int queued = first > 0 ? static_cast<int>(specs.size()) : 0;
        if (queued > 0)
            emit rerunQueued(queued);
        return queued;
    }
    m_specs = specs;
    m_from = resumedFrom;
    m_summary = std::move(summary);
    emit reviewChanged();
    return 0;
}

void HistoryActions::rerunJob(qint64 jobId)
{
    rerun(jobId, 0);
}

void HistoryActions::rerunRun(qint64 runId)
{
    rerun(0, runId);
}

void HistoryActions::rerun(qint64 jobId, qint64 runId)
{
    auto *watcher = new QFutureWatcher<RerunRead>(this);
    connect(watcher, &QFutureWatcher<RerunRead>::finished, this, [this, watcher] {
        const RerunRead read = watcher->result();
        watcher->deleteLater();
        rerunRead(read.jobs, read.error);
    });
    // A run may hold 100,000 jobs: read in the background, with a reader of its own.
    watcher->setFuture(QtConcurrent::run(
        backgroundPool(), [dir = own(m_controller.history()->dataDirectory()), jobId, runId] {
            RerunRead read;
            HistoryReader reader;
            if (!reader.open(dir, &read.error))
                return read;
            if (jobId > 0) {
                if (std::optional<StoredJob> job = reader.job(jobId))
                    read.jobs << *job;
            } else {
                read.jobs = reader.jobsOfRun(runId);
            }
            if (read.jobs.isEmpty())
                read.error = tr("that job is no longer in the history");
            return read;
        }));
}

void HistoryActions::rerunRead(const QList<StoredJob> &jobs, const QString &error)
{
    if (!error.isEmpty()) {
        emit m_controller.errorOccurred(tr("Cannot rerun: %1").arg(error));
        return;
    }
    QList<JobSpec> specs;
    QList<qint64> from;
    int refused = 0;
    for (const StoredJob &job : jobs) {
        const KindSpec *kind = m_controller.catalog()->catalog().find(job.spec.kind);
        if (kind && kind->check(job.spec.params).isEmpty()) {
            specs << job.spec;
            from << job.id;
        } else {
            ++refused;
        }
    }
    if (refused > 0)
        emit m_controller.errorOccurred(
            tr("%n stored job(s) left out: the worker no longer accepts them", "", refused));
    if (!specs.isEmpty())
        offer(specs, from);
}

int HistoryActions::confirmReview()
{
    if (!reviewPending())
        return 0;
    const QList<JobSpec> specs = std::exchange(m_specs, {});
    const QList<qint64> from = std::exchange(m_from, {});
    emit reviewChanged();
    if (m_controller.enqueue(specs, from) < 0)
        return 0;
    emit rerunQueued(static_cast<int>(specs.size()));
    return static_cast<int>(specs.size());
}

void HistoryActions::dismissReview()
{
    if (!reviewPending())
        return;
    m_specs.clear();
    m_from.clear();
    emit reviewChanged();
}

bool HistoryActions::deleteRun(qint64 runId)
{
    HistoryStore *store = m_controller.history();
    if (!store->isOn() || runId <= 0 || runId == store->runId()) {
        emit m_controller.errorOccurred(
            runId == store->runId()
                ? tr("The run of this window cannot be deleted while it is open")
                : tr("The history is off: nothing can be deleted"));
        return false;
    }
    auto *watcher = new QFutureWatcher<RunState>(this);
    connect(watcher, &QFutureWatcher<RunState>::finished, this, [this, watcher, runId] {
        const RunState state = watcher->result();
        watcher->deleteLater();
        if (!state.error.isEmpty() || !state.found || !state.finished) {
            emit m_controller.errorOccurred(
                !state.error.isEmpty() ? tr("Cannot delete run %1: %2").arg(runId).arg(state.error)
                : !state.found         ? tr("Run %1 is no longer in the history").arg(runId)
                                       : tr("Run %1 is still running in another longrun: it "
                                                    "can be deleted once it is over")
                                     .arg(runId));
            return;
        }
        StoreEvent event;
        event.type = StoreEvent::Type::DeletedRun;
        event.runId = runId;
        m_controller.history()->record(std::move(event), [this, runId] {
            m_controller.pastJobs()->reload();
            emit runDeleted(runId);
        });
    });
    watcher->setFuture(
        QtConcurrent::run(backgroundPool(), [dir = own(store->dataDirectory()), runId] {
            RunState state;
            HistoryReader reader;
            if (!reader.open(dir, &state.error))
                return state;
            const std::optional<StoredRun> run = reader.run(runId);
            state.found = run.has_value();
            state.finished = run && run->finishedAt > 0;
            return state;
        }));
    return true;
}

QString HistoryActions::logTail(const QString &logPath, int maxBytes) const
{
    QString why;
    const std::optional<QString> path = dataFile(m_controller.dataDirectory(), logPath, &why);
    QFile file(path.value_or(QString()));
    if (!path || !file.open(QIODevice::ReadOnly)) {
        return tr("[the log cannot be shown: %1]").arg(path ? file.errorString() : why);
    }
    const qint64 size = file.size();
    const qint64 from = std::max<qint64>(0, size - std::max(maxBytes, 1));
    if (!file.seek(from))
        return tr("[the log cannot be shown: %1]").arg(file.errorString());
    QByteArray bytes = file.read(size - from);
    if (from > 0) {
        // Cut into a record: start at the next whole one, and say that more came before.
        const qsizetype newline = bytes.indexOf('\n');
        bytes = newline < 0 ? QByteArray() : bytes.mid(newline + 1);
        bytes.prepend(tr("[... %1 bytes before]\n").arg(from).toUtf8());
    }
    return QString::fromUtf8(bytes);
}

void HistoryActions::copyText(const QString &text)
{
    if (QClipboard *clipboard = QGuiApplication::clipboard())
        clipboard->setText(text);
}

} // namespace longrun
