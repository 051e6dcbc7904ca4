#include "cli/dryrun.h"

#include "cli/options.h"
#include "cli/outputstream.h"
#include "jobs/commandreview.h"

#include <QtCore/QDir>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

namespace longrun {

namespace {

QJsonObject jobJson(int seq, const JobSpec &spec)
{
    QJsonObject params;
    for (const JobParam &param : spec.params) {
        params.insert(param.key, param.isList ? QJsonValue(QJsonArray::fromStringList(param.values))
                                              : QJsonValue(param.values.value(0)));
    }
    return {{QStringLiteral("event"), QStringLiteral("job")},
            {QStringLiteral("id"), seq},
            {QStringLiteral("kind"), spec.kind},
            {QStringLiteral("params"), params},
            {QStringLiteral("command"), jobCommandLine(spec)}};
}

// The folders as absolute paths: "" (none given) is the folder longrun runs in.
QStringList absoluteFolders(const QStringList &folders)
{
    QStringList out;
    const QDir here = QDir::current();
    for (const QString &folder : folders) {
        const QString path =
            QDir::cleanPath(folder.isEmpty() ? here.absolutePath() : here.absoluteFilePath(folder));
        if (!out.contains(path))
            out << path;
    }
    return out;
}

QJsonObject reviewJson(const CommandSummary &review)
{
    return {
        {QStringLiteral("event"), QStringLiteral("dry_run")},
        {QStringLiteral("jobs"), review.jobs},
        {QStringLiteral("commands"), review.commands},
        {QStringLiteral("program_count"), review.programCount},
        {QStringLiteral("programs"), QJsonArray::fromStringList(review.programs)},
        {QStringLiteral("folder_count"), review.folderCount},
        {QStringLiteral("folders"), QJsonArray::fromStringList(absoluteFolders(review.folders))},
        {QStringLiteral("variables"), QJsonArray::fromStringList(review.variables)},
        {QStringLiteral("env_cleared"), review.clearedEnvironments}};
}

QString line(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) + u'\n';
}

// "a, b, c" or "a, b, ... (25 in all)" when the summary lists only the first ones.
QString listed(const QStringList &names, int count)
{
    const QString joined = names.join(QStringLiteral(", "));
    return count > names.size() ? QStringLiteral("%1, ... (%2 in all)").arg(joined).arg(count)
                                : joined;
}

QString reviewText(const CommandSummary &review)
{
    QString text = QStringLiteral("Dry run: %1 job%2 would run; nothing was started.\n")
                       .arg(review.jobs)
                       .arg(review.jobs == 1 ? "" : "s");
    if (review.commands == 0)
        return text + QStringLiteral("No command jobs: every job computes inside the worker.\n");
    text += QStringLiteral("%1 command job%2 would run programs of your system:\n")
                .arg(review.commands)
                .arg(review.commands == 1 ? "" : "s");
    text += QStringLiteral("  programs:  %1\n").arg(listed(review.programs, review.programCount));
    text += QStringLiteral("  folders:   %1\n")
                .arg(listed(absoluteFolders(review.folders), review.folderCount));
    if (!review.variables.isEmpty())
        text +=
            QStringLiteral("  variables: %1\n").arg(review.variables.join(QStringLiteral(", ")));
    if (review.clearedEnvironments > 0)
        text += QStringLiteral("  %1 of them start%2 with no inherited variable (env_clear)\n")
                    .arg(review.clearedEnvironments)
                    .arg(review.clearedEnvironments == 1 ? "s" : "");
    return text;
}

} // namespace

int printDryRun(const QList<JobSpec> &specs, bool json, OutputStream &out)
{
    const CommandSummary review = summarizeCommands(specs);
    // Written in slices: --repeat can make 100,000 jobs.
    QString text;
    for (qsizetype i = 0; i < specs.size() && !out.failed(); ++i) {
        const int seq = static_cast<int>(i) + 1;
        text += json ? line(jobJson(seq, specs.at(i)))
                     : QStringLiteral("%1  %2\n").arg(seq, 6).arg(jobCommandLine(specs.at(i)));
        if (text.size() > 64 * 1024)
            out.write(std::exchange(text, {}));
    }
    text += json ? line(reviewJson(review)) : QStringLiteral("\n") + reviewText(review);
    out.write(text);
    return out.failed() ? kExitOutputError : kExitOk;
}

} // namespace longrun
