#pragma once

// jobs/: what a job is, for every front end and thread: states, specs and results (here), what
// a person may do in each state (actions.h), the catalog read from the worker (catalog.h), the
// one spec builder (specbuilder.h) and the Start request (startrequest.h). Plain values, any
// thread; includes only protocol/ and system/, never the runner, the models or the controller.
//
// Plain values shared by the engine's classes: job states and what a job is asked to do.
// No QObject here; usable from any thread.

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QMetaType>
#include <QtCore/QObject>
#include <QtCore/QPointF>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace longrun {

Q_NAMESPACE
QML_NAMED_ELEMENT(JobState)

enum class State {
    Queued,
    Starting,
    Running,
    Paused,
    Succeeded,
    Failed,
    Canceled,
    TimedOut,
};
Q_ENUM_NS(State)

inline constexpr int kStateCount = 8;

[[nodiscard]] constexpr bool isTerminal(State s)
{
    return s == State::Succeeded || s == State::Failed || s == State::Canceled
           || s == State::TimedOut;
}
[[nodiscard]] constexpr bool isActive(State s)
{
    return s == State::Starting || s == State::Running || s == State::Paused;
}

// "Running", "Timed out": for people.
[[nodiscard]] QString stateDisplayName(State s);
// "running", "timed_out": for scripts (the CLI's JSON).
[[nodiscard]] QString stateKey(State s);

// One parameter as sent to the worker: scalars have one value, an argv has many.
struct JobParam
{
    QString key;
    QStringList values;
    bool isList = false; // an argv: shown quoted, like a shell command line
    friend bool operator==(const JobParam &, const JobParam &) = default;
};

// What to run: a kind from the worker's catalog and its parameters.
struct JobSpec
{
    QString kind;
    QList<JobParam> params;

    // "limit=1000000, seed=3": the parameters as one line for people.
    [[nodiscard]] QString describeParams() const;
    // The parameter named `key`, or nullptr.
    [[nodiscard]] const JobParam *param(QStringView key) const;
    [[nodiscard]] JobParam *param(QStringView key);
    friend bool operator==(const JobSpec &, const JobSpec &) = default;
};

// At most `maxChars` UTF-16 units of `text`, the last of them "…" when it was cut; never cuts a
// surrogate pair in two (an emoji stays whole or goes whole).
[[nodiscard]] QString cutText(const QString &text, qsizetype maxChars);

// Quotes a word so that splitCommandLine() (and a POSIX shell) gives it back unchanged.
[[nodiscard]] QString shellQuote(QString word);

// QProcess says "execvp: No such file or directory" when a program cannot start: keep the part
// a person needs.
[[nodiscard]] QString startFailureReason(const QString &processErrorString);

// What a successful job produced (a worker's Result, as plain Qt values).
struct JobResult
{
    QString summary;
    QVariantMap values;
    int imageWidth = 0;
    int imageHeight = 0;
    QByteArray imageRgb; // RGB888, row by row; empty when the kind makes no picture
};

// Drops every other point: a long plot series keeps its whole history (start included) and its
// shape at half the memory. Used by the runner's pending batch and the
// model's stored series.
void halveDensity(QList<QPointF> &points);

// How a worker is started: the program and the arguments before anything of ours. Kept as one
// replaceable piece so that the same frames can cross ssh or srun.
struct WorkerLaunch
{
    QString program;
    QStringList arguments;
};

} // namespace longrun

Q_DECLARE_METATYPE(longrun::JobSpec)
