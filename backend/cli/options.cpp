#include "cli/options.h"

#include "control/taskcontroller.h"
#include "params.h"
#include "store/jobexport.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDateTime>
#include <QtCore/QFileInfo>
#include <QtCore/QRegularExpression>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>

namespace longrun {

namespace {

enum class Scope {
    Both,           // the window and the headless run
    Headless,       // only without a window: refused with a window
    ImpliesHeadless // never needs a window: makes the run headless
};

struct OptionDef
{
    const char *name;
    const char *shortName; // nullptr: none
    const char *valueName; // nullptr: a flag
    const char *defaultValue;
    Scope scope;
    const char *description;
};

// The one table of longrun's options.
constexpr OptionDef kOptions[] = {
    {"help", "h", nullptr, nullptr, Scope::Both, "Print this help and exit."},
    {"version", "v", nullptr, nullptr, Scope::Both, "Print the version and exit."},
    {"headless", nullptr, nullptr, nullptr, Scope::Both,
     "Run without a window: a live status line and a summary table, or JSON lines with --json."},
    {"worker", nullptr, "PATH", nullptr, Scope::Both,
     "The worker program (default: longrun-worker next to longrun, or $LONGRUN_WORKER)."},
    {"concurrency", nullptr, "N", nullptr, Scope::Both,
     "Run at most N jobs at once (default: cores)."},
    {"jobs", nullptr, "FILE", nullptr, Scope::Both,
     "Read jobs from a JSON file: [{\"kind\": ..., \"params\": {...}}]. Given more than once, "
     "every file is read, in order."},
    {"repeat", nullptr, "N", "1", Scope::Headless, "(headless) Run every job N times."},
    {"timeout", nullptr, "SEC", nullptr, Scope::Headless,
     "(headless) Stop a job after SEC seconds of running (not paused), 0.1 at least."},
    {"retries", nullptr, "N", "0", Scope::Headless,
     "(headless) Retry a failed or timed-out job up to N times."},
    {"image-dir", nullptr, "DIR", nullptr, Scope::Headless,
     "(headless) Save images of mandelbrot jobs into DIR."},
    {"json", nullptr, nullptr, nullptr, Scope::Headless,
     "(headless) Print one JSON object per line (events) instead of a live display."},
    {"demo", nullptr, nullptr, nullptr, Scope::Headless,
     "(headless) Run a small demo batch of every real kind."},
    {"data-dir", nullptr, "DIR", nullptr, Scope::Both,
     "Keep the history and the images in DIR (default: $LONGRUN_DATA_DIR, else "
     "~/.local/share/longrun); made owner-only, refused if others can write to it."},
    {"no-history", nullptr, nullptr, nullptr, Scope::Both,
     "Record nothing of this run in the history (a throw-away run)."},
    {"resume", nullptr, nullptr, nullptr, Scope::Headless,
     "(headless) Run again the jobs the last run left interrupted (longrun was killed or "
     "stopped) or never started; never one that succeeded. See --run."},
    {"run", nullptr, "ID", nullptr, Scope::Headless,
     "(headless) With --resume: the run to resume instead of the last one."},
    {"env", nullptr, "KEY=VALUE", nullptr, Scope::Headless,
     "(headless) Set a variable for every command job (given more than once, each is set; a "
     "job's own env words come after and win). Other jobs compute in the worker and ignore it."},
    {"env-clear", nullptr, nullptr, nullptr, Scope::Headless,
     "(headless) Start every command job with no variables but those of --env and its own env "
     "(like env -i); by default a command job inherits longrun's environment."},
    {"dry-run", nullptr, nullptr, nullptr, Scope::Headless,
     "(headless) List what would run (every job; the commands, their programs and folders) "
     "and exit without running anything or recording history; JSON lines with --json."},
    {"joblog", nullptr, "FILE", nullptr, Scope::Headless,
     "(headless) Log every attempt as it ends in FILE, as GNU parallel's --joblog does (TAB "
     "separated: Seq Host Starttime JobRuntime Send Receive Exitval Signal Command). A new FILE "
     "is made owner-only; an existing regular file of yours is appended to (the header only "
     "when it is empty); a symlink or anything else is refused before any job starts."},
    {"list-kinds", nullptr, nullptr, nullptr, Scope::ImpliesHeadless,
     "List the job kinds the worker supports, and exit (never opens a window)."},
    {"keep-days", nullptr, "N", "90", Scope::Both,
     "Delete from the history, in the background, the jobs (with their logs and images) that "
     "ended more than N days ago; 0 keeps them forever."},
    {"keep-jobs", nullptr, "N", "100000", Scope::Both,
     "Keep at most the N newest jobs in the history (older ones go with their logs and "
     "images); 0 for no limit."},
};

// ---- sub-commands: `longrun WORD [options]`, each with a table of its own ------------------

// Their rows' Scope means nothing: a sub-command never opens a window.
// What `history` and `export` share: which stored jobs.
constexpr OptionDef kFilterOptions[] = {
    {"help", "h", nullptr, nullptr, Scope::Both, "Print this help and exit."},
    {"data-dir", nullptr, "DIR", nullptr, Scope::Both,
     "Read the history in DIR (default: $LONGRUN_DATA_DIR, else ~/.local/share/longrun)."},
    {"state", nullptr, "STATE", nullptr, Scope::Both,
     "Only jobs that ended (or are) in STATE: succeeded, failed, canceled, timed_out, "
     "interrupted, queued, starting, running, paused. Given again or comma-separated: any of "
     "them."},
    {"kind", nullptr, "KIND", nullptr, Scope::Both, "Only jobs of KIND."},
    {"since", nullptr, "DATE", nullptr, Scope::Both,
     "Only jobs added at or after DATE: 2026-05-01, 2026-05-01T14:30 (local time), or a time "
     "ago: 30m, 2h, 3d, 1w."},
    {"run", nullptr, "ID", nullptr, Scope::Both, "Only jobs of run ID."},
    {"search", nullptr, "TEXT", nullptr, Scope::Both,
     "Only jobs with TEXT in their kind, parameters, summary or error."},
};

constexpr OptionDef kHistoryOptions[] = {
    {"json", nullptr, nullptr, nullptr, Scope::Both,
     "One JSON object per job and line, with every stored field."},
    {"limit", nullptr, "N", nullptr, Scope::Both, "Show the newest N jobs (default: 50)."},
};

constexpr OptionDef kExportOptions[] = {
    {"format", nullptr, "FORMAT", nullptr, Scope::Both, "csv (RFC 4180) or json (an array)."},
    {"output", "o", "FILE", nullptr, Scope::Both,
     "Write to FILE, a new file made owner-only (an existing FILE or a symlink is refused); "
     "default: standard output."},
};

constexpr OptionDef kLogOptions[] = {
    {"help", "h", nullptr, nullptr, Scope::Both, "Print this help and exit."},
    {"data-dir", nullptr, "DIR", nullptr, Scope::Both,
     "Read the history in DIR (default: $LONGRUN_DATA_DIR, else ~/.local/share/longrun)."},
    {"follow", "f", nullptr, nullptr, Scope::Both,
     "Keep printing while the job runs, as tail -f; end when its attempt ends."},
    {"stderr", nullptr, nullptr, nullptr, Scope::Both, "Only what the job wrote on stderr."},
    {"tail", "n", "N", nullptr, Scope::Both, "Only the last N records."},
};

struct SubCommand
{
    const char *word;
    Command command;
    bool filters;                   // kFilterOptions first
    std::span<const OptionDef> own; // its options (after the filters)
    const char *arguments;          // its positional arguments, for the help; nullptr: none
    const char *description;
};

constexpr SubCommand kSubCommands[] = {
    {"history", Command::History, true, kHistoryOptions, nullptr,
     "Lists the jobs of past runs from the history, newest first: a table for people, or\n"
     "JSON lines with --json. Reads the history only (never creates one).\n"
     "Exit status: 0 (also when no job matches), 1 when there is no history to read, 2 for\n"
     "bad usage, 74 when standard output cannot be written."},
    {"export", Command::Export, true, kExportOptions, nullptr,
     "Writes every job of the history that the filters select (no limit) as CSV or JSON,\n"
     "to standard output or a new FILE. It holds these fields and nothing else (no logs, no\n"
     "stderr tails, no result values):%1.\n"
     "Exit status: 0, 1 when there is no history or FILE cannot be made or written, 2 for\n"
     "bad usage, 74 when standard output cannot be written."},
    {"log", Command::Log, false, kLogOptions, "ID",
     "Prints the log of stored job ID's last attempt (ID as 'longrun history' shows it): one\n"
     "record per line of its output, 'TIME out|err TEXT' ('out+'/'err+': the line goes on\n"
     "in the next record; 'note': longrun's own). Streamed from disk, never read whole.\n"
     "Exit status: 0, 1 for an unknown job or one without a log, 2 for bad usage, 74 when\n"
     "standard output cannot be written."},
};

constexpr const char *kDescription =
    "Runs many long jobs at once, each in its own worker process: in a window, or with\n"
    "--headless reported to the terminal or as JSON lines (--json).\n"
    "JOB (headless) is KIND[:key=value[,key=value...]], e.g. primes:limit=1000000 or\n"
    "\"command:argv=sh -c 'make -j2'\" (an argv takes the rest of the text). A value that\n"
    "holds commas is quoted: \"mandelbrot:region='-1,-1,1,1',width=64\" ('...' keeps\n"
    "everything, \"...\" allows \\\" and \\\\).\n"
    "A jobs file is at most 64 MiB and 100000 jobs (also the limit after --repeat); one\n"
    "job's request to the worker is at most 16 MiB.\n"
    "Exit status: 0 when every job succeeded, 1 when any did not, 2 for bad usage or a bad\n"
    "jobs file, 74 when standard output cannot be written, 128+N after signal N (129, 130,\n"
    "143 after SIGHUP, SIGINT, SIGTERM). Signals and an unwritable output cancel every job\n"
    "first and leave no process behind. Ctrl-Z (SIGTSTP) pauses every running job, then\n"
    "stops longrun; fg, bg or SIGCONT resume them.\n"
    "Looking back: 'longrun history [options]' lists the jobs of past runs, 'longrun export\n"
    "--format csv|json [options]' writes them out, 'longrun log ID' prints a command job's\n"
    "log (see 'longrun history --help', 'longrun log --help').";

void addOptions(QCommandLineParser &parser, std::span<const OptionDef> table)
{
    for (const OptionDef &def : table) {
        QStringList names{QString::fromLatin1(def.name)};
        if (def.shortName)
            names.prepend(QString::fromLatin1(def.shortName));
        QCommandLineOption option(names, QString::fromUtf8(def.description));
        if (def.valueName)
            option.setValueName(QString::fromLatin1(def.valueName));
        if (def.defaultValue)
            option.setDefaultValue(QString::fromLatin1(def.defaultValue));
        parser.addOption(option);
    }
}

void describe(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QString::fromUtf8(kDescription));
    addOptions(parser, kOptions);
    parser.addPositionalArgument(QStringLiteral("JOB"), QStringLiteral("(headless) Jobs to run."),
                                 QStringLiteral("[JOB...]"));
}

void describe(QCommandLineParser &parser, const SubCommand &sub)
{
    QString description = QString::fromUtf8(sub.description);
    if (sub.command == Command::Export) {
        // The fields, wrapped as the rest of the help is.
        QString fields;
        qsizetype column = 0;
        for (const QString &name : exportFieldList().split(QStringLiteral(", "))) {
            if (column > 0 && column + name.size() > 72) {
                fields += QStringLiteral(",\n  ");
                column = 0;
            } else if (column > 0) {
                fields += QStringLiteral(", ");
            }
            fields += name;
            column += name.size() + 2;
        }
        description = description.arg(QStringLiteral("\n  ") + fields);
    }
    parser.setApplicationDescription(description);
    if (sub.filters)
        addOptions(parser, kFilterOptions);
    addOptions(parser, sub.own);
    parser.addPositionalArgument(QString::fromLatin1(sub.word),
                                 QStringLiteral("The command (the first word)."),
                                 QString::fromLatin1(sub.word));
    if (sub.arguments)
        parser.addPositionalArgument(QString::fromLatin1(sub.arguments),
                                     QStringLiteral("The stored job."),
                                     QString::fromLatin1(sub.arguments));
}

const SubCommand *subCommandOf(const QStringList &arguments)
{
    if (arguments.size() < 2)
        return nullptr;
    for (const SubCommand &sub : kSubCommands) {
        if (arguments.at(1) == QLatin1String(sub.word))
            return &sub;
    }
    return nullptr;
}

// A whole number in [min, max], or a message that states the range.
bool wholeNumber(const QString &option, const QString &text, int min, int max, int *out,
                 QString *error)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (ok && value >= min && value <= max) {
        *out = value;
        return true;
    }
    *error = QStringLiteral("--%1 takes a whole number from %2 to %3, not '%4'")
                 .arg(option)
                 .arg(min)
                 .arg(max)
                 .arg(text);
    return false;
}

