#pragma once

// How a signal is named for people: "SIGSEGV (Segmentation fault)". Any thread. Used wherever
// longrun says a process was killed (a job's worker, the worker listing its kinds).

#include <QtCore/QString>

namespace longrun {

[[nodiscard]] QString describeSignal(int signal);

} // namespace longrun
