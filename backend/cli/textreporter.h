#pragma once

// TextReporter: a headless run for people. On stderr a status line (redrawn in place on a
// terminal, one line every few seconds in a log); on stdout one line per finished job and a
// summary table at the end.

#include "cli/reporter.h"

#include <QtCore/QElapsedTimer>

namespace longrun {

class TextReporter final : public Reporter
{
public:
    // `tty`: stderr is a terminal.
    TextReporter(const TaskController &controller, OutputStream &out, OutputStream &err, bool tty);

    void onState(const TaskRow &) override {}
    void onProgress(const TaskRow &) override {}
    void onRetry(const TaskRow &row, State state, const QString &error) override;
    void onFinished(const TaskRow &row, State state) override;
    void onOverall() override { statusLine(false); }
    void onSignal(int signal) override;
    void onOutputError(int error) override;
    void summary(qint64 elapsedMs, int signal) override;

private:
    void statusLine(bool force);
    // Erases the status line on a terminal, so that a message starts at column 0.
    void clearStatus();

    bool m_tty;
    bool m_statusShown = false;
    QElapsedTimer m_lastStatus;
};

} // namespace longrun
