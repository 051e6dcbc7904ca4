// Whole-stack benchmarks of the engine, each against a baseline measured in the same process:
//
//   bench_engine overhead [jobs] [repeats]  per-job cost: TaskController -> pool -> QProcess ->
//                                           worker -> model, vs the same worker started with
//                                           raw posix_spawn, at concurrency 1 and 2
//   bench_engine gui [jobs]                 lateness of a 1 ms timer on the main thread while
//                                           jobs run 8 at a time, vs the same timer idle
//   bench_engine memory                     worker RSS while it computes, app RSS with 10,000
//                                           rows in the model
//   bench_engine cancel [repeats]           TaskController::cancel -> terminal state,
//                                           cooperative and forced (SIGKILL after both graces)
//   bench_engine command [jobs] [repeats]   per-job cost of `command` jobs running /bin/true
//                                           2 at a time, vs `xargs -P2` and a bare shell loop
//                                           running the same program; the same jobs held by
//                                           the subreaper, vs in their PID namespaces
//   bench_engine history [jobs] [repeats]   per-job cost of trivial jobs, 2 at a time, with the
//                                           history on (a fresh SQLite file each repeat), vs
//                                           the same batch with --no-history
//
// Every figure is printed as one JSON line {"name", "unit", "samples": [...]};
// tests/bench/report.py turns them into the table of RESULTS.md. Nothing here is a test: the
// machine is shared and noisy, so only ratios against a baseline mean anything.
//
// The worker is the one built next to this program unless LONGRUN_WORKER names another.

#include "control/taskcontroller.h"
#include "framing.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace proto = longrun::protocol;

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void emitFigure(const std::string &name, const std::string &unit,
                const std::vector<double> &samples)
{
    std::string line = "{\"name\":\"" + name + "\",\"unit\":\"" + unit + "\",\"samples\":[";
    for (std::size_t i = 0; i < samples.size(); ++i) {
        char number[64];
        std::snprintf(number, sizeof number, "%s%.6g", i ? "," : "", samples[i]);
        line += number;
    }
    line += "]}\n";
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
}

QString workerPath()
{
    const QString fromEnv = qEnvironmentVariable("LONGRUN_WORKER");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("longrun-worker"));
}

// ---- a job as JobSpec (for the stack) and as a Start frame (for raw spawn) -------------------

struct Job
{
    QString kind;
    QList<std::pair<QString, QString>> params;

    [[nodiscard]] longrun::JobSpec spec() const
    {
        longrun::JobSpec s;
        s.kind = kind;
        for (const auto &[key, value] : params)
            s.params << longrun::JobParam{key, {value}, false};
        return s;
    }
    [[nodiscard]] std::string startFrame() const
    {
        proto::Start start;
        start.kind = kind.toStdString();
        for (const auto &[key, value] : params)
            start.params.push_back({key.toStdString(), {value.toStdString()}});
        return proto::encodeFrame(proto::ParentMessage{start});
    }
};

// The trivial job of the overhead figures: one step, no waiting.
const Job kTrivial{QStringLiteral("sleep"),
                   {{QStringLiteral("seconds"), QStringLiteral("0")},
                    {QStringLiteral("steps"), QStringLiteral("1")}}};

// ---- raw posix_spawn: the baseline -------------------------------------------------------

long rssKiB(pid_t pid, const char *field = "VmRSS:")
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    const std::size_t n = std::strlen(field);
    while (std::getline(status, line)) {
        if (line.compare(0, n, field) == 0)
            return std::stol(line.substr(n));
    }
    return -1;
}

struct RawRun
{
    bool gotResult = false;
    int status = 0;
};

