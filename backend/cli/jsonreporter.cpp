#include "cli/jsonreporter.h"

#include "cli/outputstream.h"

#include <QtCore/QJsonDocument>

namespace longrun {

namespace {

QJsonObject resultJson(const TaskRow &row, const QString &imagePath)
{
    QJsonObject result = QJsonObject::fromVariantMap(row.resultValues);
    result.insert(QStringLiteral("summary"), row.resultSummary);
    if (!imagePath.isEmpty())
        result.insert(QStringLiteral("image"), imagePath);
    return result;
}

} // namespace

JsonReporter::JsonReporter(const TaskController &controller, OutputStream &out, OutputStream &err)
    : Reporter(controller, out, err)
{
    m_clock.start();
}

void JsonReporter::emitJson(const QJsonObject &object)
{
    m_out.write(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact))
                + QLatin1Char('\n'));
}

QJsonObject JsonReporter::counts() const
{
    return {
        {QStringLiteral("queued"), m_model.queued()},
        {QStringLiteral("running"), m_model.running()},
        {QStringLiteral("paused"), m_model.paused()},
        {QStringLiteral("succeeded"), m_model.succeeded()},
        {QStringLiteral("failed"), m_model.failed()},
        {QStringLiteral("canceled"), m_model.canceled()},
        {QStringLiteral("timed_out"), m_model.timedOut()},
    };
}

void JsonReporter::onState(const TaskRow &row)
{
    emitJson({{QStringLiteral("event"), QStringLiteral("state")},
              {QStringLiteral("id"), row.id},
              {QStringLiteral("kind"), row.spec.kind},
              {QStringLiteral("state"), stateKey(row.state)},
              {QStringLiteral("attempt"), row.attempt}});
}

void JsonReporter::onProgress(const TaskRow &row)
{
    // Ten a second per job is plenty for a script and keeps the stream readable.
    const qint64 now = m_clock.elapsed();
    auto it = m_lastProgressEvent.find(row.id);
    if (it != m_lastProgressEvent.end() && now - *it < 100)
        return;
    m_lastProgressEvent.insert(row.id, now);
    emitJson({{QStringLiteral("event"), QStringLiteral("progress")},
              {QStringLiteral("id"), row.id},
              {QStringLiteral("progress"), row.progress},
              {QStringLiteral("text"), row.progressText}});
}

void JsonReporter::onRetry(const TaskRow &row, State state, const QString &error)
{
    emitJson({{QStringLiteral("event"), QStringLiteral("retry")},
              {QStringLiteral("id"), row.id},
              {QStringLiteral("kind"), row.spec.kind},
              {QStringLiteral("state"), stateKey(state)},
              {QStringLiteral("attempt"), row.attempt},
              {QStringLiteral("error"), error}});
}

void JsonReporter::onFinished(const TaskRow &row, State state)
{
    QJsonObject event{
        {QStringLiteral("event"), QStringLiteral("finished")},
        {QStringLiteral("id"), row.id},
        {QStringLiteral("kind"), row.spec.kind},
        {QStringLiteral("params"), row.params},
        {QStringLiteral("state"), stateKey(state)},
        {QStringLiteral("attempt"), row.attempt},
        {QStringLiteral("elapsed"), static_cast<double>(m_model.elapsedMs(row)) / 1000.0}};
    const TaskController::AttemptRecord last = m_controller.lastAttempt(row.id);
    if (last.exitCode)
        event.insert(QStringLiteral("exit_code"), *last.exitCode);
    if (last.signal)
        event.insert(QStringLiteral("signal"), *last.signal);
    if (state == State::Succeeded) {
        event.insert(QStringLiteral("result"), resultJson(row, m_controller.imagePath(row.id)));
    } else {
        event.insert(QStringLiteral("error"), row.error);
        if (!row.stderrTail.isEmpty())
            event.insert(QStringLiteral("stderr"), row.stderrTail);
    }
    emitJson(event);
    m_finishedSinceOverall = true;
}

void JsonReporter::onOverall()
{
    if (!m_lastOverall.isValid() || m_lastOverall.elapsed() >= 250)
        overall(false);
}

void JsonReporter::overall(bool force)
{
    QJsonObject event = counts();
    event.insert(QStringLiteral("event"), QStringLiteral("overall"));
    event.insert(QStringLiteral("progress"), m_model.overallProgress());
    // Only news: the same counts and progress again would be noise.
    if (!force && event == m_lastOverallEvent)
        return;
    m_lastOverall.start();
    m_lastOverallEvent = event;
    m_finishedSinceOverall = false;
    emitJson(event);
}

void JsonReporter::summary(qint64 elapsedMs, int signal)
{
    // The throttle may have held back the last change: a client must see where the batch
    // ended (progress 1.0 once every job finished) after the last "finished" event.
    overall(m_finishedSinceOverall);
    QJsonObject event = counts();
    event.insert(QStringLiteral("event"), QStringLiteral("summary"));
    event.insert(QStringLiteral("total"), m_model.rowCount());
    event.insert(QStringLiteral("elapsed"), static_cast<double>(elapsedMs) / 1000.0);
    if (signal != 0)
        event.insert(QStringLiteral("signal"), signalName(signal));
    emitJson(event);
}

} // namespace longrun
