#pragma once

// longrun's command line, the window's and the headless one alike: one table of options
// (options.cpp), parsed once, into plain values. Whether a run is headless is decided here too,
// so that --help and --version work where no window can open. A sub-command (`longrun history`,
// `longrun export`: the first word) is parsed with a table of its own instead, so that its
// --help lists its options only.

#include "store/storeevent.h"

#include <QtCore/QString>
#include <QtCore/QStringList>

#include <optional>

namespace longrun {

class TaskController;

// What longrun was asked to do: run jobs (the window or --headless), or a sub-command named by
// the first word (`longrun history ...`), which never opens a window.
enum class Command { Run, History, Export, Log };

// `longrun history` and `longrun export`: which stored jobs, and how to give them.
struct LookOptions
{
    JobQuery query;       // the filters; its limit is --limit (history) or 0 (export: all)
    bool json = false;    // history --json
    bool csv = false;     // export --format csv (else json)
    QString output;       // export --output FILE; empty: standard output
    bool limited = false; // history: --limit was given
};

struct CliOptions
{
    Command command = Command::Run;
    LookOptions look; // history, export
    bool help = false;
    bool version = false;
    bool headless = false; // --headless, or --list-kinds (which never needs a window)
    bool json = false;
    bool listKinds = false;
    bool demo = false;
    QString worker; // empty: the controller's default
    // Checked by configureController, which knows the controller's limit.
    std::optional<QString> concurrency;
    QStringList jobsFiles; // every --jobs, in the order given
    int repeat = 1;
    int retries = 0;
    double timeoutSeconds = 0; // 0: none
    QString imageDir;
    QString dataDir;        // empty: $LONGRUN_DATA_DIR, else the XDG data folder
    bool noHistory = false; // --no-history: record nothing
    bool resume = false;
    qint64 runId = 0; // --run: the run --resume reruns (0: the last one)
    QStringList jobs; // positional JOB arguments
    QStringList env;  // --env KEY=VALUE, for every command job
    bool envClear = false;
    bool dryRun = false; // list what would run, run nothing
    QString joblog;      // --joblog FILE: GNU parallel's joblog of the headless run
    // Retention of the history (--keep-days, --keep-jobs; 0 keeps forever).
    int keepDays = 90;
    int keepJobs = 100000;
    // `longrun log ID [--follow] [--stderr] [--tail N]` (cli/logcommand.h).
    qint64 logJob = 0; // the stored job (jobs.id); 0 when this is not `longrun log`
    bool follow = false;
    bool stderrOnly = false;
    int tail = 0; // the last N records only; 0 for all
};

// The bounds of the number options, stated in their messages.
inline constexpr int kMaxRepeat = 100000;
inline constexpr int kMaxRetries = 100;
// The runner checks a job's clock every 100 ms (jobrunner.cpp), so a shorter timeout could not
// fire when it says; the upper bound is the controller's (about 11.5 days).
inline constexpr double kMinTimeoutSeconds = 0.1;
inline constexpr double kMaxTimeoutSeconds = 1.0e6;
inline constexpr int kMaxKeepDays = 100000;
inline constexpr int kMaxKeepJobs = 1000000000;
inline constexpr int kMaxTail = 100000000;

// `longrun history`: how many jobs it shows unless --limit says.
inline constexpr int kHistoryDefaultLimit = 50;
inline constexpr int kMaxHistoryLimit = 1000000;

// Exit statuses of longrun (also in the help text).
inline constexpr int kExitOk = 0;
inline constexpr int kExitJobsFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitOutputError = 74; // EX_IOERR: standard output could not be written
inline constexpr int kExitSignalBase = 128; // + the signal's number

// "0.1.0": the project's version (CMake project(VERSION)).
[[nodiscard]] QString longrunVersion();

// argv as Qt strings, before any QCoreApplication exists.
[[nodiscard]] QStringList argumentsOf(int argc, char **argv);

// Parses the arguments (argv[0] included). Returns nothing and says why for bad usage,
// including an option of the headless mode given to the window.
[[nodiscard]] std::optional<CliOptions> parseCommandLine(const QStringList &arguments,
                                                         QString *error);

// What --help and --version print. Need a QCoreApplication (the usage line names argv[0]).
[[nodiscard]] QString helpText(Command command = Command::Run);
[[nodiscard]] QString versionText();

// Applies what the window and the headless run share: the worker and the concurrency.
// Returns false and says why when --concurrency is out of the controller's range.
[[nodiscard]] bool configureController(const CliOptions &options, TaskController &controller,
                                       QString *error);

// Prints "longrun: MESSAGE" and where to find help on stderr; returns kExitUsage.
int usageError(const QString &message);

} // namespace longrun
