#pragma once

// Turns the messages a worker sends into plain Qt values, checking as it goes that they come in
// the protocol's order (Hello first, nothing after the Result or the Error) and hold what they
// may: the protocol version, a progress fraction from 0 to 1 (shown never going back), finite
// plot points, texts and result values cut to what a view can lay out. Pure: no process, no
// timers. One per attempt, on the runner's thread.

#include "jobs/jobtypes.h"
#include "messages.h"

#include <QtCore/QList>
#include <QtCore/QPointF>
#include <QtCore/QString>

#include <optional>
#include <utility>

namespace longrun {

class FrameTranslator final
{
public:
    // What one message meant.
    struct Translation
    {
        enum class Kind { Hello, Progress, Points, Result, Error, ProtocolError, Output };
        Kind kind = Kind::ProtocolError;
        double progress = 0.0; // Progress, Result: the fraction to show, never below an earlier
        QString text;          // Progress: its text; Error: the message; ProtocolError: what
        QList<QPointF> points; // Points: the finite ones
    };

    // A protocol error leaves the state as it was: the caller stops the worker.
    [[nodiscard]] Translation translate(const protocol::WorkerMessage &message);

    [[nodiscard]] bool helloSeen() const { return m_helloSeen; }
    [[nodiscard]] const std::optional<JobResult> &result() const { return m_result; }
    [[nodiscard]] std::optional<JobResult> takeResult() { return std::exchange(m_result, {}); }
    [[nodiscard]] const std::optional<QString> &workerError() const { return m_workerError; }
    // How a command job's program ended, as its worker's Error said (nothing from an old worker,
    // another kind, or a value no exit can have).
    [[nodiscard]] std::optional<int> programExitCode() const { return m_programExitCode; }
    [[nodiscard]] std::optional<int> programSignal() const { return m_programSignal; }

    // A worker's UTF-8 text, at most `maxBytes` of it (cut on a character boundary, marked "…").
    [[nodiscard]] static QString fromWorker(const std::string &text, std::size_t maxBytes);

    // What a worker may put in one text, and how many result values it may name, before the
    // rest is cut: a frame may carry 16 MiB, and a single-line label laid out from megabytes
    // would stall the GUI thread on every update. Far above what longrun-worker sends (200-byte
    // progress texts, an 8 KiB output tail).
    static constexpr std::size_t kMaxLabelBytes = 1024;     // progress text, summary, value names
    static constexpr std::size_t kMaxTextBytes = 64 * 1024; // an error message, a text value
    static constexpr qsizetype kMaxResultValues = 256;

private:
    [[nodiscard]] Translation hello(const protocol::Hello &m);
    [[nodiscard]] Translation progress(const protocol::Progress &m);
    [[nodiscard]] Translation result(const protocol::Result &m);

    bool m_helloSeen = false;
    double m_progress = 0.0;
    std::optional<JobResult> m_result;
    std::optional<QString> m_workerError;
    std::optional<int> m_programExitCode;
    std::optional<int> m_programSignal;
};

} // namespace longrun
