#include "cli/textreporter.h"

#include "cli/outputstream.h"

#include <csignal>

namespace longrun {

namespace {

QString clip(QString text, qsizetype width)
{
    text.replace(QLatin1Char('\n'), QStringLiteral(" | "));
    return cutText(text, width);
}

QString signalWords(int signal)
{
    switch (signal) {
    case SIGINT:
        return QStringLiteral("interrupted");
    case SIGTERM:
        return QStringLiteral("terminated");
    case SIGHUP:
        return QStringLiteral("hung up");
    default:
        return signalName(signal);
    }
}

} // namespace

TextReporter::TextReporter(const TaskController &controller, OutputStream &out, OutputStream &err,
                           bool tty)
    : Reporter(controller, out, err)
    , m_tty(tty)
{}

void TextReporter::clearStatus()
{
    if (m_statusShown && m_tty)
        m_err.write(QStringLiteral("\r\033[K"));
    m_statusShown = false;
}

void TextReporter::onRetry(const TaskRow &row, State, const QString &error)
{
    clearStatus();
    m_err.write(QStringLiteral("  retry  #%1 %2 after attempt %3: %4\n")
                    .arg(row.id)
                    .arg(row.spec.kind)
                    .arg(row.attempt)
                    .arg(clip(error, 100)));
}

void TextReporter::onFinished(const TaskRow &row, State state)
{
    clearStatus();
    const QString mark =
        state == State::Succeeded ? QStringLiteral("ok   ") : QStringLiteral("FAIL ");
    const QString what = state == State::Succeeded
                             ? row.resultSummary
                             : stateDisplayName(state) + QStringLiteral(": ") + row.error;
    m_out.write(
        QStringLiteral("%1 #%2 %3  %4  (%5)\n")
            .arg(mark)
            .arg(row.id)
            .arg(clip(row.title(), 48), clip(what, 110), formatDuration(m_model.elapsedMs(row))));
    statusLine(true);
}

void TextReporter::onSignal(int signal)
{
    clearStatus();
    m_err.write(QStringLiteral("\nlongrun: %1, canceling all jobs\n").arg(signalWords(signal)));
}

void TextReporter::onOutputError(int error)
{
    clearStatus();
    Reporter::onOutputError(error);
}

void TextReporter::statusLine(bool force)
{
    // On a terminal the line is redrawn in place; in a log, one line every few seconds.
    const int interval = m_tty ? 100 : 3000;
    if (!force && m_lastStatus.isValid() && m_lastStatus.elapsed() < interval)
        return;
    if (!m_tty && force)
        return;
    m_lastStatus.start();
    constexpr int width = 30;
    const double overall = m_model.overallProgress();
    const int filled = static_cast<int>(overall * width);
    QString bar = QString(filled, QLatin1Char('#')) + QString(width - filled, QLatin1Char('-'));
    QString line = QStringLiteral("[%1] %2%  %3 running, %4 queued, %5 done")
                       .arg(bar)
                       .arg(static_cast<int>(overall * 100), 3)
                       .arg(m_model.running() + m_model.paused())
                       .arg(m_model.queued())
                       .arg(m_model.finished());
    if (const int bad = m_model.failed() + m_model.timedOut() + m_model.canceled(); bad > 0)
        line += QStringLiteral(" (%1 not ok)").arg(bad);
    if (!m_controller.etaText().isEmpty() && m_controller.hasActiveJobs())
        line += QStringLiteral(", ETA ") + m_controller.etaText();
    if (m_tty) {
        m_err.write(QStringLiteral("\r\033[K") + line);
        m_statusShown = true;
    } else {
        m_err.write(line + QLatin1Char('\n'));
    }
}

void TextReporter::summary(qint64 elapsedMs, int signal)
{
    clearStatus();
    QString table = QStringLiteral("\n%1  %2  %3  %4  %5\n")
                        .arg(QStringLiteral("ID"), 5)
                        .arg(QStringLiteral("JOB"), -36)
                        .arg(QStringLiteral("STATE"), -10)
                        .arg(QStringLiteral("TIME"), 7)
                        .arg(QStringLiteral("RESULT / ERROR"));
    for (int r = 0; r < m_model.rowCount(); ++r) {
        const TaskRow &row = m_model.at(r);
        const QString what = row.state == State::Succeeded ? row.resultSummary : row.error;
        table += QStringLiteral("%1  %2  %3  %4  %5\n")
                     .arg(row.id, 5)
                     .arg(clip(row.title(), 36), -36)
                     .arg(stateKey(row.state), -10)
                     .arg(formatDuration(m_model.elapsedMs(row)), 7)
                     .arg(clip(what, 60));
    }
    table += QStringLiteral("\n%1 succeeded, %2 failed, %3 canceled, %4 timed out, in %5")
                 .arg(m_model.succeeded())
                 .arg(m_model.failed())
                 .arg(m_model.canceled())
                 .arg(m_model.timedOut())
                 .arg(formatDuration(elapsedMs));
    if (signal != 0)
        table += QStringLiteral(" (stopped by %1)").arg(signalName(signal));
    m_out.write(table + QLatin1Char('\n'));
}

} // namespace longrun
