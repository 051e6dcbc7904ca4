#pragma once

// The headless CLI: `longrun --headless [options] [JOB ...]`. The same TaskController and
// TaskModel as the window, reported to a terminal (a live status line and a summary table) or
// as JSON lines for scripts. Runs on the main thread's event loop.
//
// Exit status: 0 all succeeded, 1 any did not, 2 bad usage or a bad jobs file, 130/143 after
// SIGINT/SIGTERM (which cancel everything and leave no process behind).

#include <QtCore/QStringList>

namespace longrun {

// Parses the arguments (argv[0] included), runs the batch, returns the exit status.
// Needs a QCoreApplication.
int runHeadless(const QStringList &arguments);

} // namespace longrun
