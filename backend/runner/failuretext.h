#pragma once

// The words of a failed attempt, in one place: how a worker's exit reads, and what of its
// stderr is added to a failure the worker did not explain itself. Plain functions, any thread.

#include "system/signalname.h"

#include <QtCore/QString>

#include <cstddef>

namespace longrun {

// How a worker process ended, as QProcess reported it once it had reaped it.
struct WorkerExit
{
    bool crashed = false; // ended by a signal
    int code = 0;         // the exit code, or the signal of a crash
    bool clean = false;   // exited by itself with code 0
};

// Why a worker that sent neither a result nor an error failed, from how it ended and how many
// bytes of a frame it left unfinished: "the worker was killed by SIGKILL (Killed)".
[[nodiscard]] QString describeExit(const WorkerExit &exit, std::size_t pendingFrameBytes);

// A failure longrun words (not the worker's own Error message), with the last lines of the
// worker's stderr, which say more than an exit code.
[[nodiscard]] QString withStderrLines(QString error, const QString &stderrTail);

} // namespace longrun
