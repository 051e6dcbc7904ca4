#include "models/historymodel.h"

#include "store/historyreader.h"
#include "store/jobexport.h"
#include "system/background.h"
#include "system/signalname.h"

#include <QtConcurrent/QtConcurrentRun>
#include <QtCore/QDateTime>
#include <QtCore/QFile>
#include <QtCore/QFutureWatcher>
#include <QtCore/QLocale>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace longrun {

namespace {

// A copy of its own for the reading thread (see HistoryStore's own()).
QString own(const QString &text)
{
    return text.isNull() ? QString() : QString(text.constData(), text.size());
}

JobQuery own(JobQuery query)
{
    query.text = own(query.text);
    query.kind = own(query.kind);
    for (QString &state : query.states)
        state = own(state);
    return query;
}

QString stateText(const QString &key)
{
    static const QHash<QString, QString> names = {
        {QStringLiteral("queued"), HistoryModel::tr("Queued")},
        {QStringLiteral("starting"), HistoryModel::tr("Starting")},
        {QStringLiteral("running"), HistoryModel::tr("Running")},
        {QStringLiteral("paused"), HistoryModel::tr("Paused")},
        {QStringLiteral("succeeded"), HistoryModel::tr("Succeeded")},
        {QStringLiteral("failed"), HistoryModel::tr("Failed")},
        {QStringLiteral("canceled"), HistoryModel::tr("Canceled")},
        {QStringLiteral("timed_out"), HistoryModel::tr("Timed out")},
        {QStringLiteral("interrupted"), HistoryModel::tr("Interrupted")},
    };
    return names.value(key, key);
}

QString when(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                  : QString();
}

QString runtime(const StoredJob &job)
{
    if (job.startedAt <= 0)
        return job.finishedAt > 0 ? HistoryModel::tr("never ran") : QString();
    if (job.finishedAt <= 0)
        return HistoryModel::tr("since %1").arg(when(job.startedAt));
    const qint64 ms = std::max<qint64>(0, job.finishedAt - job.startedAt);
    if (ms < 10000)
        return QStringLiteral("%1 s").arg(static_cast<double>(ms) / 1000.0, 0, 'f', 1);
    const qint64 s = ms / 1000;
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0'));
}

QString exitText(const StoredJob &job)
{
    if (job.signal)
        return HistoryModel::tr("signal %1").arg(describeSignal(*job.signal));
    if (job.exitCode)
        return HistoryModel::tr("exit %1").arg(*job.exitCode);
    return {};
}

// What the background read of one page returns: the rows, and (for a new query or a refresh)
// the count and the kinds.
struct ReadResult
{
    QList<StoredJob> jobs;
    int count = -1;
    QStringList kinds;
    QString error;
};

ReadResult readPage(const QString &dataDir, const JobQuery &query, bool counts)
{
    ReadResult result;
    HistoryReader reader;
    if (!reader.open(dataDir, &result.error))
        return result;
    result.jobs = reader.jobs(query);
    if (counts) {
        result.count = reader.count(query);
        result.kinds = reader.kinds();
    }
    return result;
}

// The export's file: new, owner-only, never through a link, never over a file (O_EXCL).
int createExportFile(const QString &path, QString *error)
{
    const int fd = ::open(QFile::encodeName(path).constData(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        *error = errno == EEXIST
                     ? HistoryModel::tr("'%1' exists already: an export never replaces a file, "
                                        "choose another name")
                           .arg(path)
                     : HistoryModel::tr("cannot create '%1': %2")
                           .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
    return fd;
}

struct ExportResult
{
    bool ok = false;
    QString message;
};

ExportResult writeExport(const QString &dataDir, JobQuery query, const QString &path,
                         ExportFormat format)
{
    QString error;
    HistoryReader reader;
    if (!reader.open(dataDir, &error))
        return {false, error};
    const int fd = createExportFile(path, &error);
    if (fd < 0)
        return {false, error};
    QFile file;
    if (!file.open(fd, QIODevice::WriteOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        return {false, file.errorString()};
    }
    ExportWriter writer(file, format);
    writer.begin();
    // Page by page: 100,000 jobs are never in memory at once.
    query.limit = 1000;
    query.beforeId.reset();
    int written = 0;
    for (;;) {
        const QList<StoredJob> page = reader.jobs(query);
        for (const StoredJob &job : page)
            writer.add(job);
        written += static_cast<int>(page.size());
        if (page.size() < query.limit)
            break;
        query.beforeId = page.last().id;
    }
    if (!writer.end() || !file.flush())
        return {false, HistoryModel::tr("cannot write '%1': %2").arg(path, file.errorString())};
    return {true, HistoryModel::tr("%n job(s) exported to %1", "", written).arg(path)};
}

} // namespace

HistoryModel::HistoryModel(QObject *parent)
    : QAbstractListModel(parent)
{
    m_refresh.setSingleShot(true);
    m_refresh.setInterval(kRefreshMs);
    connect(&m_refresh, &QTimer::timeout, this, [this] { request(Read::Head); });
}

HistoryModel::~HistoryModel() = default;

void HistoryModel::setDataDirectory(const QString &dir)
{
    if (dir == m_dataDir)
        return;
    m_dataDir = dir;
    reload();
}

void HistoryModel::setCurrentRun(qint64 runId)
{
    if (runId == m_currentRun)
        return;
    m_currentRun = runId;
    emit currentRunChanged();
}

void HistoryModel::storeCommitted()
{
    if (!m_refresh.isActive())
        m_refresh.start();
}

void HistoryModel::reload()
{
    ++m_generation; // whatever is being read now is for rows about to go
    request(Read::Reset);
}

QString HistoryModel::state() const
{
    return m_query.states.isEmpty() ? QString() : m_query.states.first();
}

void HistoryModel::setText(const QString &text)
{
    if (text == m_query.text)
        return;
    m_query.text = text;
    filtersChanged();
}

void HistoryModel::setState(const QString &state)
{
    if (state == this->state())
        return;
    m_query.states = state.isEmpty() ? QStringList() : QStringList{state};
    filtersChanged();
}

void HistoryModel::setKind(const QString &kind)
{
    if (kind == m_query.kind)
        return;
    m_query.kind = kind;
    filtersChanged();
}

void HistoryModel::setDays(int days)
{
    days = std::max(0, days);
    if (days == m_days)
        return;
    m_days = days;
    filtersChanged();
}

void HistoryModel::filtersChanged()
{
    emit filterChanged();
    reload();
}

QString HistoryModel::countText() const
{
    if (m_count < 0)
        return {};
    return m_count == 1 ? tr("1 job") : tr("%1 jobs").arg(QLocale().toString(m_count));
}

JobQuery HistoryModel::query() const
{
    JobQuery query = m_query;
    query.since =
        m_days > 0 ? QDateTime::currentMSecsSinceEpoch() - qint64{m_days} * 24 * 3600 * 1000 : 0;
    query.beforeId.reset();
    query.limit = kPageSize;
    return query;
}

int HistoryModel::rowOfJob(qint64 jobId) const
{
    // Rows are sorted by id, newest (largest) first.
    const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), jobId,
                                     [](const StoredJob &job, qint64 id) { return job.id > id; });
    return it != m_rows.cend() && it->id == jobId ? static_cast<int>(it - m_rows.cbegin()) : -1;
}

const StoredJob *HistoryModel::jobAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

void HistoryModel::request(Read read)
{
    if (read == Read::Reset) {
        m_wantReset = true;
        m_wantHead = m_wantMore = false;
    } else if (read == Read::Head) {
        m_wantHead = true;
    } else {
        m_wantMore = true;
    }
    if (!m_busy)
        startRead();
}

// One read at a time, in this order: a reset makes the others moot; a refresh of the head
// comes before more rows at the bottom.
void HistoryModel::startRead()
{
    Read read;
    if (m_wantReset)
        read = Read::Reset;
    else if (m_wantHead)
        read = Read::Head;
    else if (m_wantMore && !m_atEnd && !m_rows.isEmpty())
        read = Read::More;
    else {
        m_wantMore = false;
        setBusy(false);
        return;
    }
    m_wantReset = m_wantHead = false;
    if (read == Read::More)
        m_wantMore = false;
    if (m_dataDir.isEmpty()) {
        setBusy(false);
        return;
    }
    JobQuery query = own(this->query());
    if (read == Read::More)
        query.beforeId = m_rows.last().id;
    setBusy(true);
    const quint64 generation = m_generation;
    auto *watcher = new QFutureWatcher<ReadResult>(this);
    connect(watcher, &QFutureWatcher<ReadResult>::finished, this,
            [this, watcher, read, generation] {
                ReadResult result = watcher->result();
                watcher->deleteLater();
                apply(read, generation,
                      Page{std::move(result.jobs), result.count, std::move(result.kinds),
                           std::move(result.error)});
            });
    watcher->setFuture(QtConcurrent::run(
        backgroundPool(), [dir = own(m_dataDir), query, counts = read != Read::More] {
            return readPage(dir, query, counts);
        }));
}

void HistoryModel::apply(Read read, quint64 generation, Page page)
{
    if (generation == m_generation) {
        if (m_problem != page.error) {
            m_problem = page.error;
            emit problemChanged();
        }
        if (read == Read::Reset) {
            beginResetModel();
            m_rows = std::move(page.jobs);
            m_atEnd = m_rows.size() < kPageSize;
            endResetModel();
        } else if (read == Read::More) {
            m_atEnd = page.jobs.size() < kPageSize;
            if (!page.jobs.isEmpty()) {
                const int first = static_cast<int>(m_rows.size());
                beginInsertRows({}, first, first + static_cast<int>(page.jobs.size()) - 1);
                m_rows << page.jobs;
                endInsertRows();
            }
        } else {
            applyHead(std::move(page.jobs));
        }
        if (page.count >= 0 && page.count != m_count) {
            m_count = page.count;
            emit countChanged();
        }
        if (read != Read::More && page.error.isEmpty() && page.kinds != m_kinds) {
            m_kinds = page.kinds;
            emit kindsChanged();
        }
        emit pageLoaded();
    }
    startRead();
}

// The newest page, read again: what is new goes on top, what changed is updated, what no longer
// matches (inside the page's span) goes. Only when nothing loaded is in the page any more (more
// than a page arrived since) does it start over, as there may be a gap.
void HistoryModel::applyHead(QList<StoredJob> jobs)
{
    if (m_rows.isEmpty() || (jobs.size() >= kPageSize && jobs.last().id > m_rows.first().id)) {
        beginResetModel();
        m_rows = std::move(jobs);
        m_atEnd = m_rows.size() < kPageSize;
        endResetModel();
        return;
    }
    // The span the page covers: down to its oldest row, or everything when it is not full.
    const qint64 floor = jobs.size() >= kPageSize ? jobs.last().id : 0;
    QHash<qint64, const StoredJob *> fresh;
    for (const StoredJob &job : jobs)
        fresh.insert(job.id, &job);
    for (int row = static_cast<int>(m_rows.size()) - 1; row >= 0; --row) {
        if (m_rows.at(row).id < floor || fresh.contains(m_rows.at(row).id))
            continue;
        int first = row;
        while (first > 0 && !fresh.contains(m_rows.at(first - 1).id))
            --first;
        beginRemoveRows({}, first, row);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        row = first;
    }
    static const QList<int> changing = {StateKeyRole,  StateTextRole, RuntimeTextRole, MessageRole,
                                        SummaryRole,   ErrorTextRole, ExitTextRole,    LogPathRole,
                                        ImagePathRole, HostRole,      AttemptsRole};
    for (int row = 0; row < m_rows.size(); ++row) {
        const StoredJob *now = fresh.value(m_rows.at(row).id, nullptr);
        if (!now)
            continue;
        const StoredJob &was = m_rows.at(row);
        if (now->state != was.state || now->attempts != was.attempts
            || now->finishedAt != was.finishedAt || now->startedAt != was.startedAt
            || now->summary != was.summary || now->error != was.error
            || now->imagePath != was.imagePath || now->logPath != was.logPath) {
            m_rows[row] = *now;
            emit dataChanged(index(row), index(row), changing);
        }
    }
    const qint64 newest = m_rows.isEmpty() ? 0 : m_rows.first().id;
    const auto fresher = std::find_if(jobs.cbegin(), jobs.cend(),
                                      [newest](const StoredJob &job) { return job.id <= newest; });
    const int added = static_cast<int>(fresher - jobs.cbegin());
    if (added > 0) {
        beginInsertRows({}, 0, added - 1);
        m_rows = jobs.first(added) + m_rows;
        endInsertRows();
    }
}

void HistoryModel::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit loadingChanged();
}

