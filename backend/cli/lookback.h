#pragma once

// The look-back sub-commands: `longrun history` (the stored jobs, newest first, as a table for
// people or as JSON lines) and `longrun export` (every selected job as CSV or JSON, to standard
// output or a new owner-only file). Both only read the history, through a HistoryReader: they
// never create a store nor start a worker. Main thread; needs a QCoreApplication (Qt SQL).

#include "cli/options.h"

namespace longrun {

// Runs options.command (History or Export); returns the exit status: 0, 1 (no history, the
// export's file cannot be made or written), 2 (bad usage), 74 (standard output).
int runLookBack(const CliOptions &options);

} // namespace longrun
