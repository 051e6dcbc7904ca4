#include "store/historystore.h"

#include "store/storewriter.h"

#include <QtCore/QEventLoop>
#include <QtCore/QTimer>

namespace longrun {

HistoryStore::HistoryStore(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("longrun-store"));
}

HistoryStore::~HistoryStore()
{
    if (!m_started)
        return;
    flush(5000);
    // The writer closes the run and is deleted on its own thread as it finishes (see open()).
    m_thread.quit();
    m_thread.wait();
}

void HistoryStore::open(const QString &dataDir, const QString &origin)
{
    if (m_started)
        return;
    m_started = true;
    m_dataDir = dataDir;
    m_writer = new StoreWriter;
    m_inbox = std::make_shared<StoreInbox>(m_writer, "drain");
    m_writer->setInbox(m_inbox);
    m_writer->setOpenRequest(dataDir, origin);
    m_reports = m_writer->reports();
    m_writer->moveToThread(&m_thread);
    connect(m_writer, &StoreWriter::opened, this, &HistoryStore::onOpened);
    connect(m_writer, &StoreWriter::committed, this, &HistoryStore::onCommitted);
    connect(m_writer, &StoreWriter::failed, this, &HistoryStore::onFailed);
    // Opened as the thread starts and closed and deleted as it finishes, both on that thread
    // and without an event posted across: ThreadSanitizer cannot see Qt's event queue lock, and
    // the stack of an event posted long before it is deleted is often lost to it.
    connect(&m_thread, &QThread::started, m_writer, &StoreWriter::open, Qt::DirectConnection);
    connect(
        &m_thread, &QThread::finished, &m_thread,
        [writer = m_writer] {
            writer->close();
            delete writer;
        },
        Qt::DirectConnection);
    m_thread.start();
}

bool HistoryStore::openAndWait(const QString &dataDir, const QString &origin)
{
    QEventLoop loop;
    connect(this, &HistoryStore::opened, &loop, &QEventLoop::quit);
    open(dataDir, origin);
    loop.exec();
    return m_on;
}

void HistoryStore::record(StoreEvent event, std::function<void()> then)
{
    if (!m_started) {
        if (then)
            then();
        return;
    }
    m_lastPosted = m_inbox->post(std::move(event));
    if (then)
        m_waiting.emplace_back(m_lastPosted, std::move(then));
}

bool HistoryStore::flush(int timeoutMs)
{
    if (!m_started || m_lastCommitted >= m_lastPosted)
        return true;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    // On this thread, after onCommitted() has counted it (a signal of the writer's own could
    // have been emitted before this loop was listening).
    const auto progress = connect(this, &HistoryStore::committed, &loop, [this, &loop] {
        if (m_lastCommitted >= m_lastPosted)
            loop.quit();
    });
    timer.start(timeoutMs);
    loop.exec();
    disconnect(progress);
    return m_lastCommitted >= m_lastPosted;
}

void HistoryStore::onOpened()
{
    const StoreWriter::Report report = m_reports->read();
    m_runId = report.runId;
    m_on = report.runId > 0;
    emit opened(report.runId, report.error, report.notices);
}

void HistoryStore::onCommitted()
{
    m_lastCommitted = std::max(m_lastCommitted, m_reports->read().committed);
    // `then` may record more (a retry queues its next attempt): take each before running it.
    while (!m_waiting.empty() && m_waiting.front().first <= m_lastCommitted) {
        std::function<void()> then = std::move(m_waiting.front().second);
        m_waiting.pop_front();
        then();
    }
    emit committed();
}

void HistoryStore::onFailed()
{
    m_on = false;
    emit failed(m_reports->read().failure);
}

} // namespace longrun
