#pragma once

// `longrun log ID [--follow] [--stderr] [--tail N]`: prints the log of the last attempt of the
// stored job ID (jobs.id, as the history shows it) from the data folder's logs/ (the format is
// runner/attemptlog.h's). The history is read read-only (store/historyreader.h); the log is
// streamed from disk in 64 KiB reads, never loaded whole; --tail N finds its start by reading
// backwards from the end. --follow polls the file every 200 ms (plain polling: it also sees a
// file that appears later, and costs one read a poll) and the store for the attempt's end, then
// prints the rest and exits 0; a job still queued is followed from its first attempt. A line that
// is not a record (a file edited by hand) is skipped and counted; a file that shrinks is reported
// and read on from its new end.
//
// Exit status: 0 printed; 1 no such job, no log (not a command, --no-history, nothing
// printed), the log unreadable; 74 standard output could not be written. Main thread.

#include "cli/options.h"

namespace longrun {

[[nodiscard]] int runLogCommand(const CliOptions &options);

} // namespace longrun