bool wholeNumber(const QCommandLineParser &parser, const QString &option, int min, int max,
                 int *out, QString *error)
{
    return !parser.isSet(option) || wholeNumber(option, parser.value(option), min, max, out, error);
}

bool seconds(const QCommandLineParser &parser, double *out, QString *error)
{
    if (!parser.isSet(QStringLiteral("timeout")))
        return true;
    const QString text = parser.value(QStringLiteral("timeout"));
    bool ok = false;
    const double value = text.toDouble(&ok);
    // Written so that NaN fails too.
    if (ok && value >= kMinTimeoutSeconds && value <= kMaxTimeoutSeconds) {
        *out = value;
        return true;
    }
    *error = QStringLiteral("--timeout takes a number of seconds from %1 to %2, not '%3'")
                 .arg(kMinTimeoutSeconds)
                 .arg(kMaxTimeoutSeconds, 0, 'f', 0)
                 .arg(text);
    return false;
}

// --resume and --run: which run, and nothing that would contradict it.
bool runOption(const QCommandLineParser &parser, CliOptions *options, QString *error)
{
    if (parser.isSet(QStringLiteral("run"))) {
        bool ok = false;
        options->runId = parser.value(QStringLiteral("run")).toLongLong(&ok);
        if (!ok || options->runId < 1) {
            *error = QStringLiteral("--run takes a run number (see the history), not '%1'")
                         .arg(parser.value(QStringLiteral("run")));
            return false;
        }
        if (!options->resume) {
            *error = QStringLiteral("--run goes with --resume");
            return false;
        }
    }
    if (!options->resume)
        return true;
    if (options->noHistory) {
        *error = QStringLiteral("--resume reads the history: it cannot go with --no-history");
        return false;
    }
    if (!options->jobs.isEmpty() || !options->jobsFiles.isEmpty() || options->demo) {
        *error = QStringLiteral("--resume runs the jobs of an earlier run: give no other jobs");
        return false;
    }
    return true;
}

