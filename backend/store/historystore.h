#pragma once

// HistoryStore: the engine's handle on the durable history (store/ is its folder: the SQLite
// file through Qt SQL, the data folder's rules, what is read back). GUI thread; it owns the
// store thread and the StoreWriter on it, so the GUI thread never waits on the disk.
//
// Ordering is the promise: record() hands an event to the store thread and runs `then` on this
// thread once the event is committed, so the controller shows a job as finished only after its
// terminal state is on disk ("a result reported is a result stored"). With no history (never
// opened, --no-history, or turned off by a failed write) `then` still runs, in order.
//
// The store includes jobs/ only; the controller (control/) is what calls it.

#include "store/storeevent.h"
#include "store/storewriter.h"

#include <QtCore/QObject>
#include <QtCore/QStringList>
#include <QtCore/QThread>

#include <deque>
#include <functional>
#include <memory>

namespace longrun {

class StoreWriter;

class HistoryStore final : public QObject
{
    Q_OBJECT

public:
    explicit HistoryStore(QObject *parent = nullptr);
    // Writes what is still queued (bounded wait) and closes the run.
    ~HistoryStore() override;

    // Opens the history in `dataDir` for a new run ("window" or "cli"), in the background;
    // opened() follows. Events recorded meanwhile are written once it is open.
    void open(const QString &dataDir, const QString &origin);
    // Opens and waits for the answer (the CLI, before its event loop; tests). True when on.
    bool openAndWait(const QString &dataDir, const QString &origin);
    // What retention keeps (store/retention.h); before open().
    void setRetention(const Retention &retention) { m_retention = retention; }
    [[nodiscard]] bool isOn() const { return m_on; }
    [[nodiscard]] qint64 runId() const { return m_runId; }
    [[nodiscard]] QString dataDirectory() const { return m_dataDir; }

    void record(StoreEvent event, std::function<void()> then = {});
    // Records `events` as one: they are committed in one transaction, all or none (a batch of
    // jobs is never stored in part); `then` runs once all of them are committed.
    void recordAll(QList<StoreEvent> events, std::function<void()> then = {});
    // Waits until everything recorded so far is committed; false on timeout.
    bool flush(int timeoutMs);
    // Forgets every `then` still waiting (their owner is going); the events are still written.
    void dropCallbacks() { m_waiting.clear(); }

Q_SIGNALS:
    // The history is open (runId > 0) or off (error says why); notices: interrupted runs,
    // a damaged file set aside.
    void opened(qint64 runId, const QString &error, const QStringList &notices);
    // A write failed: the history is off for the rest of this run.
    void failed(const QString &message);
    // Some of what was recorded is now committed (and its `then` has run).
    void committed();
    // Retention is done for this run: `jobs` old jobs were deleted with their files.
    void pruned(qint64 jobs);

private:
    // Called by the writer, queued and by name (StoreWriter::setListener).
    Q_INVOKABLE void onWriterOpened();
    Q_INVOKABLE void onWriterCommitted();
    Q_INVOKABLE void onWriterFailed();
    Q_INVOKABLE void onWriterPruned();

    QThread m_thread;
    std::shared_ptr<StoreInbox> m_inbox;
    StoreWriter *m_writer = nullptr; // lives on m_thread, deleted there; not touched once started
    std::shared_ptr<StoreWriter::Reports> m_reports;
    std::deque<std::pair<quint64, std::function<void()>>> m_waiting;
    quint64 m_lastPosted = 0;
    quint64 m_lastCommitted = 0;
    qint64 m_runId = 0;
    QString m_dataDir;
    Retention m_retention;
    bool m_started = false;
    bool m_on = false;
};

} // namespace longrun
