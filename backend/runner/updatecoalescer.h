#pragma once

// One attempt's updates on their way to the controller. Progress, its text and plot points are
// collected and posted at most once per interval (about one per frame of the window), so that a
// flood of frames costs the GUI thread one update per job per frame; everything else (states,
// the pid, the terminal update) is posted at once. Runner thread.

#include "runner/runnerupdate.h"

#include <QtCore/QTimer>

namespace longrun {

class UpdateCoalescer final
{
public:
    UpdateCoalescer(int jobId, int attempt, UpdateInbox &inbox, int intervalMs);

    // A blank update of this attempt, to fill in and post().
    [[nodiscard]] RunnerUpdate update() const;
    void post(RunnerUpdate update);

    void addProgress(double fraction);
    // An empty text says nothing new, unless it replaces one not posted yet.
    void addText(const QString &text);
    void addPoints(const QList<QPointF> &points);
    // Posts what is pending now (before a terminal update).
    void flush();

private:
    void pending();

    const int m_jobId;
    const int m_attempt;
    UpdateInbox &m_inbox;
    QTimer m_timer;
    bool m_dirty = false;
    std::optional<double> m_progress;
    std::optional<QString> m_text;
    QList<QPointF> m_points;
};

} // namespace longrun
