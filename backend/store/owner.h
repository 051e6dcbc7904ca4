#pragma once

// Who owns a run: a process is named by its pid, the boot it runs in and its start time, so that
// a pid reused after the owner died (or after a reboot) is not taken for the owner.

#include <QtCore/QString>

#include <sys/types.h>

namespace longrun {

// "<boot id>:<start time in clock ticks>", or "" when no such process runs.
[[nodiscard]] QString processIdentity(pid_t pid);

} // namespace longrun
