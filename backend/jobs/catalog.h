#pragma once

// The catalog of job kinds, as the worker itself reports it with --list-kinds, and the checks
// that turn what a person typed (a CLI argument, a JSON value, a text field) into parameters the
// worker accepts. Plain values, usable from any thread.
//
// The worker validates again on its side: the catalog's checks exist so that a bad job file or
// a typo is reported before anything runs, with the file, position and field named.

#include "jobs/jobtypes.h"

#include <QtCore/QJsonValue>
#include <QtCore/QList>
#include <QtCore/QString>

#include <optional>

namespace longrun {

struct ParamSpec
{
    QString name;
    QString type; // int, real, text, path, bool, choice, argv
    QString description;
    QJsonValue defaultValue;
    std::optional<double> min;
    std::optional<double> max;
    QStringList choices;
    bool required = false;

    // Checks one parameter's values; returns an empty string when they are fine.
    [[nodiscard]] QString check(const QStringList &values) const;
    // Turns a JSON value (from a jobs file) into the values sent to the worker.
    [[nodiscard]] std::optional<QStringList> fromJson(const QJsonValue &value,
                                                      QString *error) const;
    // Turns text (a CLI "key=value", a form field) into values: an argv is split like a shell.
    [[nodiscard]] QStringList fromText(const QString &text) const;
    // The default as text for a form field.
    [[nodiscard]] QString defaultText() const;
};

struct KindSpec
{
    QString name;
    QString title;
    QString description;
    QString category; // compute, system, fault
    QList<ParamSpec> params;

    [[nodiscard]] const ParamSpec *param(const QString &name) const;
    [[nodiscard]] QStringList paramNames() const;
    // Checks a whole job: known parameters, valid values, required ones present.
    [[nodiscard]] QString check(const QList<JobParam> &params) const;
};

struct Catalog
{
    QString worker;
    int protocol = 0;
    QList<KindSpec> kinds;

    [[nodiscard]] const KindSpec *find(const QString &name) const;
    [[nodiscard]] QStringList kindNames() const;

    // Parses the worker's --list-kinds JSON.
    [[nodiscard]] static std::optional<Catalog> parse(const QByteArray &json, QString *error);
    // Runs `worker --list-kinds` and parses it; `json`, when given, gets what the worker
    // printed. Blocks: call it from a worker thread (the GUI does, through QtConcurrent) or from
    // the CLI before its event loop starts.
    [[nodiscard]] static std::optional<Catalog> load(const WorkerLaunch &launch, QString *error,
                                                     QByteArray *json = nullptr);
};

// Splits a command line into words the way a POSIX shell does, without expanding anything:
// 'single quotes' keep everything, "double quotes" allow \" \\ \$ \`, a backslash escapes the
// next character outside quotes. Returns nothing (and says why) for an unterminated quote.
[[nodiscard]] std::optional<QStringList> splitCommandLine(const QString &line,
                                                          QString *error = nullptr);

// Parses "KIND[:key=value[,key=value...]]". An argv parameter takes the rest of the text, commas
// and all, so it must come last: "command:cwd=/tmp,argv=sh -c 'echo a, b'".
[[nodiscard]] std::optional<JobSpec> parseJobArgument(const QString &text, const Catalog &catalog,
                                                      QString *error);

// Parses a jobs file: a JSON array of {"kind": ..., "params": {...}}. Errors name the file, the
// position (line and column for syntax errors, job number otherwise) and the field.
[[nodiscard]] std::optional<QList<JobSpec>> parseJobsFile(const QString &path,
                                                          const Catalog &catalog, QString *error);
[[nodiscard]] std::optional<QList<JobSpec>> parseJobsJson(const QByteArray &json,
                                                          const QString &name,
                                                          const Catalog &catalog, QString *error);

} // namespace longrun
