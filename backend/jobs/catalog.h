#pragma once

// The catalog of job kinds, as the worker itself reports it with --list-kinds. Each kind's
// parameters are rebuilt from that JSON into the worker's own rule type (params.h) and checked
// with the worker's own function (protocol::readParams), so that a job this catalog accepts is
// one the worker accepts, and a job it refuses gets the worker's message, before anything runs
// and with the file, position and field named by the caller. Plain values, any thread.
//
// How a front end's syntax (a form, the CLI's JOB argument, a jobs file) becomes a checked
// JobSpec is the spec builder's: jobs/specbuilder.h, which also defines parseJobArgument() and
// parseJobsFile() declared here for their callers.

#include "jobs/jobtypes.h"
#include "params.h"

#include <QtCore/QList>
#include <QtCore/QString>

#include <optional>
#include <vector>

namespace longrun {

// One parameter: the worker's rule, and the parts of it people see (the catalog pane, the
// CLI's --list-kinds) as Qt values, made from the rule by fromRule() and never changed alone.
struct ParamSpec
{
    QString name;
    QString type; // int, real, text, path, bool, choice, argv
    QString description;
    std::optional<double> min;
    std::optional<double> max;
    QStringList choices;
    bool required = false;
    protocol::ParamRule rule;

    [[nodiscard]] static ParamSpec fromRule(protocol::ParamRule rule);
    [[nodiscard]] bool isList() const { return rule.type == protocol::ParamType::Argv; }
    // Checks one parameter's values with the worker's rule; an empty string when they are fine.
    [[nodiscard]] QString check(const QStringList &values) const;
    // The default as text for a form field.
    [[nodiscard]] QString defaultText() const;
};

struct KindSpec
{
    QString name;
    QString title;
    QString description;
    QString category; // compute, system, fault
    // command: how the worker holds its processes here ("pid-namespace", "subreaper: why");
    // empty for other kinds.
    QString containment;
    QList<ParamSpec> params;
    std::vector<protocol::ParamRule> rules; // the params' rules, in the form readParams() takes

    void addParam(protocol::ParamRule rule);
    [[nodiscard]] const ParamSpec *param(const QString &name) const;
    [[nodiscard]] QStringList paramNames() const;
    // Checks a whole job, as the worker will: known parameters, valid values, required ones
    // present. An empty string when it is fine, else "kind: what is wrong".
    [[nodiscard]] QString check(const QList<JobParam> &params) const;
};

struct Catalog
{
    QString worker;
    int protocol = 0;
    QList<KindSpec> kinds;

    [[nodiscard]] const KindSpec *find(const QString &name) const;
    [[nodiscard]] QStringList kindNames() const;
    // "unknown job kind 'x'; known kinds: primes, ...", the worker's words.
    [[nodiscard]] QString unknownKindMessage(const QString &name) const;

    // Parses the worker's --list-kinds JSON. Never throws (nor does load()).
    [[nodiscard]] static std::optional<Catalog> parse(const QByteArray &json, QString *error);
    // Runs `worker --list-kinds` and parses it; `json`, when given, gets what the worker
    // printed. Blocks: call it from a worker thread (the GUI does, through QtConcurrent) or from
    // the CLI before its event loop starts.
    [[nodiscard]] static std::optional<Catalog> load(const WorkerLaunch &launch, QString *error,
                                                     QByteArray *json = nullptr);
};

// The shortest text that reads back as the same number (protocol::formatNumber): "0.3".
[[nodiscard]] QString formatNumber(double value);

// "line 2, column 22": where a byte offset falls in a text, for JSON syntax errors.
[[nodiscard]] QString lineColumn(const QByteArray &text, qsizetype offset);

// Splits a command line into words the way a POSIX shell does, without expanding anything:
// 'single quotes' keep everything, "double quotes" allow \" \\ \$ \`, a backslash escapes the
// next character outside quotes. Returns nothing (and says why) for an unterminated quote.
[[nodiscard]] std::optional<QStringList> splitCommandLine(const QString &line,
                                                          QString *error = nullptr);

// Parses "KIND[:key=value[,key=value...]]". A value that starts with a quote ends at the
// matching quote, so it may hold commas: 'single quotes' keep everything, "double quotes" allow
// \" and \\ ("mandelbrot:region='-1,-1,1,1',width=64"). An argv parameter takes the rest of
// the text, commas and all, split like a shell command line, so it must come last:
// "command:cwd=/tmp,argv=sh -c 'echo a, b'".
[[nodiscard]] std::optional<JobSpec> parseJobArgument(const QString &text, const Catalog &catalog,
                                                      QString *error);

// The most jobs one jobs file (and one CLI run, after --repeat) may hold.
inline constexpr qsizetype kMaxJobs = 100000;
// The largest jobs file read: room for 100,000 jobs of about 670 bytes each, several times what
// a realistic job takes ({"kind": "checksum", "params": {"path": "/a/long/path"}}).
inline constexpr qint64 kMaxJobsFileBytes = 64 * 1024 * 1024;

// Parses a jobs file: a JSON array of {"kind": ..., "params": {...}}. An int or a real must be a
// JSON number and a bool a JSON true or false (a string such as "1000" is refused), an argv a
// list of strings or a command line, any other parameter a string. A key given twice in one
// object is refused ("field 'params.limit' is given twice"), as are more than kMaxJobs jobs
// and a file larger than kMaxJobsFileBytes (never read past that, so /dev/zero is refused at
// once). Errors name the file, the position (line and column for syntax errors, job number
// otherwise) and the field. Never throws (out of memory is an error about the file), so it can
// run in a QtConcurrent task.
[[nodiscard]] std::optional<QList<JobSpec>> parseJobsFile(const QString &path,
                                                          const Catalog &catalog, QString *error);
[[nodiscard]] std::optional<QList<JobSpec>> parseJobsJson(const QByteArray &json,
                                                          const QString &name,
                                                          const Catalog &catalog, QString *error);

} // namespace longrun
