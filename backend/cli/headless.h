#pragma once

// cli/: the headless front end (its own library, longrun_cli): the option table shared with the
// window, the run, and its two reporters. Main thread; it may include all of the engine.
//
// The headless CLI: `longrun --headless [options] [JOB ...]`. The same TaskController and
// TaskModel as the window, reported to a terminal (TextReporter) or as JSON lines for scripts
// (JsonReporter). Runs on the main thread's event loop.
//
// Exit status (cli/options.h): 0 all succeeded, 1 any did not, 2 bad usage or a bad jobs file,
// 74 when standard output cannot be written, 128+N after signal N (SIGHUP, SIGINT, SIGTERM).
// Signals and an unwritable output cancel everything and leave no process behind.

#include "cli/options.h"

namespace longrun {

// Runs the batch the options describe, returns the exit status. Needs a QCoreApplication.
int runHeadless(const CliOptions &options);

} // namespace longrun
