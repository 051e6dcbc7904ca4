#pragma once

// A command's program in a PID namespace of its own (DESIGN.md, "Containment"), owned by a user
// namespace unless we are root. Its init (pid 1 there) is a forked copy of the worker that runs
// the program as its child, reaps whatever is re-parented to it, and dies with the worker
// (PR_SET_PDEATHSIG). When the init dies, for any reason, the kernel kills every process left
// in the namespace: a SIGKILL of the worker, or of the init, ends all of the job's processes,
// however they forked, setsid'd or double-forked. The namespace also has a mount namespace with
// its own /proc, so that ps, kill and /proc/<pid> inside the job see the job's processes.
// Main thread only.

#include "process/child.h"
#include "process/fd.h"

#include <string>
#include <sys/types.h>

namespace longrun::worker {

// Set (to anything but empty) in the environment, jobs use the subreaper (reaper.h) instead.
inline constexpr const char *kNoNamespacesVariable = "LONGRUN_WORKER_NO_NAMESPACES";

// Empty when jobs should try a namespace; otherwise why not (the variable above is set).
[[nodiscard]] std::string namespacesDisabled();

// What a job gets here, for --list-kinds: "pid-namespace", "pid-namespace, host /proc (why)" or
// "subreaper: why". Starts a namespace whose init ends at once.
[[nodiscard]] std::string probeContainment();

inline constexpr const char *kPidNamespace = "pid-namespace";

// Why there is no namespace: `stage` kNamespace (the init's report) or 0 (clone's errno).
[[nodiscard]] std::string namespaceFailure(int stage, int error);
// A namespace that kept the host's /proc: "pid-namespace, host /proc (mount: why)".
[[nodiscard]] std::string procNote(int error);

struct NamespaceInit
{
    pid_t pid = -1; // the init, our child; -1: clone failed (errno in `error`)
    int error = 0;
    // Readable once the program has ended: its wait status (an int), or end of file when the
    // init died before it could say.
    Fd status;
};

// Clones the init, which sets up its namespaces and runs `setup` (its `parent` is ignored);
// failures are reported on setup.report as for a plain fork (kNamespace: no namespace).
// `setup` == nullptr: set up the namespaces only, then exit 0 (the probe).
[[nodiscard]] NamespaceInit startInit(const ChildSetup *setup, int report);

} // namespace longrun::worker
