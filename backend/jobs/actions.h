#pragma once

// What a person may do to a job in a given state: the one rule behind the model's CanCancel..
// CanRetry roles (what the window offers) and TaskController::cancel/pause/resume/retry (what
// it accepts), so that what is offered and what is accepted can never disagree.

#include "jobs/jobtypes.h"

namespace longrun {

// Queued: dropped from the queue; Starting, Running, Paused: stopped.
[[nodiscard]] constexpr bool canCancel(State s)
{
    return !isTerminal(s);
}

// Only a job whose worker runs: until its worker says hello a job has nothing to stop, and the
// button appears when it can act at once.
[[nodiscard]] constexpr bool canPause(State s)
{
    return s == State::Running;
}

[[nodiscard]] constexpr bool canResume(State s)
{
    return s == State::Paused;
}

// A new attempt for a job that ended without its result; a success is kept.
[[nodiscard]] constexpr bool canRetry(State s)
{
    return isTerminal(s) && s != State::Succeeded;
}

} // namespace longrun
