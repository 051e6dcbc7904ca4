#pragma once

// Retention: how long the history keeps what past runs did. longrun's defaults are its options'
// (cli/options.cpp: --keep-days 90, --keep-jobs 100000, in --help and the README); a store
// told nothing keeps everything. 0 keeps forever. The store thread
// applies it in the background after the store opens, a small batch per transaction between
// the drains of the running batch, to jobs of finished runs only (never the run that is
// running now, nor one whose owner still runs), and deletes each job's rows with its log and
// image files: files first, inside the data folder only (store/datafiles.h), so that a crash
// in between leaves a row without its file, never a file nobody knows of. Store thread only.

#include "store/jobrows.h"

#include <QtCore/QString>

namespace longrun {

struct Retention
{
    int keepDays = 0; // jobs that ended longer ago go; 0: no age limit
    int keepJobs = 0; // only the newest so many stay; 0: no count limit
};

// One batch of at most `batch` jobs (with their attempts, files and emptied runs) deleted in
// one transaction. Returns how many jobs went (fewer than `batch`: nothing is left to do), or
// -1 with the reason.
int pruneBatch(Statements &sql, const Retention &retention, qint64 currentRun,
               const QString &dataDir, qint64 nowMs, int batch, QString *error);

} // namespace longrun
