#include "runner/runnerupdate.h"

#include <QtCore/QMetaObject>

namespace longrun {

UpdateInbox::UpdateInbox(QObject *receiver, const char *drainMethod)
    : m_receiver(receiver)
    , m_drainMethod(drainMethod)
{}

void UpdateInbox::post(RunnerUpdate update)
{
    QMutexLocker lock(&m_mutex);
    m_updates.append(std::move(update));
    if (m_scheduled)
        return;
    m_scheduled = true;
    // By name, not with a functor: a functor is an object this thread builds and the receiver's
    // thread reads, handed over under Qt's event-queue lock, which ThreadSanitizer cannot see
    // (Qt is not instrumented); a call by name leaves nothing of ours to read.
    QMetaObject::invokeMethod(m_receiver, m_drainMethod, Qt::QueuedConnection);
}

QList<RunnerUpdate> UpdateInbox::take()
{
    QMutexLocker lock(&m_mutex);
    m_scheduled = false;
    return std::exchange(m_updates, {});
}

} // namespace longrun
