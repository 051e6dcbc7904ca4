#pragma once

// What runs in a forked child of the worker until it execs the program (spawn.h), or for its
// whole life (the namespace's init, pidns.h). The worker has a reader thread, so a forked child
// uses async-signal-safe calls only: no allocation, no stdio, no locks.

#include <cstdint>
#include <sys/types.h>

namespace longrun::worker {

// What a child writes on the report pipe, which closes on exec (O_CLOEXEC): nothing read means
// the program runs. Every stage but kProcNote is a failure, after which the child exits.
enum ChildStage : std::int32_t {
    kChdir = 1,
    kExec = 2,
    kTerminal = 3,
    kNamespace = 4, // the init could not set up its namespace: the caller falls back
    kFork = 5,      // the init could not fork the program
    kProcNote = 6,  // not a failure: the init keeps the host's /proc (errno of the mount)
};

struct ChildReport
{
    std::int32_t stage = 0;
    std::int32_t error = 0;
};

struct ChildSetup
{
    char *const *argv;
    char **envp;     // nullptr: ours
    const char *cwd; // nullptr: stay
    int in, out, err, report;
    bool tty;
    pid_t parent; // the forking process, as the child will see it
};

// What the parent read on the report pipe until it closed: the failure (stage 0: none, the
// program runs) and the errno of the init's /proc mount (0: mounted, or no namespace).
struct ChildReports
{
    ChildReport failure;
    int procError = 0;
};
[[nodiscard]] ChildReports readReports(int fd);

void reportStage(int fd, std::int32_t stage, std::int32_t error);
[[noreturn]] void reportAndExit(int fd, std::int32_t stage, std::int32_t error);

// Every signal to its default action, none blocked: exec keeps ignored signals ignored and the
// mask as it is, and the program must get defaults.
void resetSignals();

// In the forked child: a session of its own (with the pty as its terminal when `tty`), the
// three streams, the directory, then exec; a failure is reported and the child exits 127.
[[noreturn]] void runChild(const ChildSetup &setup);

} // namespace longrun::worker
