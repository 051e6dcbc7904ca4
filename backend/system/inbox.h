#pragma once

// Inbox<T>: many producers, one consumer on another thread. One queued call wakes the consumer
// however many values arrive before it runs, so a flood costs one event per batch. Runners post
// RunnerUpdates to the controller (runner/runnerupdate.h), the controller posts StoreEvents to
// the store's writer (store/storewriter.h). Any thread may post; the consumer's thread takes.

#include <QtCore/QList>
#include <QtCore/QMetaObject>
#include <QtCore/QMutex>
#include <QtCore/QObject>

#include <utility>

namespace longrun {

template<class T>
class Inbox final
{
public:
    // `drainMethod`: the name of an invokable method of `receiver` (no arguments) that calls
    // take(). The receiver outlives every producer.
    Inbox(QObject *receiver, const char *drainMethod)
        : m_receiver(receiver)
        , m_drainMethod(drainMethod)
    {}

    // Returns the value's number (1, 2, ...): take() says up to which number it took.
    quint64 post(T value)
    {
        QList<T> one;
        one.append(std::move(value));
        return postAll(std::move(one));
    }

    // Posts `values` as one: take() gets all of them or none (a batch of jobs is stored in one
    // transaction, never in part). Returns the last one's number.
    quint64 postAll(QList<T> values)
    {
        const auto count = static_cast<quint64>(values.size());
        QMutexLocker lock(&m_mutex);
        m_values.append(std::move(values));
        m_next += count;
        const quint64 number = m_next - 1;
        if (!m_scheduled) {
            m_scheduled = true;
            // By name, not with a functor: a functor is an object this thread builds and the
            // receiver's thread reads, handed over under Qt's event-queue lock, which
            // ThreadSanitizer cannot see (Qt is not instrumented); a call by name leaves
            // nothing of ours to read.
            QMetaObject::invokeMethod(m_receiver, m_drainMethod, Qt::QueuedConnection);
        }
        return number;
    }

    [[nodiscard]] QList<T> take(quint64 *last = nullptr)
    {
        QMutexLocker lock(&m_mutex);
        m_scheduled = false;
        if (last)
            *last = m_next - 1;
        return std::exchange(m_values, {});
    }

private:
    QMutex m_mutex;
    QList<T> m_values;
    quint64 m_next = 1;
    bool m_scheduled = false;
    QObject *m_receiver;
    const char *m_drainMethod;
};

} // namespace longrun
