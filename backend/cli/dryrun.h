#pragma once

// longrun --headless --dry-run: what the run would do, and nothing done. Every job (numbered as
// the run would number them), then what the command jobs among them would run: how many, which
// programs, in which folders, with which variables set. With --json: one object per job
// ({"event": "job", ...}) and one {"event": "dry_run", ...} with the review.

#include "jobs/jobtypes.h"

#include <QtCore/QList>

namespace longrun {

class OutputStream;

// Returns the exit status (0, or 74 when the output could not be written).
[[nodiscard]] int printDryRun(const QList<JobSpec> &specs, bool json, OutputStream &out);

} // namespace longrun