void HistoryModel::exportTo(const QUrl &file, const QString &format)
{
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    const ExportFormat kind = format == u"json" ? ExportFormat::Json : ExportFormat::Csv;
    JobQuery filter = own(query());
    auto *watcher = new QFutureWatcher<ExportResult>(this);
    connect(watcher, &QFutureWatcher<ExportResult>::finished, this, [this, watcher] {
        const ExportResult result = watcher->result();
        watcher->deleteLater();
        emit exportFinished(result.ok, result.message);
    });
    watcher->setFuture(
        QtConcurrent::run(backgroundPool(), [dir = own(m_dataDir), filter, path = own(path), kind] {
            return writeExport(dir, filter, path, kind);
        }));
}

QString HistoryModel::exportFieldList()
{
    return longrun::exportFieldList();
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const StoredJob &job = m_rows.at(index.row());
    switch (role) {
    case JobIdRole:
        return job.id;
    case RunIdRole:
        return job.runId;
    case SeqRole:
        return job.seq;
    case KindRole:
        return job.spec.kind;
    case StateKeyRole:
        return job.state;
    case StateTextRole:
        return stateText(job.state);
    case CommandLineRole:
        return jobCommandLine(job.spec);
    case AddedTextRole:
        return when(job.addedAt);
    case RuntimeTextRole:
        return runtime(job);
    case MessageRole:
        return job.summary.isEmpty() ? job.error.section(u'\n', 0, 0) : job.summary;
    case SummaryRole:
        return job.summary;
    case ErrorTextRole:
        return job.error;
    case ExitTextRole:
        return exitText(job);
    case LogPathRole:
        return job.logPath;
    case ImagePathRole:
        return job.imagePath;
    case HostRole:
        return job.host;
    case AttemptsRole:
        return job.attempts;
    case IsCommandRole:
        return job.spec.kind == u"command";
    default:
        return {};
    }
}

QHash<int, QByteArray> HistoryModel::roleNames() const
{
    return {
        {JobIdRole, "jobId"},
        {RunIdRole, "runId"},
        {SeqRole, "seq"},
        {KindRole, "kind"},
        {StateKeyRole, "stateKey"},
        {StateTextRole, "stateText"},
        {CommandLineRole, "commandLine"},
        {AddedTextRole, "addedText"},
        {RuntimeTextRole, "runtimeText"},
        {MessageRole, "message"},
        {SummaryRole, "summary"},
        {ErrorTextRole, "errorText"},
        {ExitTextRole, "exitText"},
        {LogPathRole, "logPath"},
        {ImagePathRole, "imagePath"},
        {HostRole, "host"},
        {AttemptsRole, "attempts"},
        {IsCommandRole, "isCommand"},
    };
}

bool HistoryModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_atEnd && !m_rows.isEmpty();
}

void HistoryModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        request(Read::More);
}

} // namespace longrun
