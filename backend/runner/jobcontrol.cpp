#include "runner/jobcontrol.h"

namespace longrun {

void JobControl::requestStop(Stop reason)
{
    Stop expected = Stop::None;
    if (!m_stop.compare_exchange_strong(expected, reason)
        && !(expected == Stop::Cancel && reason == Stop::Shutdown))
        return;
    if (expected == Stop::Cancel)
        m_stop.store(Stop::Shutdown); // a shutdown shortens a cancel already under way
    wake();
}

void JobControl::requestPause(bool paused)
{
    if (m_pause.exchange(paused) != paused)
        wake();
}

void JobControl::killNow()
{
    QMutexLocker lock(&m_mutex);
    if (m_kill)
        m_kill();
}

void JobControl::setKill(std::function<void()> kill)
{
    QMutexLocker lock(&m_mutex);
    m_kill = std::move(kill);
}

void JobControl::attach(std::function<void()> wakeFn)
{
    QMutexLocker lock(&m_mutex);
    m_wake = std::move(wakeFn);
}

void JobControl::detach()
{
    QMutexLocker lock(&m_mutex);
    m_wake = {};
    m_kill = {};
}

void JobControl::wake()
{
    // Under the lock: detach() cannot complete while a wake-up is being posted, and the
    // wake-up itself only posts a queued call, so this never blocks on the runner.
    QMutexLocker lock(&m_mutex);
    if (m_wake)
        m_wake();
}

} // namespace longrun
