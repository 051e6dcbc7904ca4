#pragma once

// The CLI's use of the history: opening it for the run (saying on stderr what it found: runs
// that were interrupted, a damaged file set aside, or why the history is off), and --resume,
// which reads an earlier run back and picks the jobs to run again. Main thread.

#include "cli/options.h"
#include "jobs/jobtypes.h"

#include <optional>

namespace longrun {

class Catalog;
class OutputStream;
class TaskController;

// Opens the controller's history unless --no-history, and waits for it (the CLI has no window
// to keep responsive). Problems are said on `err`; the run goes on without a history.
void openHistory(const CliOptions &options, TaskController &controller, OutputStream &err);

struct ResumePlan
{
    qint64 runId = 0;
    QList<JobSpec> specs;
    QList<qint64> resumedFrom; // the stored job each spec runs again
};

// The jobs --resume runs again, checked against the worker's catalog. Nothing, with the reason,
// when there is no history, no earlier run, or the run is still going.
[[nodiscard]] std::optional<ResumePlan> planResume(const CliOptions &options,
                                                   TaskController &controller,
                                                   const Catalog &catalog, QString *error);

} // namespace longrun
