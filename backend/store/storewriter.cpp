#include "store/storewriter.h"

#include "store/datadir.h"
#include "store/datafiles.h"
#include "store/jobjson.h"
#include "store/jobrows.h"
#include "store/owner.h"
#include "store/schema.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QSysInfo>
#include <QtCore/QTimer>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

#include <sys/stat.h>
#include <unistd.h>

#include <utility>

namespace longrun {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// The history file itself: a regular file of ours, never a planted link (the folder is
// owner-only, checked by prepareDataDirectory(), so nobody else can plant one in it later).
bool checkOrCreateFile(const QString &path, QString *error)
{
    struct stat info = {};
    if (::lstat(QFile::encodeName(path).constData(), &info) != 0)
        return createPrivateFile(path, error);
    if (!S_ISREG(info.st_mode)) {
        *error = QStringLiteral("refusing '%1': it is not a regular file").arg(path);
        return false;
    }
    if (info.st_uid != ::geteuid()) {
        *error = QStringLiteral("refusing '%1': it belongs to another user").arg(path);
        return false;
    }
    return true;
}

// A damaged file is kept for whoever wants to look at it, under a name that is not reused.
QString setAside(const QString &path)
{
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString aside = path + QStringLiteral(".damaged-") + stamp;
    for (int n = 2; QFileInfo::exists(aside); ++n)
        aside = path + QStringLiteral(".damaged-%1-%2").arg(stamp).arg(n);
    QFile::rename(path, aside);
    QFile::remove(path + QStringLiteral("-wal"));
    QFile::remove(path + QStringLiteral("-shm"));
    return aside;
}

} // namespace

StoreWriter::StoreWriter()
    : m_connection(QStringLiteral("longrun-store-%1").arg(reinterpret_cast<quintptr>(this)))
    , m_host(QSysInfo::machineHostName())
{}

StoreWriter::~StoreWriter()
{
    close();
}

void StoreWriter::open()
{
    QStringList notices;
    QString error;
    const std::optional<QString> dir = prepareDataDirectory(m_dataDir, &error);
    const bool ok =
        dir && openDatabase(QDir(*dir).filePath(QStringLiteral("history.db")), &notices, &error)
        && beginRun(m_origin, &error);
    if (!ok)
        close();
    else
        recoverInterrupted(&notices);
    m_off = !ok;
    if (ok) {
        m_root = *dir;
        QMetaObject::invokeMethod(this, "prune", Qt::QueuedConnection);
    }
    m_reports->change([&](Report &report) {
        report.runId = ok ? m_runId : 0;
        report.error = ok ? QString() : QStringLiteral("history is off: %1").arg(error);
        report.notices = notices;
    });
    tell("onWriterOpened");
}

bool StoreWriter::openDatabase(const QString &path, QStringList *notices, QString *error)
{
    if (!checkOrCreateFile(path, error))
        return false;
    m_path = path;
    for (int tries = 0; tries < 2; ++tries) {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
            if (!db.isValid()) {
                *error = QStringLiteral("Qt SQL has no SQLite driver (Debian: install "
                                        "libqt6sql6-sqlite)");
                return false;
            }
            db.setDatabaseName(path);
            // Two longrun processes share one file: a writer waits for the other's transaction.
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
            if (db.open() && configure(error) && store::migrate(db, error)) {
                m_sql = std::make_unique<Statements>(db);
                return true;
            }
            if (!db.isOpen())
                *error = db.lastError().text();
        }
        // Not a database, or one that fails its check: keep it aside and start a fresh one.
        QSqlDatabase::removeDatabase(m_connection);
        if (tries > 0 || error->contains(QStringLiteral("newer longrun")))
            return false;
        const QString aside = setAside(path);
        notices->append(QStringLiteral("the history file '%1' was damaged (%2); it was kept as "
                                       "'%3' and a new one was started")
                            .arg(path, *error, aside));
        if (!createPrivateFile(path, error))
            return false;
    }
    return false;
}

