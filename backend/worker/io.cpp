#include "io.h"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <ctime>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <thread>
#include <unistd.h>

namespace longrun::worker {

namespace {

std::atomic<bool> g_stdinGuard{true};
std::atomic<pid_t> g_programGroup{0};
std::atomic<pid_t> g_programInit{0};
CancelFlag *g_termCancel = nullptr;
std::atomic<int> g_caughtSignal{0}; // written by a signal handler, on any thread

// CancelFlag::set() is called from a signal handler.
static_assert(std::atomic<bool>::is_always_lock_free);
static_assert(std::atomic<pid_t>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

void onTermination(int sig)
{
    const int saved = errno;
    g_caughtSignal.store(sig);
    if (g_termCancel != nullptr)
        g_termCancel->set();
    errno = saved;
}

void onParentDeath(int)
{
    killGroupOrExit(129);
}

[[noreturn]] void exitNow(int code)
{
    _exit(code);
}

void readerMain(protocol::ParentFrameDecoder decoder, CancelFlag *cancel)
{
    char buffer[4096];
    for (;;) {
        // A second Start is ignored: a worker runs one job in its life.
        while (auto message = decoder.next()) {
            if (std::holds_alternative<protocol::Cancel>(*message))
                cancel->set();
        }
        if (decoder.hasError())
            break;
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        decoder.feed(buffer, static_cast<std::size_t>(n));
    }
    // stdin closed or spoke garbage: the parent is gone or broken. Stop the job, and if it does
    // not stop by itself, make sure nothing of ours is left running.
    cancel->set();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (g_stdinGuard.load())
        killGroupOrExit(4);
}

} // namespace

void killGroupOrExit(int code)
{
    if (const pid_t program = g_programGroup.load(); program > 0)
        ::kill(-program, SIGKILL);
    if (const pid_t init = g_programInit.load(); init > 0)
        ::kill(init, SIGKILL);
    if (getpgrp() == getpid())
        ::kill(0, SIGKILL);
    _exit(code);
}

namespace {

// Pause and resume of a command: see setProgramGroup.
void onStop(int)
{
    const int saved = errno;
    if (const pid_t program = g_programGroup.load(); program > 0)
        ::kill(-program, SIGSTOP);
    if (const pid_t init = g_programInit.load(); init > 0)
        ::kill(init, SIGTSTP);
    ::raise(SIGSTOP);
    errno = saved;
}

void onContinue(int)
{
    const int saved = errno;
    if (const pid_t program = g_programGroup.load(); program > 0)
        ::kill(-program, SIGCONT);
    if (const pid_t init = g_programInit.load(); init > 0)
        ::kill(init, SIGCONT);
    errno = saved;
}

} // namespace

namespace {

void forwardPauseAndResume()
{
    static const bool installed = [] {
        struct sigaction action = {};
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        action.sa_handler = onStop;
        sigaction(SIGTSTP, &action, nullptr);
        action.sa_handler = onContinue;
        sigaction(SIGCONT, &action, nullptr);
        return true;
    }();
    (void)installed;
}

} // namespace

void setProgramGroup(pid_t pgid)
{
    forwardPauseAndResume();
    g_programGroup.store(pgid);
}

void setProgramInit(pid_t init)
{
    forwardPauseAndResume();
    g_programInit.store(init);
}

void catchTermination(CancelFlag &cancel)
{
    g_termCancel = &cancel;
    struct sigaction action = {};
    action.sa_handler = onTermination;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
}

int caughtTermination()
{
    return g_caughtSignal.load();
}

void dieOfCaughtSignal()
{
    const int sig = g_caughtSignal.load();
    if (sig == 0)
        return;
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    ::raise(sig);
    _exit(128 + sig);
}

void setupProcess(pid_t startPpid)
{
    // Our own group lets the parent signal the job and all it spawned at once. Not when run
    // by hand from a terminal: Ctrl-C should still reach us through the shell's job control.
    if (getpgrp() != getpid() && isatty(STDIN_FILENO) == 0)
        setpgid(0, 0);

    struct sigaction action = {};
    action.sa_handler = onParentDeath;
    sigemptyset(&action.sa_mask);
    sigaction(SIGHUP, &action, nullptr);
    prctl(PR_SET_PDEATHSIG, SIGHUP);
    // The parent may have died before prctl() took effect; then no signal will ever come.
    if (getppid() != startPpid)
        killGroupOrExit(129);

    // A dead parent shows up as EPIPE from write(), handled where we write.
    signal(SIGPIPE, SIG_IGN);
}

void writeAll(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n >= 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN) { // EWOULDBLOCK is the same on Linux
            pollfd pfd = {fd, POLLOUT, 0};
            ::poll(&pfd, 1, -1);
            continue;
        }
        // EPIPE or worse: nobody will ever read what we have to say.
        killGroupOrExit(4);
    }
}

