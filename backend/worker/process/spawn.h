#pragma once

// Starts a `command` job's program as our child, in a session of its own, so that it never
// reaches the terminal longrun runs on (a read of /dev/tty there would stop the job with
// SIGTTIN, or prompt the user for a password meant for nobody):
// - with a pty, the pty is its controlling terminal and its process group is in the
//   foreground, as a shell's job control does it: `tty` names the pty, and programs that draw
//   progress only in the foreground do so;
// - with pipes, it has no controlling terminal at all: opening /dev/tty fails at once (ENXIO).
// Its stdin is /dev/null either way. It runs in a PID namespace of its own (pidns.h) unless
// namespaces are not available or not wanted; then as our plain child, and the subreaper
// (reaper.h) holds what it starts. Main thread only.

#include "process/fd.h"

#include <string>
#include <sys/types.h>
#include <vector>

namespace longrun::worker {

struct Program
{
    // The program, also its session and process group; in a namespace, the namespace's init.
    pid_t pid = -1;
    // In a namespace: readable once the program ended (pidns.h, NamespaceInit::status).
    Fd status;
    // "pid-namespace", "pid-namespace, host /proc (why)" or "subreaper: why".
    std::string containment;
    Fd out; // the pty master, or stdout's pipe
    Fd err; // stderr's pipe; not valid with a pty
    // Our copy of the pty's slave, to close once the program has been reaped: held until then,
    // the program's own last close of its terminal (coreutils close stdout at exit) is not
    // the terminal's last close, which would end its session leader with SIGHUP.
    Fd slave;
    std::string error; // not empty: nothing runs, this says why
};

// The environment a program starts with: ours (the worker's, which is longrun's), or none
// (`clear`, like `env -i`), and then `set`'s KEY=VALUE words, each replacing its KEY.
struct ProgramEnvironment
{
    bool clear = false;
    std::vector<std::string> set;
    [[nodiscard]] bool inherited() const { return !clear && set.empty(); }
    // The words of the environment this describes, `base` (environ) being ours.
    [[nodiscard]] std::vector<std::string> words(const char *const *base) const;
};

// Forks and execs `argv` in `cwd` (empty: ours) with `env`. Returns once the exec succeeded or
// failed.
[[nodiscard]] Program spawnProgram(const std::vector<std::string> &argv, const std::string &cwd,
                                   const ProgramEnvironment &env, bool tty);

} // namespace longrun::worker
