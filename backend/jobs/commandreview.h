#pragma once

// What a list of jobs would make the system run, for a person to review before it runs: the
// window asks before it starts a jobs file (or a rerun) that holds command jobs, and
// `longrun --dry-run` prints it. Kinds other than `command` compute inside the worker and run
// nothing else. Plain values, any thread.

#include "jobs/jobtypes.h"

#include <QtCore/QList>
#include <QtCore/QStringList>

namespace longrun {

struct CommandReview
{
    int jobs = 0;                // every job of the list
    int commands = 0;            // the command jobs among them
    QStringList programs;        // their distinct programs (argv[0]), in order of first use
    QStringList folders;         // the distinct folders they run in, absolute
    QStringList variables;       // the distinct names of the variables they set (env)
    int clearedEnvironments = 0; // command jobs that start with no inherited variable
};

// `currentFolder`: where a command without a cwd runs (the worker's folder, which is longrun's).
[[nodiscard]] CommandReview reviewCommands(const QList<JobSpec> &specs,
                                           const QString &currentFolder);

// A command job's parts, from its params: empty lists and texts for another kind.
[[nodiscard]] QStringList commandArgv(const JobSpec &spec);
[[nodiscard]] QString commandFolder(const JobSpec &spec);
[[nodiscard]] QStringList commandEnvironment(const JobSpec &spec);

} // namespace longrun
