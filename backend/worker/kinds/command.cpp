// command: runs the user's program as our child, in our process group, and turns its output
// into progress. The program's output goes to a pseudo-terminal (tty=true) so that it
// line-buffers and draws its progress bars as for a person, or to two pipes (tty=false).

#include "job.h"
#include "output/outputparser.h"
#include "text.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace longrun::worker {

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(20);
// After the program exited, output still held open by its background children is not waited
// for longer than this.
constexpr auto kDrainQuiet = std::chrono::milliseconds(100);
constexpr auto kTermGrace = std::chrono::milliseconds(400);
constexpr std::size_t kErrorTailLines = 10;

class Fd final
{
public:
    Fd() = default;
    explicit Fd(int fd)
        : m_fd(fd)
    {}
    Fd(Fd &&other) noexcept
        : m_fd(std::exchange(other.m_fd, -1))
    {}
    Fd &operator=(Fd &&other) noexcept
    {
        reset(std::exchange(other.m_fd, -1));
        return *this;
    }
    ~Fd() { reset(); }
    void reset(int fd = -1)
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = fd;
    }
    [[nodiscard]] int get() const { return m_fd; }
    [[nodiscard]] bool valid() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

struct ChildReport
{
    std::int32_t stage = 0; // 1: chdir, 2: exec
    std::int32_t error = 0;
};

// Between fork and exec only async-signal-safe calls: the worker has a reader thread.
void reportAndExit(int fd, std::int32_t stage, std::int32_t error)
{
    const ChildReport report{stage, error};
    [[maybe_unused]] const ssize_t n = ::write(fd, &report, sizeof report);
    _exit(127);
}

// dup2 onto `target`; if the fd already is the target, keep it open across exec.
void moveTo(int fd, int target)
{
    if (fd == target)
        ::fcntl(fd, F_SETFD, 0);
    else
        ::dup2(fd, target);
}

struct ChildSetup
{
    char *const *argv;
    const char *cwd; // nullptr: stay
    int in, out, err, report;
    pid_t parent;
};

[[noreturn]] void runChild(const ChildSetup &setup)
{
    // Dies with the thread that forked it (our main thread, alive until the worker exits).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != setup.parent)
        _exit(127);
    // exec keeps ignored signals ignored and the mask as is; the program must get defaults.
    struct sigaction defaults = {};
    defaults.sa_handler = SIG_DFL;
    sigemptyset(&defaults.sa_mask);
    for (int sig = 1; sig < NSIG; ++sig)
        sigaction(sig, &defaults, nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);

    moveTo(setup.in, STDIN_FILENO);
    moveTo(setup.out, STDOUT_FILENO);
    moveTo(setup.err, STDERR_FILENO);
    if (setup.cwd != nullptr && ::chdir(setup.cwd) != 0)
        reportAndExit(setup.report, 1, errno);
    ::execvp(setup.argv[0], setup.argv);
    reportAndExit(setup.report, 2, errno);
    _exit(127);
}

std::string signalName(int sig)
{
    const char *abbrev = sigabbrev_np(sig);
    const char *description = strsignal(sig);
    std::string name = abbrev != nullptr ? "SIG" + std::string(abbrev) : std::to_string(sig);
    if (description != nullptr)
        name += " (" + std::string(description) + ")";
    return name;
}

// SIGKILLs whatever is left in our process group but us (what ignored SIGTERM).
void sweepGroup()
{
    const pid_t self = getpid();
    DIR *proc = ::opendir("/proc");
    if (proc == nullptr)
        return;
    while (const dirent *entry = ::readdir(proc)) {
        char *end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (pid <= 0 || *end != '\0' || pid == self)
            continue;
        if (::getpgid(static_cast<pid_t>(pid)) == self)
            ::kill(static_cast<pid_t>(pid), SIGKILL);
    }
    ::closedir(proc);
}