// Starts the worker, writes `frame`, reads stdout to EOF, reaps it. `onPoll` runs whenever the
// worker has been quiet for pollMs (memory sampling); `afterStart` runs once the frame is out,
// with the worker's pid and our end of its stdin.
RawRun rawJob(const std::string &worker, const std::string &frame,
              const std::function<void(pid_t, int)> &afterStart = {},
              const std::function<void(pid_t)> &onPoll = {}, int pollMs = -1)
{
    int in[2];
    int out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe2 failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own process group, as JobRunner gives it.
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid = 0;
    char *argv[] = {const_cast<char *>(worker.c_str()), nullptr};
    const int rc = ::posix_spawn(&pid, worker.c_str(), &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(in[0]);
    ::close(out[1]);
    if (rc != 0)
        throw std::runtime_error("posix_spawn failed: " + std::string(std::strerror(rc)));

    if (::write(in[1], frame.data(), frame.size()) != static_cast<ssize_t>(frame.size()))
        throw std::runtime_error("short write of the start frame");
    if (afterStart)
        afterStart(pid, in[1]);

    proto::WorkerFrameDecoder decoder;
    RawRun run;
    char buffer[65536];
    for (;;) {
        if (onPoll) {
            pollfd p{out[0], POLLIN, 0};
            const int ready = ::poll(&p, 1, pollMs);
            if (ready == 0) {
                onPoll(pid);
                continue;
            }
        }
        const ssize_t n = ::read(out[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        decoder.feed(buffer, static_cast<std::size_t>(n));
        while (auto message = decoder.next())
            run.gotResult = run.gotResult || std::holds_alternative<proto::Result>(*message);
    }
    ::close(in[1]);
    ::close(out[0]);
    while (::waitpid(pid, &run.status, 0) < 0 && errno == EINTR) {
    }
    return run;
}

// ms per job for `jobs` raw spawns spread over `concurrency` threads.
double rawMsPerJob(const std::string &worker, int jobs, int concurrency)
{
    const std::string frame = kTrivial.startFrame();
    std::atomic<int> failures{0};
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < concurrency; ++t) {
        const int share = jobs / concurrency + (t < jobs % concurrency ? 1 : 0);
        threads.emplace_back([&, share] {
            for (int i = 0; i < share; ++i) {
                const RawRun run = rawJob(worker, frame);
                if (!run.gotResult || !WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0)
                    ++failures;
            }
        });
    }
    for (auto &thread : threads)
        thread.join();
    const double ms = msSince(start);
    if (failures > 0)
        throw std::runtime_error(std::to_string(failures.load()) + " raw jobs failed");
    return ms / jobs;
}

// ---- the whole stack ---------------------------------------------------------------------

// Runs the loop until `done` or `timeoutMs`; returns whether `done` became true.
bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 1);
    }
    return true;
}

void configure(longrun::TaskController &controller, int concurrency)
{
    controller.setWorkerLaunch({workerPath(), {}});
    controller.setConcurrency(concurrency);
}

// Enqueues `jobs` copies of `job` and runs until batchFinished; returns ms from enqueue.
double runBatch(longrun::TaskController &controller, const Job &job, int jobs)
{
    QEventLoop loop;
    QObject::connect(&controller, &longrun::TaskController::batchFinished, &loop,
                     &QEventLoop::quit);
    const auto start = Clock::now();
    controller.enqueue(QList<longrun::JobSpec>(jobs, job.spec()));
    loop.exec();
    const double ms = msSince(start);
    const int succeeded = controller.model()->succeeded();
    if (succeeded != jobs)
        throw std::runtime_error("only " + std::to_string(succeeded) + " of " + std::to_string(jobs)
                                 + " jobs succeeded");
    return ms;
}

double stackMsPerJob(int jobs, int concurrency)
{
    longrun::TaskController controller;
    configure(controller, concurrency);
    return runBatch(controller, kTrivial, jobs) / jobs;
}

int overhead(int jobs, int repeats)
{
    const std::string worker = workerPath().toStdString();
    for (const int concurrency : {1, 2}) {
        std::vector<double> raw;
        std::vector<double> stack;
        // Warm-up: page cache, pool threads, the dynamic loader's caches.
        rawMsPerJob(worker, 50, concurrency);
        stackMsPerJob(50, concurrency);
        // Interleaved, so that a noisy moment hits both sides alike.
        for (int r = 0; r < repeats; ++r) {
            raw.push_back(rawMsPerJob(worker, jobs, concurrency));
            stack.push_back(stackMsPerJob(jobs, concurrency));
        }
        const std::string c = std::to_string(concurrency);
        emitFigure("overhead.raw.c" + c, "ms/job", raw);
        emitFigure("overhead.stack.c" + c, "ms/job", stack);
    }
    return 0;
}

// ---- GUI responsiveness ------------------------------------------------------------------

