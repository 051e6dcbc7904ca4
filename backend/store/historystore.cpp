#include "store/historystore.h"

#include "store/storewriter.h"

#include <QtCore/QEventLoop>
#include <QtCore/QTimer>

namespace longrun {

namespace {

// The event's texts as blocks of its own. Qt's implicitly shared strings may cross threads, but
// the writer hands them to QVariant and QSqlQuery, which drop them inside libQt6Core, where
// ThreadSanitizer cannot see the reference count: a block the GUI thread still shares (a row's
// error, a spec) would be freed by the store thread in what looks to it like a race. A copy
// costs little: texts are short (an error is cut, a result is a few values).
QString own(const QString &text)
{
    return text.isNull() ? QString() : QString(text.constData(), text.size());
}

QStringList own(const QStringList &texts)
{
    QStringList copy;
    copy.reserve(texts.size());
    for (const QString &text : texts)
        copy.append(own(text));
    return copy;
}

QVariant own(const QVariant &value);

QVariantMap own(const QVariantMap &map)
{
    QVariantMap copy;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        copy.insert(own(it.key()), own(it.value()));
    return copy;
}

QVariant own(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::QString:
        return own(value.toString());
    case QMetaType::QStringList:
        return own(value.toStringList());
    case QMetaType::QByteArray: {
        const QByteArray bytes = value.toByteArray();
        return QByteArray(bytes.constData(), bytes.size());
    }
    case QMetaType::QVariantList: {
        QVariantList copy;
        for (const QVariant &item : value.toList())
            copy.append(own(item));
        return copy;
    }
    case QMetaType::QVariantMap:
        return own(value.toMap());
    default:
        return value; // numbers and the like: held in the variant itself
    }
}

StoreEvent own(StoreEvent event)
{
    event.spec.kind = own(event.spec.kind);
    for (JobParam &param : event.spec.params) {
        param.key = own(param.key);
        param.values = own(param.values);
    }
    event.error = own(event.error);
    event.stderrTail = own(event.stderrTail);
    event.summary = own(event.summary);
    event.values = own(event.values);
    event.imagePath = own(event.imagePath);
    event.logPath = own(event.logPath);
    return event;
}

} // namespace

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
    m_writer->setRetention(m_retention);
    m_reports = m_writer->reports();
    m_writer->moveToThread(&m_thread);
    m_writer->setListener(this);
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
    QList<StoreEvent> one;
    one.append(std::move(event));
    recordAll(std::move(one), std::move(then));
}

void HistoryStore::recordAll(QList<StoreEvent> events, std::function<void()> then)
{
    if (!m_started || events.isEmpty()) {
        if (then)
            then();
        return;
    }
    for (StoreEvent &event : events)
        event = own(std::move(event));
    m_lastPosted = m_inbox->postAll(std::move(events));
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
    // Counted on this thread by onWriterCommitted(), whose committed() this loop hears (the
    // writer's news may have come before the loop was listening: hence the check).
    const auto progress = connect(this, &HistoryStore::committed, &loop, [this, &loop] {
        if (m_lastCommitted >= m_lastPosted)
            loop.quit();
    });
    timer.start(timeoutMs);
    loop.exec();
    disconnect(progress);
    return m_lastCommitted >= m_lastPosted;
}

void HistoryStore::onWriterOpened()
{
    const StoreWriter::Report report = m_reports->read();
    m_runId = report.runId;
    m_on = report.runId > 0;
    emit opened(report.runId, report.error, report.notices);
}

void HistoryStore::onWriterCommitted()
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

void HistoryStore::onWriterFailed()
{
    m_on = false;
    emit failed(m_reports->read().failure);
}

void HistoryStore::onWriterPruned()
{
    emit pruned(m_reports->read().pruned);
}

} // namespace longrun
