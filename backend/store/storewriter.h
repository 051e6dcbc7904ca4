#pragma once

// StoreWriter: the one owner of the history's write connection, on the store thread. It opens
// (or creates, or sets aside a damaged) database, marks what dead runs left unfinished as
// interrupted, and writes each drain of events in one transaction. A write that fails (a full
// disk, a folder made read-only) turns the history off for the rest of the run: said once,
// and the events that follow are acknowledged without being written so that nothing waits.
// Created by HistoryStore and moved to its thread; never touched from another thread.

#include "store/jobrows.h"
#include "store/retention.h"
#include "store/storeevent.h"
#include "system/inbox.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QMutex>
#include <QtCore/QObject>
#include <QtCore/QStringList>

#include <memory>

class QTimer;

namespace longrun {

// The controller (GUI thread) to the writer (store thread).
using StoreInbox = Inbox<StoreEvent>;

class StoreWriter final : public QObject
{
    Q_OBJECT

public:
    StoreWriter();
    ~StoreWriter() override;
    StoreWriter(const StoreWriter &) = delete;
    StoreWriter &operator=(const StoreWriter &) = delete;

    // What the writer tells HistoryStore: read with report() when a signal below arrives.
    // Nothing crosses the threads as a signal's or a call's argument (Qt copies those inside
    // libQt6Core, where ThreadSanitizer cannot see the event queue's lock); this does, under a
    // mutex TSan sees.
    struct Report
    {
        qint64 runId = 0;       // 0 while (or when) the history is off
        QString error;          // why open() failed
        QStringList notices;    // what open() found: interrupted runs, a damaged file
        quint64 committed = 0;  // every event numbered up to this is on disk (or dropped)
        QString failure;        // why a write turned the history off
        qint64 pruned = 0;      // jobs retention deleted so far
        bool pruneDone = false; // retention has nothing more to do in this run
    };

    // Before the writer moves to its thread (the thread's start orders them for TSan too).
    void setInbox(std::shared_ptr<StoreInbox> inbox) { m_inbox = std::move(inbox); }
    void setOpenRequest(const QString &dataDir, const QString &origin)
    {
        m_dataDir = dataDir;
        m_origin = origin;
    }
    void setRetention(const Retention &retention) { m_retention = retention; }
    // What the writer reports, shared with HistoryStore: the writer is deleted on its own
    // thread, and this outlives it for whoever reads last. Any thread.
    class Reports final
    {
    public:
        [[nodiscard]] Report read() const
        {
            QMutexLocker lock(&m_mutex);
            return m_report;
        }
        template<class Change>
        void change(Change change)
        {
            QMutexLocker lock(&m_mutex);
            change(m_report);
        }

    private:
        mutable QMutex m_mutex;
        Report m_report;
    };
    [[nodiscard]] std::shared_ptr<Reports> reports() const { return m_reports; }

    // Store thread, queued (by name, with no arguments) from HistoryStore.
    Q_INVOKABLE void open();
    Q_INVOKABLE void drain();
    Q_INVOKABLE void close();
    // One batch of retention, queued again on this thread until nothing is left: the drains of
    // the running batch pass in between.
    Q_INVOKABLE void prune();

    // Who hears of the writer's news, by name and queued (see tell()): its Q_INVOKABLE
    // onWriterOpened() once after open(), when report() has the run's id (0 when the history is
    // off), the error and the notices; onWriterPruned() when retention is done (report().pruned
    // says how many jobs went); onWriterCommitted() when report().committed went up;
    // onWriterFailed() once, when a write failed and the history went off (report().failure
    // says why). Set before the writer moves to its thread; it outlives the thread.
    void setListener(QObject *listener) { m_listener = listener; }

private:
    bool openDatabase(const QString &path, QStringList *notices, QString *error);
    bool configure(QString *error);
    bool beginRun(const QString &origin, QString *error);
    void recoverInterrupted(QStringList *notices);
    bool write(const QList<StoreEvent> &events, QString *error);
    bool writeOne(const StoreEvent &event, QString *error);
    bool deleteRun(qint64 runId, QString *error);
    void turnOff(const QString &message);
    void tell(const char *method) const;

    std::shared_ptr<StoreInbox> m_inbox;
    QString m_connection;
    QString m_path;
    QString m_host;
    qint64 m_runId = 0;
    bool m_off = true;
    std::unique_ptr<Statements> m_sql;
    QString m_dataDir;
    QString m_origin;
    QString m_root; // the data folder, absolute, once open
    Retention m_retention;
    std::shared_ptr<Reports> m_reports = std::make_shared<Reports>();
    QObject *m_listener = nullptr;
    static constexpr qint64 kBatchMs = 10;
    QElapsedTimer m_sinceCommit;    // since the last drain that wrote
    QTimer *m_batchTimer = nullptr; // made on the store thread, a child of the writer
    QHash<int, qint64> m_jobRows;   // seq -> jobs.id of this run
    QStringList m_doomedFiles;      // of runs deleted in this transaction: removed once committed
};

} // namespace longrun
