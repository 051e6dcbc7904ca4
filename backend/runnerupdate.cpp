#include "runnerupdate.h"

#include <QtCore/QMetaObject>

namespace longrun {

void halveDensity(QList<QPointF> &points)
{
    qsizetype out = 0;
    for (qsizetype i = 0; i < points.size(); i += 2)
        points[out++] = points[i];
    points.resize(out);
}

UpdateInbox::UpdateInbox(QObject *receiver, std::function<void()> drain)
    : m_receiver(receiver)
    , m_drain(std::move(drain))
{}

void UpdateInbox::post(RunnerUpdate update)
{
    QMutexLocker lock(&m_mutex);
    m_updates.append(std::move(update));
    if (m_scheduled)
        return;
    m_scheduled = true;
    QMetaObject::invokeMethod(m_receiver, m_drain, Qt::QueuedConnection);
}

QList<RunnerUpdate> UpdateInbox::take()
{
    QMutexLocker lock(&m_mutex);
    m_scheduled = false;
    return std::exchange(m_updates, {});
}

} // namespace longrun
