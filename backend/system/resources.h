#pragma once

// File descriptors: the one limit a busy longrun meets first (each running job holds about five
// in the app: three pipes to its worker, the pidfd, the runner thread's wake-up descriptor). Any
// thread may call these; they read /proc and getrlimit, nothing of ours.

namespace longrun {

// Raises the soft limit on open files to the hard limit, as systemd and Go do at start: the
// soft default (1024) is a relic of select(). Returns the soft limit in force afterwards.
int raiseOpenFileLimit();

// The soft limit on open files now.
[[nodiscard]] int openFileLimit();

// How many descriptors the process has open now (the entries of /proc/self/fd), -1 if unknown.
[[nodiscard]] int openFileCount();

} // namespace longrun
