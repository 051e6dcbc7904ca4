#include "cli/options.h"

#include "control/taskcontroller.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QFileInfo>

#include <cmath>
#include <cstdio>

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
    {"list-kinds", nullptr, nullptr, nullptr, Scope::ImpliesHeadless,
     "List the job kinds the worker supports, and exit (never opens a window)."},
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
    "stops longrun; fg, bg or SIGCONT resume them.";

void describe(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QString::fromUtf8(kDescription));
    for (const OptionDef &def : kOptions) {
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
    parser.addPositionalArgument(QStringLiteral("JOB"), QStringLiteral("(headless) Jobs to run."),
                                 QStringLiteral("[JOB...]"));
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
    options.jobs = parser.positionalArguments();
    if (options.help || options.version)
        return options;
    if (!checkScope(parser, options, error)
        || !wholeNumber(parser, QStringLiteral("repeat"), 1, kMaxRepeat, &options.repeat, error)
        || !wholeNumber(parser, QStringLiteral("retries"), 0, kMaxRetries, &options.retries, error)
        || !seconds(parser, &options.timeoutSeconds, error) || !runOption(parser, &options, error))
        return std::nullopt;
    return options;
}

QString helpText()
{
    QCommandLineParser parser;
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