// --env KEY=VALUE: each a variable, with a name.
bool environmentOption(const QCommandLineParser &parser, CliOptions *options, QString *error)
{
    options->env = parser.values(QStringLiteral("env"));
    options->envClear = parser.isSet(QStringLiteral("env-clear"));
    for (const QString &word : options->env) {
        if (!protocol::isAssignment(word.toStdString()) || word.contains(QChar(u'\0'))) {
            *error = QStringLiteral("--env takes KEY=VALUE (a name, '=', then the value), not "
                                    "'%1'")
                         .arg(word);
            return false;
        }
    }
    return true;
}

// With a window, the headless options mean nothing: say so rather than ignore them.
bool checkScope(const QCommandLineParser &parser, const CliOptions &options, QString *error)
{
    if (options.headless || options.help || options.version)
        return true;
    for (const OptionDef &def : kOptions) {
        if (def.scope == Scope::Headless && parser.isSet(QString::fromLatin1(def.name))) {
            *error = QStringLiteral("--%1 needs --headless (the window has no such option)")
                         .arg(QString::fromLatin1(def.name));
            return false;
        }
    }
    if (!options.jobs.isEmpty()) {
        *error = QStringLiteral("jobs on the command line need --headless (the window reads "
                                "--jobs FILE)");
        return false;
    }
    return true;
}