CancelFlag::CancelFlag()
    : m_fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{}

CancelFlag::~CancelFlag()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

void CancelFlag::set()
{
    if (m_set.exchange(true))
        return;
    const std::uint64_t one = 1;
    if (m_fd >= 0) {
        [[maybe_unused]] const ssize_t n = ::write(m_fd, &one, sizeof one);
    }
}

bool CancelFlag::sleepUntil(Clock::time_point deadline) const
{
    for (;;) {
        if (isSet())
            return false;
        const auto now = Clock::now();
        if (now >= deadline)
            return true;
        const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - now);
        timespec timeout = {};
        timeout.tv_sec = static_cast<time_t>(left.count() / 1'000'000'000);
        timeout.tv_nsec = static_cast<long>(left.count() % 1'000'000'000);
        pollfd pfd = {m_fd, POLLIN, 0};
        ::ppoll(&pfd, 1, &timeout, nullptr);
    }
}

Output::Output(int fd)
    : m_fd(fd)
{}

void Output::send(const protocol::WorkerMessage &message)
{
    writeAll(m_fd, protocol::encodeFrame(message));
}

void Output::sendRaw(std::string_view bytes)
{
    writeAll(m_fd, bytes);
}

void Output::progress(double fraction, std::string text)
{
    m_pendingProgress.fraction = fraction;
    m_pendingProgress.text = std::move(text);
    m_progressPending = true;
    // Completion is worth a frame of its own: a parent should not sit at 98% until the result.
    flushAt(Clock::now(), fraction >= 1.0 && m_lastFraction < 1.0);
}

bool Output::progressDue() const
{
    return Clock::now() - m_lastProgress >= kThrottle;
}

void Output::point(std::string_view series, double x, double y)
{
    protocol::Data *batch = nullptr;
    for (auto &data : m_pendingData) {
        if (data.series == series)
            batch = &data;
    }
    if (batch == nullptr) {
        batch = &m_pendingData.emplace_back();
        batch->series = std::string(series);
    }
    batch->points.push_back({x, y});
    // Keeps a Data frame far below the frame limit even if a kind produces points very fast.
    flushAt(Clock::now(), batch->points.size() >= 65536);
}

void Output::tick()
{
    flushAt(Clock::now(), false);
}

void Output::flush()
{
    flushAt(Clock::now(), true);
}

void Output::flushAt(Clock::time_point now, bool force)
{
    std::string bytes;
    if (m_progressPending && (force || now - m_lastProgress >= kThrottle)) {
        protocol::appendFrame(bytes, m_pendingProgress);
        m_lastProgress = now;
        m_lastFraction = m_pendingProgress.fraction;
        m_progressPending = false;
    }
    if (!m_pendingData.empty() && (force || now - m_lastData >= kThrottle)) {
        for (const auto &data : m_pendingData)
            protocol::appendFrame(bytes, data);
        m_pendingData.clear();
        m_lastData = now;
    }
    if (!bytes.empty())
        writeAll(m_fd, bytes);
}

void Output::finish(const protocol::WorkerMessage &message)
{
    std::string bytes;
    if (m_progressPending)
        protocol::appendFrame(bytes, m_pendingProgress);
    for (const auto &data : m_pendingData)
        protocol::appendFrame(bytes, data);
    m_progressPending = false;
    m_pendingData.clear();
    protocol::appendFrame(bytes, message);
    writeAll(m_fd, bytes);
}

protocol::Start readStart(Output &out, protocol::ParentFrameDecoder &decoder)
{
    static constexpr const char *names[] = {"a Start request", "a Cancel request"};
    static_assert(std::size(names) == std::variant_size_v<protocol::ParentMessage>);
    char buffer[65536];
    for (;;) {
        if (auto message = decoder.next()) {
            if (auto *start = std::get_if<protocol::Start>(&*message))
                return std::move(*start);
            out.finish(protocol::Error{std::string("protocol error: expected a Start request, got ")
                                       + names[message->index()]});
            exitNow(2);
        }
        if (decoder.hasError()) {
            out.finish(protocol::Error{"protocol error: " + decoder.error()});
            exitNow(2);
        }
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        // Closed before asking for anything: nothing to report to anyone.
        if (n <= 0)
            exitNow(3);
        decoder.feed(buffer, static_cast<std::size_t>(n));
    }
}

void startStdinReader(protocol::ParentFrameDecoder decoder, CancelFlag &cancel)
{
    std::thread(readerMain, std::move(decoder), &cancel).detach();
}

void setStdinGuard(bool enabled)
{
    g_stdinGuard.store(enabled);
}

} // namespace longrun::worker