// A 1 ms precise timer on the main thread; each timeout records how much later than 1 ms after
// the previous one it came.
class LatenessProbe final : public QObject
{
public:
    LatenessProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const auto now = Clock::now();
            if (m_last != Clock::time_point{})
                m_lateness.push_back(std::max(
                    0.0, std::chrono::duration<double, std::milli>(now - m_last).count() - 1.0));
            m_last = now;
        });
    }
    void start()
    {
        m_last = {};
        m_lateness.clear();
        m_timer.start();
    }
    std::vector<double> stop()
    {
        m_timer.stop();
        return std::move(m_lateness);
    }

private:
    QTimer m_timer;
    Clock::time_point m_last{};
    std::vector<double> m_lateness;
};

int gui(int jobs)
{
    // Montecarlo-pi: CPU-bound (8 busy workers on 2 cores) and the chattiest kind: every job
    // streams progress plus ~4,000 plot points, and jobs finish every few milliseconds, so the
    // GUI thread applies a steady flood of progress, points, state changes and new starts.
    const Job flood{QStringLiteral("montecarlo-pi"),
                    {{QStringLiteral("samples"), QStringLiteral("4000000")},
                     {QStringLiteral("seed"), QStringLiteral("7")}}};
    LatenessProbe probe;

    longrun::TaskController controller;
    configure(controller, 8);
    QEventLoop loop;
    QObject::connect(&controller, &longrun::TaskController::batchFinished, &loop,
                     &QEventLoop::quit);
    const auto start = Clock::now();
    probe.start();
    controller.enqueue(QList<longrun::JobSpec>(jobs, flood.spec()));
    loop.exec();
    const std::vector<double> loaded = probe.stop();
    const double loadedMs = msSince(start);
    if (controller.model()->succeeded() != jobs)
        throw std::runtime_error("not every flood job succeeded");

    // Baseline: the same timer, same length of time, nothing else running.
    probe.start();
    QTimer::singleShot(static_cast<int>(std::min(loadedMs, 20000.0)), &loop, &QEventLoop::quit);
    loop.exec();
    const std::vector<double> idle = probe.stop();

    emitFigure("gui.idle", "ms", idle);
    emitFigure("gui.load", "ms", loaded);
    emitFigure("gui.load.duration", "s", {loadedMs / 1000.0});
    emitFigure("gui.load.jobs", "jobs", {static_cast<double>(jobs)});
    return 0;
}

// ---- memory ------------------------------------------------------------------------------

int memory()
{
    const std::string worker = workerPath().toStdString();
    auto sample = [&](const Job &job, std::vector<double> &rss, double &hwm) {
        const RawRun run = rawJob(
            worker, job.startFrame(), {},
            [&](pid_t pid) {
                const long kib = rssKiB(pid);
                if (kib > 0)
                    rss.push_back(static_cast<double>(kib) / 1024.0);
                hwm = std::max(hwm, static_cast<double>(rssKiB(pid, "VmHWM:")) / 1024.0);
            },
            10);
        if (!run.gotResult)
            throw std::runtime_error("memory job failed");
    };
    // Baseline: the same worker idling in a sleep job for a second.
    std::vector<double> idle;
    double idleHwm = 0;
    sample(Job{QStringLiteral("sleep"),
               {{QStringLiteral("seconds"), QStringLiteral("1")},
                {QStringLiteral("steps"), QStringLiteral("10")}}},
           idle, idleHwm);
    std::vector<double> busy;
    double busyHwm = 0;
    sample(Job{QStringLiteral("primes"), {{QStringLiteral("limit"), QStringLiteral("1000000000")}}},
           busy, busyHwm);
    emitFigure("memory.worker.idle", "MiB", idle);
    emitFigure("memory.worker.primes", "MiB", busy);
    emitFigure("memory.worker.primes.hwm", "MiB", {busyHwm});

    // The app: a controller with its (empty) model, then 10,000 rows.
    longrun::TaskController controller;
    configure(controller, 1);
    QCoreApplication::processEvents();
    const double before = static_cast<double>(rssKiB(::getpid())) / 1024.0;
    QList<longrun::JobSpec> specs;
    for (int i = 0; i < 10000; ++i) {
        longrun::JobSpec spec;
        spec.kind = QStringLiteral("primes");
        spec.params << longrun::JobParam{
            QStringLiteral("limit"), {QString::number(1000000 + i)}, false};
        specs << spec;
    }
    // Rows straight into the model: enqueue() would start them.
    controller.model()->addJobs(specs, 1);
    specs.clear();
    specs.squeeze();
    QCoreApplication::processEvents();
    const double after = static_cast<double>(rssKiB(::getpid())) / 1024.0;
    emitFigure("memory.app.before", "MiB", {before});
    emitFigure("memory.app.10k", "MiB", {after});
    return 0;
}

