#include "runner/updatecoalescer.h"

namespace longrun {

namespace {
// Points kept between two flushes; past that, every other one is dropped (halveDensity).
constexpr qsizetype kMaxPendingPoints = 8192;
} // namespace

UpdateCoalescer::UpdateCoalescer(int jobId, int attempt, UpdateInbox &inbox, int intervalMs)
    : m_jobId(jobId)
    , m_attempt(attempt)
    , m_inbox(inbox)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(intervalMs);
    m_timer.callOnTimeout([this] { flush(); });
}

RunnerUpdate UpdateCoalescer::update() const
{
    RunnerUpdate update;
    update.jobId = m_jobId;
    update.attempt = m_attempt;
    return update;
}

void UpdateCoalescer::post(RunnerUpdate update)
{
    m_inbox.post(std::move(update));
}

void UpdateCoalescer::addProgress(double fraction)
{
    m_progress = fraction;
    pending();
}

void UpdateCoalescer::addText(const QString &text)
{
    if (!text.isEmpty() || m_text)
        m_text = text;
    pending();
}

void UpdateCoalescer::addPoints(const QList<QPointF> &points)
{
    m_points.append(points);
    if (m_points.size() > kMaxPendingPoints)
        halveDensity(m_points);
    pending();
}

void UpdateCoalescer::pending()
{
    m_dirty = true;
    if (!m_timer.isActive())
        m_timer.start();
}

void UpdateCoalescer::flush()
{
    m_timer.stop();
    if (!m_dirty)
        return;
    RunnerUpdate next = update();
    next.progress = std::exchange(m_progress, std::nullopt);
    next.progressText = std::exchange(m_text, std::nullopt);
    next.points = std::exchange(m_points, {});
    m_dirty = false;
    post(std::move(next));
}

} // namespace longrun
