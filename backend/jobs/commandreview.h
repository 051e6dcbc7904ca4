#pragma once

// What a person is shown before a list of jobs runs programs of their own (issue #12): how many
// command jobs, which programs, in which folders, with which variables. The window reviews a
// rerun from the history and a jobs file with commands this way (qml/CommandReview.qml), and
// `longrun --dry-run` prints it. Kinds other than `command` compute inside the worker and run
// nothing else. Plain values, any thread.

#include "jobs/jobtypes.h"

#include <QtCore/QList>
#include <QtCore/QStringList>
#include <QtCore/QVariantMap>

namespace longrun {

struct CommandSummary
{
    int jobs = 0;                // every job of the list
    int commands = 0;            // the command jobs among them
    int programCount = 0;        // distinct programs (argv[0])
    int folderCount = 0;         // distinct working folders
    QStringList programs;        // the first kCommandReviewListed distinct programs, in order seen
    QStringList folders;         // the same for folders, "" for the folder longrun runs in
    QStringList examples;        // the first few command lines, quoted as a shell reads them
    QStringList variables;       // the distinct names of the variables they set (env)
    int clearedEnvironments = 0; // command jobs that start with no inherited variable

    // True when nothing runs outside the worker: the list may start without a review.
    [[nodiscard]] bool isEmpty() const { return commands == 0; }
    // The summary for QML: the fields above under the same names.
    [[nodiscard]] QVariantMap toVariantMap() const;
};

// The review names programs and shows a few whole lines; it does not list 100,000 jobs.
inline constexpr int kCommandReviewListed = 20;
inline constexpr int kCommandReviewExamples = 5;

// The summary of `specs`; kinds other than "command" are counted in `jobs` only.
[[nodiscard]] CommandSummary summarizeCommands(const QList<JobSpec> &specs);

// A command job's parts, from its params: empty for another kind.
[[nodiscard]] QStringList commandArgv(const JobSpec &spec);
[[nodiscard]] QString commandFolder(const JobSpec &spec);
[[nodiscard]] QStringList commandEnvironment(const JobSpec &spec);
[[nodiscard]] bool clearsEnvironment(const JobSpec &spec);

// A job as one line: a command job's argv quoted as a shell would need it (and its folder), any
// other kind as "kind: key=value, ...".
[[nodiscard]] QString jobCommandLine(const JobSpec &spec);

} // namespace longrun
