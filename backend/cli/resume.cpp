#include "cli/resume.h"

#include "cli/outputstream.h"
#include "control/taskcontroller.h"
#include "jobs/catalog.h"
#include "store/historyreader.h"

namespace longrun {

void openHistory(const CliOptions &options, TaskController &controller, OutputStream &err)
{
    if (options.noHistory)
        return;
    HistoryStore &history = *controller.history();
    QObject context;
    QObject::connect(&history, &HistoryStore::opened, &context,
                     [&err](qint64, const QString &error, const QStringList &notices) {
                         for (const QString &notice : notices)
                             err.write(QStringLiteral("longrun: %1\n").arg(notice));
                         if (!error.isEmpty())
                             err.write(QStringLiteral("longrun: %1\n").arg(error));
                     });
    // Said once, whenever a write fails later on.
    QObject::connect(&history, &HistoryStore::failed, &controller, [&err](const QString &message) {
        err.write(QStringLiteral("longrun: %1\n").arg(message));
    });
    history.openAndWait(controller.dataDirectory(), QStringLiteral("cli"));
}

std::optional<ResumePlan> planResume(const CliOptions &options, TaskController &controller,
                                     const Catalog &catalog, QString *error)
{
    HistoryStore &history = *controller.history();
    if (!history.isOn()) {
        *error = QStringLiteral("--resume needs the history, which is off");
        return std::nullopt;
    }
    HistoryReader reader;
    if (!reader.open(history.dataDirectory(), error))
        return std::nullopt;
    const std::optional<qint64> runId =
        options.runId > 0 ? std::optional<qint64>(options.runId) : reader.lastRun(history.runId());
    const std::optional<StoredRun> run =
        runId && *runId != history.runId() ? reader.run(*runId) : std::nullopt;
    if (!run) {
        *error = options.runId > 0 ? QStringLiteral("there is no run %1 in the history of '%2'")
                                         .arg(options.runId)
                                         .arg(history.dataDirectory())
                                   : QStringLiteral("there is no earlier run to resume in '%1'")
                                         .arg(history.dataDirectory());
        return std::nullopt;
    }
    if (run->finishedAt == 0) {
        *error = QStringLiteral("run %1 is still going (process %2): resume it once it stopped")
                     .arg(run->id)
                     .arg(run->ownerPid);
        return std::nullopt;
    }
    ResumePlan plan;
    plan.runId = run->id;
    for (const StoredJob &job : jobsToResume(reader.jobsOfRun(run->id))) {
        // The worker may have changed since: a job it would refuse is said now, not run.
        const KindSpec *kind = catalog.find(job.spec.kind);
        const QString problem = kind ? kind->check(job.spec.params)
                                     : QStringLiteral("unknown job kind '%1'").arg(job.spec.kind);
        if (!problem.isEmpty()) {
            *error = QStringLiteral("run %1, job %2: %3").arg(run->id).arg(job.seq).arg(problem);
            return std::nullopt;
        }
        plan.specs << job.spec;
        plan.resumedFrom << job.id;
    }
    return plan;
}

} // namespace longrun