// ---- the look-back's filters ----------------------------------------------------------------

QStringList storedStates()
{
    QStringList states;
    for (const State state : {State::Succeeded, State::Failed, State::Canceled, State::TimedOut})
        states << stateKey(state);
    states << QStringLiteral("interrupted");
    for (const State state : {State::Queued, State::Starting, State::Running, State::Paused})
        states << stateKey(state);
    return states;
}

bool stateFilter(const QCommandLineParser &parser, JobQuery *query, QString *error)
{
    const QStringList valid = storedStates();
    for (const QString &value : parser.values(QStringLiteral("state"))) {
        for (const QString &word : value.split(u',', Qt::SkipEmptyParts)) {
            const QString state = word.trimmed();
            if (!valid.contains(state)) {
                *error = QStringLiteral("--state '%1' is not a state: use %2")
                             .arg(state, valid.join(QStringLiteral(", ")));
                return false;
            }
            if (!query->states.contains(state))
                query->states << state;
        }
    }
    return true;
}

// DATE of --since: an ISO date or date-time (local unless it names its offset), or a time ago.
std::optional<qint64> sinceTime(const QString &text, const QDateTime &now)
{
    static const QRegularExpression ago(QStringLiteral("^([0-9]{1,6})([smhdw])$"));
    if (const QRegularExpressionMatch m = ago.match(text); m.hasMatch()) {
        static const QString units = QStringLiteral("smhdw");
        constexpr qint64 kUnitMs[] = {1000, 60'000, 3'600'000, 86'400'000, 604'800'000};
        const qint64 unit = kUnitMs[units.indexOf(m.captured(2))];
        return now.toMSecsSinceEpoch() - m.captured(1).toLongLong() * unit;
    }
    if (const QDate date = QDate::fromString(text, Qt::ISODate); date.isValid())
        return date.startOfDay().toMSecsSinceEpoch();
    const QDateTime time = QDateTime::fromString(text, Qt::ISODate);
    if (time.isValid())
        return time.toMSecsSinceEpoch();
    return std::nullopt;
}

bool filters(const QCommandLineParser &parser, JobQuery *query, QString *error)
{
    if (!stateFilter(parser, query, error))
        return false;
    query->kind = parser.value(QStringLiteral("kind"));
    query->text = parser.value(QStringLiteral("search"));
    if (parser.isSet(QStringLiteral("since"))) {
        const QString text = parser.value(QStringLiteral("since"));
        const std::optional<qint64> since = sinceTime(text, QDateTime::currentDateTime());
        if (!since || *since <= 0) {
            *error = QStringLiteral("--since takes a date (2026-05-01), a date and time "
                                    "(2026-05-01T14:30) or a time ago (30m, 2h, 3d, 1w), not '%1'")
                         .arg(text);
            return false;
        }
        query->since = *since;
    }
    if (parser.isSet(QStringLiteral("run"))) {
        bool ok = false;
        query->runId = parser.value(QStringLiteral("run")).toLongLong(&ok);
        if (!ok || query->runId < 1) {
            *error = QStringLiteral("--run takes a run number (see the history), not '%1'")
                         .arg(parser.value(QStringLiteral("run")));
            return false;
        }
    }
    return true;
}

bool lookOptions(const QCommandLineParser &parser, const SubCommand &sub, CliOptions *options,
                 QString *error)
{
    LookOptions &look = options->look;
    if (!filters(parser, &look.query, error))
        return false;
    if (sub.command == Command::History) {
        look.json = parser.isSet(QStringLiteral("json"));
        look.limited = parser.isSet(QStringLiteral("limit"));
        look.query.limit = kHistoryDefaultLimit;
        return wholeNumber(parser, QStringLiteral("limit"), 1, kMaxHistoryLimit, &look.query.limit,
                           error);
    }
    look.query.limit = 0;
    const QString format = parser.value(QStringLiteral("format"));
    if (format != u"csv" && format != u"json") {
        *error = format.isEmpty() ? QStringLiteral("export needs --format csv or --format json")
                                  : QStringLiteral("--format is csv or json, not '%1'").arg(format);
        return false;
    }
    look.csv = format == u"csv";
    look.output = parser.value(QStringLiteral("output"));
    return true;
}

// `longrun log ID [--follow] [--stderr] [--tail N]`.
bool logOptions(const QCommandLineParser &parser, CliOptions *options, QString *error)
{
    const QStringList words = parser.positionalArguments();
    bool ok = false;
    options->logJob = words.size() == 1 ? words.first().toLongLong(&ok) : 0;
    if (!ok || options->logJob < 1) {
        *error = words.size() == 1
                     ? QStringLiteral("log takes a job's number (as the history shows it), not "
                                      "'%1'")
                           .arg(words.first())
                     : QStringLiteral("log takes one job's number: longrun log ID");
        options->logJob = 0;
        return false;
    }
    options->follow = parser.isSet(QStringLiteral("follow"));
    options->stderrOnly = parser.isSet(QStringLiteral("stderr"));
    return wholeNumber(parser, QStringLiteral("tail"), 1, kMaxTail, &options->tail, error);
}

// `longrun WORD [options]`: parsed with WORD's own table; it never opens a window.
std::optional<CliOptions> parseSubCommand(const QStringList &arguments, const SubCommand &sub,
                                          QString *error)
{
    QCommandLineParser parser;
    describe(parser, sub);
    QStringList rest = arguments.mid(2);
    rest.prepend(arguments.first());
    if (!parser.parse(rest)) {
        *error = QStringLiteral("%1: %2").arg(QLatin1String(sub.word), parser.errorText());
        return std::nullopt;
    }
    CliOptions options;
    options.command = sub.command;
    options.headless = true;
    options.help = parser.isSet(QStringLiteral("help"));
    options.dataDir = parser.value(QStringLiteral("data-dir"));
    if (options.help)
        return options;
    if (sub.command == Command::Log) {
        if (!logOptions(parser, &options, error))
            return std::nullopt;
        return options;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("%1 takes no arguments, only options (not '%2')")
                     .arg(QLatin1String(sub.word), parser.positionalArguments().first());
        return std::nullopt;
    }
    if (!lookOptions(parser, sub, &options, error))
        return std::nullopt;
    return options;
}

} // namespace

