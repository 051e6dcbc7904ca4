#pragma once

// The plain values a JobRunner sends back to the GUI thread, and the inbox that carries them.
// A runner never touches the model: it posts RunnerUpdates; the controller drains the inbox on
// its own thread and decides what they mean.

#include "jobs/jobtypes.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QMutex>
#include <QtCore/QPointF>
#include <QtCore/QVariantMap>

#include <optional>

namespace longrun {

struct RunnerUpdate
{
    int jobId = 0;
    int attempt = 0;
    std::optional<State> state;     // Running, Paused (Starting is set by the controller)
    std::optional<double> progress; // 0..1, already clamped monotone by the runner
    std::optional<QString> progressText;
    QList<QPointF> points; // new points for the live plot
    qint64 pid = 0;        // worker pid once known

    // Set once, on the last update of an attempt.
    std::optional<State> terminal;
    QString error; // why it did not succeed, in words
    QString stderrTail;
    std::optional<JobResult> result;
};

// Many producers (pool threads), one consumer (the GUI thread). One queued call wakes the
// consumer however many updates arrive before it runs, so a flood costs one event per batch.
class UpdateInbox final
{
public:
    // `drainMethod`: the name of an invokable method of `receiver` (no arguments) that calls
    // take().
    UpdateInbox(QObject *receiver, const char *drainMethod);

    void post(RunnerUpdate update);
    [[nodiscard]] QList<RunnerUpdate> take();

private:
    QMutex m_mutex;
    QList<RunnerUpdate> m_updates;
    bool m_scheduled = false;
    QObject *m_receiver; // the controller; it outlives every runner (it waits for its pool)
    const char *m_drainMethod;
};

} // namespace longrun