// Every live process below us: the program, what it started, and what left our process group
// (setsid, a daemon's double fork). runCommand makes us a child subreaper, so the orphans among
// them are re-parented to us, not to init: walking parent links from us finds them all.
std::vector<pid_t> liveDescendants()
{
    std::vector<std::pair<pid_t, pid_t>> links; // (pid, parent)
    DIR *proc = ::opendir("/proc");
    if (proc == nullptr)
        return {};
    while (const dirent *entry = ::readdir(proc)) {
        char *end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (pid <= 0 || *end != '\0')
            continue;
        char path[64];
        std::snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        const Fd stat(::open(path, O_RDONLY | O_CLOEXEC));
        char text[512];
        const ssize_t n = stat.valid() ? ::read(stat.get(), text, sizeof text - 1) : -1;
        if (n <= 0)
            continue;
        text[n] = '\0';
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        const char *close = std::strrchr(text, ')');
        char state = 0;
        long parent = 0;
        if (close == nullptr || std::sscanf(close + 1, " %c %ld", &state, &parent) != 2
            || state == 'Z' || state == 'X')
            continue;
        links.emplace_back(static_cast<pid_t>(pid), static_cast<pid_t>(parent));
    }
    ::closedir(proc);
    std::vector<pid_t> found{getpid()};
    for (std::size_t i = 0; i < found.size(); ++i) {
        for (const auto &[pid, parent] : links) {
            if (parent == found[i])
                found.push_back(pid);
        }
    }
    found.erase(found.begin());
    return found;
}

// Once the program has been reaped: SIGKILLs everything it left behind, in or out of our
// process group, and reaps what was re-parented to us. A few rounds, for what forks meanwhile.
void killDescendants()
{
    for (int round = 0; round < 20; ++round) {
        const std::vector<pid_t> left = liveDescendants();
        if (left.empty())
            break;
        for (const pid_t pid : left)
            ::kill(pid, SIGKILL);
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
}

bool reap(pid_t pid, int &status, bool block)
{
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, block ? 0 : WNOHANG);
        if (r == pid)
            return true;
        if (r < 0 && errno == EINTR)
            continue;
        return false;
    }
}

// Cancel: the program and everything it started get SIGTERM, then SIGKILL if still there.
void stopChild(pid_t pid, bool reaped)
{
    // kill(0, ...) reaches us too; we are leaving anyway, but by our own Error frame.
    signal(SIGTERM, SIG_IGN);
    const bool leader = getpgrp() == getpid();
    // Not leading our group (run by hand from a terminal): the group is not ours to signal.
    ::kill(leader ? 0 : pid, SIGTERM);
    int status = 0;
    if (!reaped) {
        const auto deadline = Clock::now() + kTermGrace;
        while (!(reaped = reap(pid, status, false)) && Clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!reaped) {
        const pid_t group = ::getpgid(pid);
        ::kill(pid, SIGKILL);
        if (group > 0 && group != getpgrp())
            ::kill(-group, SIGKILL);
        reap(pid, status, true);
    }
    if (leader)
        sweepGroup();
    killDescendants();
}

bool makePty(Fd &master, Fd &slave, std::string &error)
{
    master = Fd(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    char name[128];
    if (!master.valid() || ::grantpt(master.get()) != 0 || ::unlockpt(master.get()) != 0
        || ::ptsname_r(master.get(), name, sizeof name) != 0) {
        error = std::string("command: cannot create a pseudo-terminal: ") + std::strerror(errno);
        return false;
    }
    // O_NOCTTY: never our controlling terminal, so nothing can prompt through /dev/tty.
    slave = Fd(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave.valid()) {
        error = std::string("command: cannot open '") + name + "': " + std::strerror(errno);
        return false;
    }
    winsize size = {};
    size.ws_row = 40;
    size.ws_col = 120;
    ::ioctl(slave.get(), TIOCSWINSZ, &size);
    // Keep "\n" as the program wrote it; the default "\r\n" would only clutter the tail.
    termios mode = {};
    if (::tcgetattr(slave.get(), &mode) == 0) {
        mode.c_oflag &= ~static_cast<tcflag_t>(ONLCR);
        ::tcsetattr(slave.get(), TCSANOW, &mode);
    }
    return true;
}

bool makePipe(Fd &readEnd, Fd &writeEnd)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return false;
    readEnd = Fd(fds[0]);
    writeEnd = Fd(fds[1]);
    return true;
}

std::string withTail(std::string message, const OutputParser &parser)
{
    const std::string tail = parser.tail(kErrorTailLines);
    if (!tail.empty())
        message += "\n" + tail;
    return message;
}

} // namespace