QString longrunVersion()
{
    return QStringLiteral(LONGRUN_VERSION);
}

QStringList argumentsOf(int argc, char **argv)
{
    QStringList arguments;
    arguments.reserve(argc);
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    return arguments;
}

std::optional<CliOptions> parseCommandLine(const QStringList &arguments, QString *error)
{
    if (const SubCommand *sub = subCommandOf(arguments))
        return parseSubCommand(arguments, *sub, error);
    QCommandLineParser parser;
    describe(parser);
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    CliOptions options;
    options.help = parser.isSet(QStringLiteral("help"));
    options.version = parser.isSet(QStringLiteral("version"));
    options.listKinds = parser.isSet(QStringLiteral("list-kinds"));
    options.headless = parser.isSet(QStringLiteral("headless")) || options.listKinds;
    options.json = parser.isSet(QStringLiteral("json"));
    options.demo = parser.isSet(QStringLiteral("demo"));
    options.worker = parser.value(QStringLiteral("worker"));
    if (parser.isSet(QStringLiteral("concurrency")))
        options.concurrency = parser.value(QStringLiteral("concurrency"));
    options.jobsFiles = parser.values(QStringLiteral("jobs"));
    options.imageDir = parser.value(QStringLiteral("image-dir"));
    options.dataDir = parser.value(QStringLiteral("data-dir"));
    options.noHistory = parser.isSet(QStringLiteral("no-history"));
    options.resume = parser.isSet(QStringLiteral("resume"));
    options.dryRun = parser.isSet(QStringLiteral("dry-run"));
    options.joblog = parser.value(QStringLiteral("joblog"));
    options.jobs = parser.positionalArguments();
    if (options.help || options.version)
        return options;
    if (!checkScope(parser, options, error)
        || !wholeNumber(parser, QStringLiteral("keep-days"), 0, kMaxKeepDays, &options.keepDays,
                        error)
        || !wholeNumber(parser, QStringLiteral("keep-jobs"), 0, kMaxKeepJobs, &options.keepJobs,
                        error)
        || !wholeNumber(parser, QStringLiteral("repeat"), 1, kMaxRepeat, &options.repeat, error)
        || !wholeNumber(parser, QStringLiteral("retries"), 0, kMaxRetries, &options.retries, error)
        || !seconds(parser, &options.timeoutSeconds, error) || !runOption(parser, &options, error)
        || !environmentOption(parser, &options, error))
        return std::nullopt;
    return options;
}

