#pragma once

// JsonReporter: a headless run for scripts. One JSON object per line on stdout, each with an
// "event": state, progress (at most ten a second per job), retry, finished, overall (news only,
// at most four a second, and once more after the last finished job) and a last summary.

#include "cli/reporter.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QJsonObject>

namespace longrun {

class JsonReporter final : public Reporter
{
public:
    JsonReporter(const TaskController &controller, OutputStream &out, OutputStream &err);

    void onState(const TaskRow &row) override;
    void onProgress(const TaskRow &row) override;
    void onRetry(const TaskRow &row, State state, const QString &error) override;
    void onFinished(const TaskRow &row, State state) override;
    void onOverall() override;
    // A script reads the signal in the summary.
    void onSignal(int) override {}
    void summary(qint64 elapsedMs, int signal) override;

private:
    void emitJson(const QJsonObject &object);
    [[nodiscard]] QJsonObject counts() const;
    // An overall event when it says something new (or `force`).
    void overall(bool force);

    QElapsedTimer m_clock;
    QElapsedTimer m_lastOverall;
    QJsonObject m_lastOverallEvent;
    bool m_finishedSinceOverall = false;
    QHash<int, qint64> m_lastProgressEvent;
};

} // namespace longrun