bool StoreWriter::configure(QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery query(db);
    // quick_check reads every page: a file that is not a database, or a damaged one, fails here.
    if (!query.exec(QStringLiteral("PRAGMA quick_check")) || !query.next()
        || query.value(0).toString() != u"ok") {
        *error = query.lastError().isValid() ? query.lastError().text() : query.value(0).toString();
        return false;
    }
    // WAL: readers never block the writer. synchronous=NORMAL: a commit survives the app being
    // killed (it is in the WAL, in the kernel's page cache); only a power cut may lose the last
    // ones, never the file's integrity.
    if (!query.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !query.next()
        || query.value(0).toString() != u"wal") {
        *error = QStringLiteral("cannot switch the history to WAL mode: %1")
                     .arg(query.lastError().text());
        return false;
    }
    if (!query.exec(QStringLiteral("PRAGMA synchronous=NORMAL"))
        || !query.exec(QStringLiteral("PRAGMA foreign_keys=ON"))) {
        *error = query.lastError().text();
        return false;
    }
    return true;
}

bool StoreWriter::beginRun(const QString &origin, QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "INSERT INTO runs (started_at, last_seen, origin, host, owner_pid, owner_start)"
        " VALUES (?, ?, ?, ?, ?, ?)"));
    const qint64 now = nowMs();
    query.addBindValue(now);
    query.addBindValue(now);
    query.addBindValue(origin);
    query.addBindValue(m_host);
    query.addBindValue(static_cast<qint64>(::getpid()));
    query.addBindValue(processIdentity(::getpid()));
    if (!query.exec()) {
        *error = QStringLiteral("cannot write to '%1': %2").arg(m_path, query.lastError().text());
        return false;
    }
    m_runId = query.lastInsertId().toLongLong();
    return true;
}