// ---- cancel latency ----------------------------------------------------------------------

// Starts one `job`, waits until it runs (plus a moment for the worker to get into its loop),
// cancels it and returns the ms until jobFinished.
double cancelOnce(longrun::TaskController &controller, const Job &job, longrun::State expected)
{
    const int id = controller.enqueue({job.spec()});
    const bool running = waitFor(
        [&] {
            const longrun::TaskRow *row = controller.model()->find(id);
            return row && row->state == longrun::State::Running;
        },
        10000);
    if (!running)
        throw std::runtime_error("the job never ran");
    waitFor([] { return false; }, 100);

    bool finished = false;
    longrun::State state = longrun::State::Queued;
    const auto connection = QObject::connect(&controller, &longrun::TaskController::jobFinished,
                                             &controller, [&](int finishedId, longrun::State s) {
                                                 if (finishedId == id) {
                                                     finished = true;
                                                     state = s;
                                                 }
                                             });
    const auto start = Clock::now();
    controller.cancel(id);
    waitFor([&] { return finished; }, 30000);
    const double ms = msSince(start);
    QObject::disconnect(connection);
    if (!finished || state != expected)
        throw std::runtime_error("cancel did not end in the expected state");
    return ms;
}

int cancel(int repeats)
{
    const Job cooperative{QStringLiteral("sleep"),
                          {{QStringLiteral("seconds"), QStringLiteral("60")},
                           {QStringLiteral("steps"), QStringLiteral("600")}}};
    const Job forced{QStringLiteral("fault"),
                     {{QStringLiteral("mode"), QStringLiteral("ignore-sigterm")},
                      {QStringLiteral("delay"), QStringLiteral("0")}}};

    // Baseline for the cooperative cancel: the same worker under raw posix_spawn, a Cancel
    // frame written to its stdin, until EOF and reaped.
    const std::string worker = workerPath().toStdString();
    const std::string cancelFrame = proto::encodeFrame(proto::ParentMessage{proto::Cancel{}});
    std::vector<double> raw;
    for (int r = 0; r < repeats; ++r) {
        Clock::time_point start;
        rawJob(worker, cooperative.startFrame(), [&](pid_t, int stdinFd) {
            // The same pause as cancelOnce() leaves between "running" and the cancel.
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            start = Clock::now();
            if (::write(stdinFd, cancelFrame.data(), cancelFrame.size())
                != static_cast<ssize_t>(cancelFrame.size()))
                throw std::runtime_error("cannot write the cancel frame");
        });
        raw.push_back(msSince(start));
    }

    longrun::TaskController controller;
    configure(controller, 1);
    std::vector<double> coop;
    for (int r = 0; r < repeats; ++r)
        coop.push_back(cancelOnce(controller, cooperative, longrun::State::Canceled));
    std::vector<double> kill;
    for (int r = 0; r < std::max(3, repeats / 2); ++r)
        kill.push_back(cancelOnce(controller, forced, longrun::State::Canceled));
    const longrun::RunnerConfig &config = controller.runnerConfig();

    emitFigure("cancel.raw", "ms", raw);
    emitFigure("cancel.cooperative", "ms", coop);
    emitFigure("cancel.forced", "ms", kill);
    emitFigure("cancel.grace", "ms",
               {static_cast<double>(config.cancelGraceMs + config.termGraceMs)});
    return 0;
}

// ---- command jobs against the usual ways to run a program many times ---------------------

// ms per run of /bin/true, `jobs` times, by a shell command line (its own wall time).
double shellMsPerJob(const std::string &line, int jobs)
{
    const auto start = Clock::now();
    if (std::system(line.c_str()) != 0)
        throw std::runtime_error("'" + line + "' failed");
    return msSince(start) / jobs;
}

