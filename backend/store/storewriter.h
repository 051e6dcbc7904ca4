#pragma once

// StoreWriter: the one owner of the history's write connection, on the store thread. It opens
// (or creates, or sets aside a damaged) database, marks what dead runs left unfinished as
// interrupted, and writes each drain of events in one transaction. A write that fails (a full
// disk, a folder made read-only) turns the history off for the rest of the run: said once,
// and the events that follow are acknowledged without being written so that nothing waits.
// Created by HistoryStore and moved to its thread; never touched from another thread.

#include "store/jobrows.h"
#include "store/storeevent.h"
#include "system/inbox.h"

#include <QtCore/QObject>
#include <QtCore/QStringList>

#include <memory>

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

    // Before the writer moves to its thread.
    void setInbox(std::shared_ptr<StoreInbox> inbox) { m_inbox = std::move(inbox); }

    // Store thread, queued from HistoryStore.
    Q_INVOKABLE void open(const QString &dataDir, const QString &origin);
    Q_INVOKABLE void drain();
    Q_INVOKABLE void close();

Q_SIGNALS:
    // Once, after open(): the run's id (0 when the history is off) and what to tell the user.
    void opened(qint64 runId, const QString &error, const QStringList &notices);
    // Every event numbered up to `last` is committed (or dropped because the history is off).
    void committedUpTo(quint64 last);
    // Once, when a write failed and the history went off.
    void failed(const QString &message);

private:
    bool openDatabase(const QString &path, QStringList *notices, QString *error);
    bool configure(QString *error);
    bool beginRun(const QString &origin, QString *error);
    void recoverInterrupted(QStringList *notices);
    bool write(const QList<StoreEvent> &events, QString *error);
    bool writeOne(const StoreEvent &event, QString *error);
    void turnOff(const QString &message);

    std::shared_ptr<StoreInbox> m_inbox;
    QString m_connection;
    QString m_path;
    QString m_host;
    qint64 m_runId = 0;
    bool m_off = true;
    std::unique_ptr<Statements> m_sql;
    QHash<int, qint64> m_jobRows; // seq -> jobs.id of this run
};

} // namespace longrun
