#include "jobs/commandreview.h"

#include <QtCore/QSet>

namespace longrun {

namespace {

const JobParam *findParam(const JobSpec &spec, QStringView key)
{
    for (const JobParam &param : spec.params) {
        if (param.key == key)
            return &param;
    }
    return nullptr;
}

// The command line as a shell would read it back, its folder after it.
QString commandLine(const QStringList &argv, const QString &folder)
{
    QStringList words;
    words.reserve(argv.size());
    for (const QString &word : argv)
        words << shellQuote(word);
    QString line = words.join(u' ');
    if (!folder.isEmpty())
        line += QStringLiteral("  (in %1)").arg(folder);
    return line;
}

} // namespace

QVariantMap CommandSummary::toVariantMap() const
{
    return {{QStringLiteral("jobs"), jobs},
            {QStringLiteral("commands"), commands},
            {QStringLiteral("programCount"), programCount},
            {QStringLiteral("folderCount"), folderCount},
            {QStringLiteral("programs"), programs},
            {QStringLiteral("folders"), folders},
            {QStringLiteral("examples"), examples}};
}

CommandSummary summarizeCommands(const QList<JobSpec> &specs)
{
    CommandSummary summary;
    QSet<QString> programs;
    QSet<QString> folders;
    summary.jobs = static_cast<int>(specs.size());
    for (const JobSpec &spec : specs) {
        if (spec.kind != u"command")
            continue;
        ++summary.commands;
        const JobParam *argv = findParam(spec, u"argv");
        const JobParam *cwd = findParam(spec, u"cwd");
        const QStringList words = argv ? argv->values : QStringList();
        const QString folder = cwd && !cwd->values.isEmpty() ? cwd->values.first() : QString();
        const QString program = words.isEmpty() ? QString() : words.first();
        if (!programs.contains(program)) {
            programs.insert(program);
            if (summary.programs.size() < kCommandReviewListed)
                summary.programs << program;
        }
        if (!folders.contains(folder)) {
            folders.insert(folder);
            if (summary.folders.size() < kCommandReviewListed)
                summary.folders << folder;
        }
        if (summary.examples.size() < kCommandReviewExamples)
            summary.examples << commandLine(words, folder);
    }
    summary.programCount = static_cast<int>(programs.size());
    summary.folderCount = static_cast<int>(folders.size());
    return summary;
}

} // namespace longrun
