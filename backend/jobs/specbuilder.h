#pragma once

// The one way from what a person wrote to a checked JobSpec. Each front end reads its own
// syntax (a form's fields, the CLI's "KIND:key=value,...", a jobs file's objects) and hands the
// builder one parameter at a time; how a text or a JSON value becomes the values sent to the
// worker, and what an empty form field means, is decided here once; whether the job is right
// is decided by the worker's own rules (KindSpec::check). Plain values, any thread.

#include "jobs/catalog.h"

#include <QtCore/QJsonValue>
#include <QtCore/QVariantMap>

#include <optional>

namespace longrun {

class SpecBuilder final
{
public:
    // `kind` must outlive the builder.
    explicit SpecBuilder(const KindSpec &kind);

    // A value typed as text (a CLI "key=value"): an argv is split like a shell command line,
    // anything else is sent as typed (the rules decide about spaces). A key the kind does not
    // have is kept for build() to name. False, with *error, for an unterminated quote.
    bool addText(const QString &key, const QString &text, QString *error);
    // A form field: as addText(), but an empty optional field means the default and adds
    // nothing (fieldMeansDefault()).
    bool addField(const QString &key, const QString &text, QString *error);
    // A jobs file's value: an int or a real needs a JSON number, a bool a JSON bool, an argv a
    // list of strings or a command line, the others a string. False, with *error, for a key
    // the kind does not have ("field 'params.max': unknown parameter for primes ...") or a
    // value of another JSON type ("primes: parameter 'limit' must be an integer from 2 to
    // 1000000000000, got the string \"1000\" (write it without quotes)").
    bool addJson(const QString &key, const QJsonValue &value, QString *error);

    // The job, checked as the worker will check it; or nothing, with *error ("kind: ...").
    [[nodiscard]] std::optional<JobSpec> build(QString *error) const;

private:
    void add(const QString &key, QStringList values);

    const KindSpec &m_kind;
    JobSpec m_spec;
};

// An empty optional field (not an argv) means the parameter's default: the form sends nothing.
[[nodiscard]] bool fieldMeansDefault(const ParamSpec &param, const QString &text);

// One form field checked on its own, as the user types: empty when fine or the default.
[[nodiscard]] QString checkField(const ParamSpec &param, const QString &text);

// What --env and --env-clear do to one job: a command job gets `env`'s KEY=VALUE words before
// its own env words (its own come later and win) and env_clear when `clear`. Other kinds run in
// the worker, whose environment is not theirs to change: they are left as they are.
void addEnvironment(JobSpec &spec, const QStringList &env, bool clear);

// A whole form (the window's "Start" with its fields' texts) as one checked job.
[[nodiscard]] std::optional<JobSpec> specFromForm(const Catalog &catalog, const QString &kind,
                                                  const QVariantMap &fields, QString *error);

} // namespace longrun
