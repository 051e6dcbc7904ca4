#include "jobs/commandreview.h"

#include "params.h"

#include <QtCore/QSet>

namespace longrun {

namespace {

QStringList values(const JobSpec &spec, QStringView key)
{
    const JobParam *param = spec.param(key);
    return param ? param->values : QStringList();
}

} // namespace

QStringList commandArgv(const JobSpec &spec)
{
    return spec.kind == u"command" ? values(spec, u"argv") : QStringList();
}

QString commandFolder(const JobSpec &spec)
{
    const QStringList folder = spec.kind == u"command" ? values(spec, u"cwd") : QStringList();
    return folder.isEmpty() ? QString() : folder.first();
}

QStringList commandEnvironment(const JobSpec &spec)
{
    return spec.kind == u"command" ? values(spec, u"env") : QStringList();
}

// The bool as the worker reads it (one rule set: protocol/params.h).
bool clearsEnvironment(const JobSpec &spec)
{
    std::vector<std::string> words;
    for (const QString &value : values(spec, u"env_clear"))
        words.push_back(value.toStdString());
    protocol::ParamValue value;
    return spec.kind == u"command" && !words.empty()
           && !protocol::readParam(protocol::boolRule("env_clear", false, {}), words, value)
           && value.flag;
}

QString jobCommandLine(const JobSpec &spec)
{
    if (spec.kind == u"command") {
        QStringList words;
        for (const QString &word : commandArgv(spec))
            words << shellQuote(word);
        const QString line = words.join(u' ');
        const QString folder = commandFolder(spec);
        return folder.isEmpty() ? line : QStringLiteral("%1 (in %2)").arg(line, folder);
    }
    const QString params = spec.describeParams();
    return params.isEmpty() ? spec.kind : spec.kind + QStringLiteral(": ") + params;
}

QVariantMap CommandSummary::toVariantMap() const
{
    return {{QStringLiteral("jobs"), jobs},
            {QStringLiteral("commands"), commands},
            {QStringLiteral("programCount"), programCount},
            {QStringLiteral("folderCount"), folderCount},
            {QStringLiteral("programs"), programs},
            {QStringLiteral("folders"), folders},
            {QStringLiteral("examples"), examples},
            {QStringLiteral("variables"), variables},
            {QStringLiteral("clearedEnvironments"), clearedEnvironments}};
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
        const QStringList words = commandArgv(spec);
        const QString folder = commandFolder(spec);
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
            summary.examples << jobCommandLine(spec);
        for (const QString &word : commandEnvironment(spec)) {
            const QString name = word.section(u'=', 0, 0);
            if (!summary.variables.contains(name))
                summary.variables << name;
        }
        if (clearsEnvironment(spec))
            ++summary.clearedEnvironments;
    }
    summary.programCount = static_cast<int>(programs.size());
    summary.folderCount = static_cast<int>(folders.size());
    return summary;
}

} // namespace longrun