void StoreWriter::recoverInterrupted(QStringList *notices)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery runs(db);
    runs.prepare(QStringLiteral("SELECT id, host, owner_pid, owner_start, last_seen FROM runs"
                                " WHERE finished_at IS NULL AND id <> ?"));
    runs.addBindValue(m_runId);
    if (!runs.exec())
        return;
    while (runs.next()) {
        // Another machine's run (a shared home folder) cannot be checked from here: left as is.
        if (runs.value(1).toString() != m_host
            || processIdentity(static_cast<pid_t>(runs.value(2).toLongLong()))
                   == runs.value(3).toString())
            continue;
        const qint64 run = runs.value(0).toLongLong();
        const qint64 lastSeen = runs.value(4).toLongLong();
        const int count = markInterrupted(*m_sql, run, lastSeen);
        if (count > 0)
            notices->append(QStringLiteral("%1 job(s) of run %2 were interrupted when longrun "
                                           "stopped at %3")
                                .arg(count)
                                .arg(run)
                                .arg(QDateTime::fromMSecsSinceEpoch(lastSeen).toString(
                                    QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
    }
}

void StoreWriter::drain()
{
    // A burst of events shares one transaction: a drain that comes within kBatchMs of the last
    // commit waits for the rest of that time (the inbox gathers meanwhile, and wakes nobody
    // again). A finished job is shown at most that much later; 10,000 trivial jobs cost a
    // few percent, not a transaction each (tests/bench: bench_engine history).
    if (m_sinceCommit.isValid() && m_sinceCommit.elapsed() < kBatchMs) {
        if (!m_batchTimer) {
            m_batchTimer = new QTimer(this);
            m_batchTimer->setSingleShot(true);
            connect(m_batchTimer, &QTimer::timeout, this, &StoreWriter::drain);
        }
        if (!m_batchTimer->isActive())
            m_batchTimer->start(static_cast<int>(kBatchMs - m_sinceCommit.elapsed()));
        return;
    }
    m_sinceCommit.start();
    quint64 last = 0;
    const QList<StoreEvent> events = m_inbox->take(&last);
    if (!m_off && !events.isEmpty()) {
        QString error;
        if (!write(events, &error))
            turnOff(QStringLiteral("history is off: cannot write to '%1': %2").arg(m_path, error));
    }
    m_reports->change([last](Report &report) { report.committed = last; });
    tell("onWriterCommitted");
}

bool StoreWriter::write(const QList<StoreEvent> &events, QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    bool ok = true;
    for (const StoreEvent &event : events) {
        if (!writeOne(event, error)) {
            ok = false;
            break;
        }
    }
    ok = ok
         && m_sql->run(QStringLiteral("UPDATE runs SET last_seen = ? WHERE id = ?"),
                       {nowMs(), m_runId}, error);
    const QStringList doomed = std::exchange(m_doomedFiles, {});
    if (ok && db.commit()) {
        const QString dataDir = QFileInfo(m_path).absolutePath();
        for (const QString &path : doomed)
            removeDataFile(dataDir, path);
        return true;
    }
    if (ok)
        *error = db.lastError().text();
    db.rollback();
    return false;
}

bool StoreWriter::writeOne(const StoreEvent &event, QString *error)
{
    if (event.type == StoreEvent::Type::DeletedRun)
        return deleteRun(event.runId, error);
    if (event.type == StoreEvent::Type::Added) {
        const qint64 id = m_sql->insert(
            QStringLiteral("INSERT INTO jobs (run_id, seq, kind, params, state, added_at,"
                           " resumed_from) VALUES (?, ?, ?, ?, 'queued', ?, ?)"),
            {m_runId, event.seq, event.spec.kind, paramsToJson(event.spec), event.at,
             event.resumedFrom > 0 ? QVariant(event.resumedFrom)
                                   : QVariant(QMetaType(QMetaType::LongLong))},
            error);
        if (id < 0)
            return false;
        m_jobRows.insert(event.seq, id);
        return true;
    }
    const qint64 row = m_jobRows.value(event.seq, 0);
    // A job added before the history was opened (or while it was off) is not in it.
    if (row == 0)
        return true;
    return writeChange(*m_sql, row, event, m_host, error);
}

void StoreWriter::prune()
{
    constexpr int kBatch = 200;
    QString error;
    const int deleted =
        m_off ? 0 : pruneBatch(*m_sql, m_retention, m_runId, m_root, nowMs(), kBatch, &error);
    if (deleted > 0)
        m_reports->change([deleted](Report &report) { report.pruned += deleted; });
    if (deleted == kBatch) {
        QMetaObject::invokeMethod(this, "prune", Qt::QueuedConnection);
        return;
    }
    // A failure leaves the rest for the next run; the history itself is fine.
    m_reports->change([](Report &report) { report.pruneDone = true; });
    tell("onWriterPruned");
}

bool StoreWriter::deleteRun(qint64 runId, QString *error)
{
    QSqlQuery open(QSqlDatabase::database(m_connection, false));
    open.prepare(QStringLiteral("SELECT finished_at FROM runs WHERE id = ?"));
    open.addBindValue(runId);
    if (!open.exec()) {
        *error = open.lastError().text();
        return false;
    }
    // Gone already, or still running (ours, or another longrun's): nothing to do, and no
    // reason to turn the history off.
    if (runId == m_runId || !open.next() || open.value(0).isNull())
        return true;
    // The files the run's rows name, read before the rows go; removed only after the commit.
    QSqlQuery files(QSqlDatabase::database(m_connection, false));
    files.prepare(QStringLiteral(
        "SELECT image_path FROM jobs WHERE run_id = ? AND image_path IS NOT NULL UNION"
        " SELECT log_path FROM attempts WHERE log_path IS NOT NULL"
        " AND job_id IN (SELECT id FROM jobs WHERE run_id = ?)"));
    files.addBindValue(runId);
    files.addBindValue(runId);
    if (!files.exec()) {
        *error = files.lastError().text();
        return false;
    }
    while (files.next())
        m_doomedFiles << files.value(0).toString();
    // Its jobs and their attempts go with it (ON DELETE CASCADE); later reruns of its jobs
    // keep their rows, their resumed_from set to NULL.
    return m_sql->run(QStringLiteral("DELETE FROM runs WHERE id = ?"), {runId}, error);
}

void StoreWriter::turnOff(const QString &message)
{
    m_off = true;
    m_reports->change([&message](Report &report) { report.failure = message; });
    tell("onWriterFailed");
}

// A call by name with no arguments, not a signal: a queued signal's event carries its arguments
// array, which the listener's thread reads in our own (inlined) code after the store thread made
// it inside libQt6Core, under the event queue's lock that ThreadSanitizer cannot see. What the
// news is lies in the Reports box, under a lock both threads take.
void StoreWriter::tell(const char *method) const
{
    if (m_listener)
        QMetaObject::invokeMethod(m_listener, method, Qt::QueuedConnection);
}

void StoreWriter::close()
{
    if (!QSqlDatabase::contains(m_connection))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen() && m_runId > 0 && !m_off) {
            QSqlQuery query(db);
            query.prepare(QStringLiteral("UPDATE runs SET finished_at = ?, last_seen = ?"
                                         " WHERE id = ?"));
            const qint64 now = nowMs();
            query.addBindValue(now);
            query.addBindValue(now);
            query.addBindValue(m_runId);
            query.exec();
        }
        m_sql.reset();
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
    m_off = true;
}

} // namespace longrun
