#include "jobs/commandreview.h"

#include "params.h"

#include <QtCore/QDir>

namespace longrun {

namespace {

QStringList values(const JobSpec &spec, QStringView key)
{
    for (const JobParam &param : spec.params) {
        if (param.key == key)
            return param.values;
    }
    return {};
}

// The bool as the worker reads it (one rule set: protocol/params.h).
bool clearsEnvironment(const JobSpec &spec)
{
    std::vector<std::string> words;
    for (const QString &value : values(spec, u"env_clear"))
        words.push_back(value.toStdString());
    protocol::ParamValue value;
    return !words.empty()
           && !protocol::readParam(protocol::boolRule("env_clear", false, {}), words, value)
           && value.flag;
}

void addOnce(QStringList &list, const QString &value)
{
    if (!list.contains(value))
        list << value;
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

CommandReview reviewCommands(const QList<JobSpec> &specs, const QString &currentFolder)
{
    CommandReview review;
    review.jobs = static_cast<int>(specs.size());
    const QDir here(currentFolder);
    for (const JobSpec &spec : specs) {
        const QStringList argv = commandArgv(spec);
        if (argv.isEmpty())
            continue;
        ++review.commands;
        addOnce(review.programs, argv.first());
        const QString folder = commandFolder(spec);
        addOnce(review.folders, QDir::cleanPath(folder.isEmpty() ? here.absolutePath()
                                                                 : here.absoluteFilePath(folder)));
        for (const QString &word : commandEnvironment(spec))
            addOnce(review.variables, word.section(u'=', 0, 0));
        if (clearsEnvironment(spec))
            ++review.clearedEnvironments;
    }
    return review;
}

} // namespace longrun
