#pragma once

// What a person is shown before a list of jobs runs programs of their own (issue #12): how many
// command jobs, which programs and in which folders. A rerun from the history and a jobs file
// with commands are reviewed the same way (qml/CommandReview.qml shows it). Plain values, any
// thread.

#include "jobs/jobtypes.h"

#include <QtCore/QList>
#include <QtCore/QStringList>
#include <QtCore/QVariantMap>

namespace longrun {

struct CommandSummary
{
    int jobs = 0;         // every job of the list
    int commands = 0;     // the command jobs among them
    int programCount = 0; // distinct programs (argv[0])
    int folderCount = 0;  // distinct working folders
    QStringList programs; // the first kCommandReviewListed distinct programs, in order seen
    QStringList folders;  // the same for folders, "" for the folder longrun runs in
    QStringList examples; // the first few command lines, quoted as a shell reads them

    // True when nothing runs outside the worker: the list may start without a review.
    [[nodiscard]] bool isEmpty() const { return commands == 0; }
    // The summary for QML: the fields above under the same names.
    [[nodiscard]] QVariantMap toVariantMap() const;
};

// The review names programs and shows a few whole lines; it does not list 100,000 jobs.
inline constexpr int kCommandReviewListed = 20;
inline constexpr int kCommandReviewExamples = 5;

// The summary of `specs`; kinds other than "command" compute inside the worker and are counted
// in `jobs` only.
[[nodiscard]] CommandSummary summarizeCommands(const QList<JobSpec> &specs);

} // namespace longrun