int command(int jobs, int repeats)
{
    // Pipes, as xargs and the shell give their children.
    longrun::JobSpec spec;
    spec.kind = QStringLiteral("command");
    spec.params << longrun::JobParam{QStringLiteral("argv"), {QStringLiteral("/bin/true")}, true}
                << longrun::JobParam{QStringLiteral("tty"), {QStringLiteral("false")}, false};
    const std::string n = std::to_string(jobs);
    const std::string xargs = "seq " + n + " | xargs -P2 -n1 /bin/true";
    const std::string script = "i=0; while [ $i -lt " + n + " ]; do /bin/true; i=$((i+1)); done";
    const std::string shell = "sh -c '" + script + "'";
    std::vector<double> stack, subreaper, viaXargs, viaShell;
    // The workers inherit our environment: the switch of process/pidns.h.
    auto stackMs = [&](bool withNamespace) {
        if (withNamespace)
            qunsetenv("LONGRUN_WORKER_NO_NAMESPACES");
        else
            qputenv("LONGRUN_WORKER_NO_NAMESPACES", "1");
        longrun::TaskController controller;
        configure(controller, 2);
        QEventLoop loop;
        QObject::connect(&controller, &longrun::TaskController::batchFinished, &loop,
                         &QEventLoop::quit);
        const auto start = Clock::now();
        controller.enqueue(QList<longrun::JobSpec>(jobs, spec));
        loop.exec();
        if (controller.model()->succeeded() != jobs)
            throw std::runtime_error("not every command job succeeded");
        return msSince(start) / jobs;
    };
    stackMs(true); // warm-up
    // Interleaved, so that a noisy moment hits all four alike.
    for (int r = 0; r < repeats; ++r) {
        stack.push_back(stackMs(true));
        subreaper.push_back(stackMs(false));
        viaXargs.push_back(shellMsPerJob(xargs, jobs));
        viaShell.push_back(shellMsPerJob(shell, jobs));
    }
    qunsetenv("LONGRUN_WORKER_NO_NAMESPACES");
    emitFigure("command.stack.c2", "ms/job", stack);
    emitFigure("command.subreaper.c2", "ms/job", subreaper);
    emitFigure("command.xargs.p2", "ms/job", viaXargs);
    emitFigure("command.shell.c1", "ms/job", viaShell);
    return 0;
}

// ---- the history's cost -------------------------------------------------------------------

// ms per trivial job, 2 at a time, with the history in a new data folder (or none).
double historyMsPerJob(int jobs, bool withHistory)
{
    QTemporaryDir data;
    longrun::TaskController controller;
    configure(controller, 2);
    if (withHistory && !controller.history()->openAndWait(data.path(), QStringLiteral("cli")))
        throw std::runtime_error("cannot open a history in " + data.path().toStdString());
    const double ms = runBatch(controller, kTrivial, jobs);
    if (withHistory) {
        // What a run costs includes its last commit.
        const auto start = Clock::now();
        if (!controller.history()->flush(60000))
            throw std::runtime_error("the history did not commit");
        return (ms + msSince(start)) / jobs;
    }
    return ms / jobs;
}

int history(int jobs, int repeats)
{
    historyMsPerJob(100, true);
    historyMsPerJob(100, false);
    std::vector<double> on;
    std::vector<double> off;
    for (int r = 0; r < repeats; ++r) {
        off.push_back(historyMsPerJob(jobs, false));
        on.push_back(historyMsPerJob(jobs, true));
    }
    emitFigure("history.off.c2", "ms/job", off);
    emitFigure("history.on.c2", "ms/job", on);
    return 0;
}

int usage()
{
    std::fputs("usage: bench_engine overhead [jobs] [repeats] | gui [jobs] | memory | "
               "cancel [repeats] | command [jobs] [repeats] | history [jobs] [repeats]\n",
               stderr);
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    // The GUI figure wants a GUI application's event loop; offscreen needs no display.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2)
        return usage();
    const QString what = args.at(1);
    auto intArg = [&](int i, int fallback) {
        return args.size() > i ? args.at(i).toInt() : fallback;
    };
    try {
        if (what == u"overhead")
            return overhead(intArg(2, 2000), intArg(3, 5));
        if (what == u"gui")
            return gui(intArg(2, 1000));
        if (what == u"memory")
            return memory();
        if (what == u"cancel")
            return cancel(intArg(2, 10));
        if (what == u"command")
            return command(intArg(2, 500), intArg(3, 5));
        if (what == u"history")
            return history(intArg(2, 10000), intArg(3, 3));
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_engine %s: %s\n", qPrintable(what), e.what());
        return 1;
    }
    return usage();
}