Outcome runCommand(const Args &args, Job &job)
{
    const std::vector<std::string> &words = args.list("argv");
    const std::string &program = words.front();
    const std::string &cwd = args.text("cwd");
    const bool tty = args.flag("tty");

    std::vector<char *> argv;
    for (const auto &word : words)
        argv.push_back(const_cast<char *>(word.c_str()));
    argv.push_back(nullptr);

    std::string error;
    Fd devNull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    Fd outRead, outWrite, errRead, errWrite, reportRead, reportWrite;
    if (tty) {
        if (!makePty(outRead, outWrite, error))
            return protocol::Error{error};
    } else if (!makePipe(outRead, outWrite) || !makePipe(errRead, errWrite)) {
        return protocol::Error{std::string("command: cannot create pipes: ")
                               + std::strerror(errno)};
    }
    if (!devNull.valid() || !makePipe(reportRead, reportWrite))
        return protocol::Error{std::string("command: cannot start: ") + std::strerror(errno)};

    // Whatever the program starts stays below us, even what leaves our process group, so that
    // the end of the job can end it too (killDescendants).
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    const ChildSetup setup{argv.data(),    cwd.empty() ? nullptr : cwd.c_str(),   devNull.get(),
                           outWrite.get(), tty ? outWrite.get() : errWrite.get(), reportWrite.get(),
                           getpid()};
    const pid_t pid = ::fork();
    if (pid < 0)
        return protocol::Error{std::string("command: cannot fork: ") + std::strerror(errno)};
    if (pid == 0)
        runChild(setup);
    outWrite.reset();
    errWrite.reset();
    reportWrite.reset();
    devNull.reset();

    // The report pipe closes on exec (CLOEXEC): nothing read means the program is running.
    ChildReport report;
    ssize_t got = 0;
    do {
        got = ::read(reportRead.get(), &report, sizeof report);
    } while (got < 0 && errno == EINTR);
    if (got == static_cast<ssize_t>(sizeof report)) {
        int status = 0;
        reap(pid, status, true);
        if (report.stage == 1)
            return protocol::Error{"command: cannot change to directory '" + cwd
                                   + "': " + std::strerror(report.error)};
        return protocol::Error{"command: cannot run '" + program
                               + "': " + std::strerror(report.error)};
    }

    Fd *streams[] = {&outRead, &errRead};
    const std::size_t streamCount = tty ? 1 : 2;
    for (std::size_t i = 0; i < streamCount; ++i)
        ::fcntl(streams[i]->get(), F_SETFL, ::fcntl(streams[i]->get(), F_GETFL) | O_NONBLOCK);

    OutputParser parser(streamCount);
    bool exited = false;
    int status = 0;
    Clock::time_point lastActivity = Clock::now();
    std::vector<char> buffer(64 * 1024);
    for (;;) {
        if (job.canceled()) {
            stopChild(pid, exited);
            throw Canceled{};
        }
        pollfd fds[3];
        nfds_t count = 0;
        std::size_t index[3] = {};
        for (std::size_t i = 0; i < streamCount; ++i) {
            if (streams[i]->valid()) {
                index[count] = i;
                fds[count++] = {streams[i]->get(), POLLIN, 0};
            }
        }
        const nfds_t streamFds = count;
        fds[count++] = {job.cancelFlag().fd(), POLLIN, 0};
        ::poll(fds, count, static_cast<int>(kPollInterval.count()));

        for (nfds_t f = 0; f < streamFds; ++f) {
            if (fds[f].revents == 0)
                continue;
            Fd &stream = *streams[index[f]];
            for (;;) {
                const ssize_t n = ::read(stream.get(), buffer.data(), buffer.size());
                if (n > 0) {
                    parser.feed(index[f],
                                std::string_view(buffer.data(), static_cast<std::size_t>(n)));
                    lastActivity = Clock::now();
                    continue;
                }
                if (n < 0 && errno == EINTR)
                    continue;
                // EOF, or EIO from a pty master once every slave is closed.
                if (n == 0 || errno != EAGAIN)
                    stream.reset();
                break;
            }
        }
        if (parser.takeChanged())
            job.progress(parser.fraction(), parser.text());
        job.output().tick();

        if (!exited && reap(pid, status, false)) {
            exited = true;
            lastActivity = Clock::now();
        }
        const bool allClosed = !outRead.valid() && !errRead.valid();
        if (exited && (allClosed || Clock::now() - lastActivity >= kDrainQuiet))
            break;
    }
    parser.finish();
    killDescendants();

    if (WIFSIGNALED(status))
        return protocol::Error{withTail("command '" + program + "' was killed by signal "
                                            + signalName(WTERMSIG(status)),
                                        parser)};
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
    if (code != 0)
        return protocol::Error{
            withTail("command '" + program + "' exited with code " + std::to_string(code), parser)};
    protocol::Result result;
    result.summary = "exit code 0";
    result.values.push_back(protocol::intValue("exit_code", 0));
    result.values.push_back(protocol::textValue("output_tail", parser.tail()));
    return result;
}

} // namespace longrun::worker
