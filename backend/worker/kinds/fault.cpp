// fault: behaves normally for `delay` seconds, then fails in one of the ways a worker can fail
// in real life, so that the app's handling of each can be tested against a real process.

#include "job.h"
#include "text.h"

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <limits>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace longrun::worker {

namespace {

[[noreturn]] void sleepForever()
{
    for (;;)
        ::pause();
}

// A stuck worker: deaf to Cancel and to stdin closing. Only signals (or PDEATHSIG) end it.
[[noreturn]] void hang()
{
    setStdinGuard(false);
    sleepForever();
}

protocol::Result faultResult(const std::string &mode)
{
    protocol::Result result;
    result.summary = "fault mode '" + mode + "' finished";
    result.values.push_back(protocol::textValue("mode", mode));
    return result;
}

const char *announcement(const std::string &mode)
{
    if (mode == "crash")
        return "about to crash";
    if (mode == "abort")
        return "about to abort";
    if (mode == "exception")
        return "about to throw an uncaught exception";
    if (mode == "hang" || mode == "ignore-sigterm")
        return "about to hang";
    if (mode == "garbage")
        return "about to write garbage";
    if (mode == "stderr-flood")
        return "about to flood stderr";
    if (mode == "leave-child")
        return "about to leave a child behind";
    return "about to misbehave";
}

void floodStderr()
{
    constexpr std::size_t kTotal = 64u * 1024u * 1024u;
    std::string chunk;
    std::size_t written = 0;
    std::uint64_t line = 0;
    while (written < kTotal) {
        chunk.clear();
        while (chunk.size() < 256 * 1024)
            chunk += format("stderr flood line %09llu: the quick brown fox jumps\n",
                            static_cast<unsigned long long>(++line));
        writeAll(STDERR_FILENO, chunk);
        written += chunk.size();
    }
    writeAll(STDERR_FILENO, "stderr flood done\n");
}

void leaveChild()
{
    const pid_t pid = ::fork();
    if (pid == 0) {
        // Detached from our pipes (so the parent sees EOF), but still in our process group.
        const int null = ::open("/dev/null", O_RDWR);
        if (null >= 0) {
            ::dup2(null, STDIN_FILENO);
            ::dup2(null, STDOUT_FILENO);
            ::dup2(null, STDERR_FILENO);
        }
        signal(SIGHUP, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        ::execlp("sleep", "sleep", "300", static_cast<char *>(nullptr));
        _exit(127);
    }
}

// A real SIGSEGV, also in a sanitized build (where UBSan would report the null store and exit).
__attribute__((no_sanitize("undefined", "address"))) [[noreturn]] void crash()
{
    signal(SIGSEGV, SIG_DFL);
    // Both volatile: the compiler may neither assume the pointer is null nor drop the store.
    volatile int *volatile null = nullptr;
    *null = 42;
    std::abort(); // not reached
}

// Normal, cancellable progress for `delay` seconds.
void behaveNormally(Job &job, double delay, const char *text)
{
    const auto start = Clock::now();
    const auto end =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delay));
    job.progress(0.0, text);
    while (Clock::now() < end) {
        job.sleepUntil(std::min(end, Clock::now() + kThrottle));
        const std::chrono::duration<double> elapsed = Clock::now() - start;
        job.progress(std::min(0.99, elapsed.count() / std::fmax(delay, 1e-9)), text);
    }
}

// The modes that end (or freeze) the process without a word on the wire; returns for others.
void failSilently(const std::string &mode)
{
    if (mode == "crash")
        crash();
    if (mode == "abort") {
        signal(SIGABRT, SIG_DFL);
        std::abort();
    }
    if (mode == "exception") {
        // Thrown where nothing catches it (main catches std::exception for the other kinds).
        std::thread([] { throw std::runtime_error("deliberate uncaught exception"); }).join();
    }
    if (mode == "hang")
        hang();
    if (mode == "ignore-sigterm") {
        signal(SIGTERM, SIG_IGN);
        hang();
    }
    if (mode == "exit-nonzero")
        _exit(3);
    if (mode == "exit-zero")
        _exit(0);
    if (mode == "stderr-flood") {
        floodStderr();
        _exit(1);
    }
}

void writeGarbage(Output &out)
{
    std::string bytes = "this is not a frame\n";
    std::uint64_t x = 0x2545f4914f6cdd1du;
    for (int i = 0; i < 256; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.push_back(static_cast<char>(x & 0xff));
    }
    out.sendRaw(bytes);
}

// The modes that say something wrong, or too much, on the wire.
Outcome misbehaveOnTheWire(const std::string &mode, Output &out)
{
    if (mode == "garbage") {
        writeGarbage(out);
        _exit(0);
    }
    if (mode == "oversized-frame") {
        out.sendRaw(std::string_view("\xf0\xff\xff\xff"
                                     "abcd",
                                     8));
        sleepForever();
    }
    if (mode == "progress-nan") {
        out.send(protocol::Progress{std::numeric_limits<double>::quiet_NaN(), "not a number"});
        return faultResult(mode);
    }
    if (mode == "progress-range") {
        out.send(protocol::Progress{1.5, "150 percent"});
        return faultResult(mode);
    }
    if (mode == "after-result") {
        out.finish(faultResult(mode));
        out.send(protocol::Progress{0.5, "progress after the result"});
        _exit(0);
    }
    if (mode == "truncated") {
        const std::string frame = protocol::encodeFrame(faultResult(mode));
        out.sendRaw(std::string_view(frame).substr(0, frame.size() / 2));
        _exit(0);
    }
    if (mode == "linger") {
        out.finish(faultResult(mode));
        hang();
    }
    if (mode == "leave-child") {
        leaveChild();
        return faultResult(mode);
    }
    return protocol::Error{"fault: mode '" + mode + "' is not implemented"};
}

} // namespace

Outcome runFault(const Args &args, Job &job)
{
    const std::string &mode = args.text("mode");
    behaveNormally(job, args.real("delay"), announcement(mode));
    // What follows writes frames directly; nothing throttled may come after them.
    job.output().flush();
    failSilently(mode);
    return misbehaveOnTheWire(mode, job.output());
}

} // namespace longrun::worker