QString helpText(Command command)
{
    QCommandLineParser parser;
    const auto sub = std::find_if(std::begin(kSubCommands), std::end(kSubCommands),
                                  [command](const SubCommand &s) { return s.command == command; });
    if (sub != std::end(kSubCommands))
        describe(parser, *sub);
    else
        describe(parser);
    return parser.helpText();
}

QString versionText()
{
    return QStringLiteral("longrun %1\n").arg(longrunVersion());
}

bool configureController(const CliOptions &options, TaskController &controller, QString *error)
{
    if (!options.worker.isEmpty())
        controller.setWorkerLaunch({options.worker, {}});
    if (!options.dataDir.isEmpty())
        controller.setDataDirectory(QFileInfo(options.dataDir).absoluteFilePath());
    controller.history()->setRetention({options.keepDays, options.keepJobs});
    if (!options.concurrency)
        return true;
    int concurrency = 0;
    if (!wholeNumber(QStringLiteral("concurrency"), *options.concurrency, 1,
                     controller.maxConcurrency(), &concurrency, error))
        return false;
    controller.setConcurrency(concurrency);
    return true;
}

int usageError(const QString &message)
{
    const QByteArray text =
        QStringLiteral("longrun: %1\nTry 'longrun --help'.\n").arg(message).toLocal8Bit();
    std::fwrite(text.constData(), 1, static_cast<std::size_t>(text.size()), stderr);
    std::fflush(stderr);
    return kExitUsage;
}

} // namespace longrun
