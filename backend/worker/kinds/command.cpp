// command: runs the user's program in a session of its own and, where the kernel allows, a PID
// namespace of its own (process/spawn.h, pidns.h), and turns its output into progress. The
// program's output goes to a pseudo-terminal (tty=true) so that it line-buffers and draws its
// progress bars as for a person, or to two pipes (tty=false). Every byte it writes also goes to
// the app for the attempt's log (output/outputlog.h), up to the log limit.

#include "job.h"
#include "output/outputlog.h"
#include "output/outputparser.h"
#include "process/reaper.h"
#include "process/spawn.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <poll.h>
#include <sys/wait.h>
#include <utility>
#include <vector>

namespace longrun::worker {

namespace {

// Also how often adopted orphans are reaped with a pidfd, which only wakes us for the program.
constexpr auto kPollInterval = std::chrono::milliseconds(20);
// After the program exited, output still held open by its background children is read until
// it has been quiet for kDrainQuiet, and for kDrainLimit at most: a child that keeps writing
// must not keep the job running. Then what is left is ended.
constexpr auto kDrainQuiet = std::chrono::milliseconds(100);
constexpr auto kDrainLimit = std::chrono::milliseconds(1000);
// One read per stream and loop turn: however fast the program writes, Cancel and the end of
// stdin are seen within a turn.
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kErrorTailLines = 10;

std::string signalName(int sig)
{
    const char *abbrev = sigabbrev_np(sig);
    const char *description = strsignal(sig);
    std::string name = abbrev != nullptr ? "SIG" + std::string(abbrev) : std::to_string(sig);
    if (description != nullptr)
        name += " (" + std::string(description) + ")";
    return name;
}

std::string withTail(std::string message, const OutputParser &parser)
{
    const std::string tail = parser.tail(kErrorTailLines);
    if (!tail.empty())
        message += "\n" + tail;
    return message;
}

// One running program: its output streams, what the parser made of them, its exit.
class CommandRun final
{
public:
    CommandRun(Job &job, Program &program, ProgramWatch &watch)
        : m_job(job)
        , m_watch(watch)
        , m_streams{&program.out, &program.err}
        , m_count(program.err.valid() ? 2 : 1)
        , m_parser(m_count)
        , m_log(job.output(), protocol::logLimit())
        , m_buffer(kReadChunk)
        , m_slave(std::move(program.slave))
        , m_containment(program.containment)
    {
        for (std::size_t i = 0; i < m_count; ++i)
            ::fcntl(m_streams[i]->get(), F_SETFL,
                    ::fcntl(m_streams[i]->get(), F_GETFL) | O_NONBLOCK);
    }

    // Until the program has been reaped. Throws Canceled.
    void runUntilExit()
    {
        while (!m_watch.exited()) {
            checkCanceled();
            turn(kPollInterval);
        }
        m_slave.reset();
        m_lastActivity = Clock::now();
    }

    // What its background children still write, within the bounds above. Throws Canceled.
    void drain()
    {
        const auto limit = Clock::now() + kDrainLimit;
        for (;;) {
            checkCanceled();
            if (allClosed())
                break;
            const auto end = std::min(limit, m_lastActivity + kDrainQuiet);
            const auto now = Clock::now();
            if (now >= end)
                break;
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(end - now);
            turn(std::min(kPollInterval, left));
        }
    }

    // Ends what is left and says how the program ended.
    Outcome finish(const std::string &program)
    {
        m_parser.finish();
        m_log.finish();
        m_watch.endAll();
        const int status = m_watch.status();
        if (WIFSIGNALED(status)) {
            protocol::Error error{withTail("command '" + program + "' was killed by signal "
                                               + signalName(WTERMSIG(status)),
                                           m_parser)};
            error.signal = WTERMSIG(status);
            return error;
        }
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
        if (code != 0) {
            protocol::Error error{withTail(
                "command '" + program + "' exited with code " + std::to_string(code), m_parser)};
            error.exitCode = code;
            return error;
        }
        protocol::Result result;
        result.summary = "exit code 0";
        result.values.push_back(protocol::intValue("exit_code", 0));
        result.values.push_back(protocol::textValue("output_tail", m_parser.tail()));
        result.values.push_back(protocol::textValue("containment", m_containment));
        return result;
    }

private:
    [[nodiscard]] bool allClosed() const
    {
        return std::none_of(m_streams, m_streams + m_count, [](const Fd *s) { return s->valid(); });
    }

    void checkCanceled()
    {
        if (!m_job.canceled())
            return;
        m_watch.stop();
        m_log.finish();
        // A SIGTERM from the app ends us as it always did, now that the program is gone.
        dieOfCaughtSignal();
        throw Canceled{};
    }

    // One poll: the streams, Cancel and the program's exit wake it; then read, report, reap.
    void turn(std::chrono::milliseconds timeout)
    {
        pollfd fds[4];
        std::size_t index[2] = {};
        nfds_t count = 0;
        for (std::size_t i = 0; i < m_count; ++i) {
            if (m_streams[i]->valid()) {
                index[count] = i;
                fds[count++] = {m_streams[i]->get(), POLLIN, 0};
            }
        }
        const nfds_t streamFds = count;
        fds[count++] = {m_job.cancelFlag().fd(), POLLIN, 0};
        if (m_watch.fd() >= 0)
            fds[count++] = {m_watch.fd(), POLLIN, 0};
        ::poll(fds, count, static_cast<int>(timeout.count()));

        for (nfds_t f = 0; f < streamFds; ++f) {
            if (fds[f].revents != 0)
                readStream(index[f]);
        }
        if (m_parser.takeChanged())
            m_job.progress(m_parser.fraction(), m_parser.text());
        m_job.output().tick();
        m_log.tick();
        // Every wake, so that orphans re-parented to us (subreaper) do not pile up as zombies.
        m_watch.reap();
    }

    void readStream(std::size_t index)
    {
        Fd &stream = *m_streams[index];
        ssize_t n = 0;
        do {
            n = ::read(stream.get(), m_buffer.data(), m_buffer.size());
        } while (n < 0 && errno == EINTR);
        if (n > 0) {
            const std::string_view bytes(m_buffer.data(), static_cast<std::size_t>(n));
            m_parser.feed(index, bytes);
            m_log.add(index, bytes);
            m_lastActivity = Clock::now();
        } else if (n == 0 || errno != EAGAIN) {
            // EOF, or EIO from a pty master once every slave is closed.
            stream.reset();
        }
    }

    Job &m_job;
    ProgramWatch &m_watch;
    Fd *m_streams[2];
    std::size_t m_count;
    OutputParser m_parser;
    OutputLog m_log;
    std::vector<char> m_buffer;
    Fd m_slave;
    std::string m_containment;
    Clock::time_point m_lastActivity = Clock::now();
};

} // namespace

Outcome runCommand(const Args &args, Job &job)
{
    const std::vector<std::string> &words = args.list("argv");
    catchTermination(job.cancelFlag());
    const ProgramEnvironment env{args.flag("env_clear"), args.list("env")};
    Program program = spawnProgram(words, args.text("cwd"), env, args.flag("tty"));
    if (!program.error.empty()) {
        dieOfCaughtSignal();
        return protocol::Error{program.error};
    }
    std::unique_ptr<ProgramWatch> watch;
    if (program.status.valid())
        watch = std::make_unique<NamespaceWatch>(program.pid, std::move(program.status));
    else
        watch = std::make_unique<SubreaperWatch>(program.pid);
    CommandRun run(job, program, *watch);
    run.runUntilExit();
    run.drain();
    return run.finish(words.front());
}

} // namespace longrun::worker
