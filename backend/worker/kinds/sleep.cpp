// sleep: waits in steps without using the CPU; a cancel wakes it at once (CancelFlag is an
// eventfd the wait polls).

#include "job.h"
#include "text.h"

#include <chrono>

namespace longrun::worker {

Outcome runSleep(const Args &args, Job &job)
{
    const double seconds = args.real("seconds");
    const std::int64_t steps = args.integer("steps");
    const auto start = Clock::now();
    const std::chrono::duration<double> total(seconds);
    for (std::int64_t step = 1; step <= steps; ++step) {
        // Deadlines from the start, so that many short steps do not add up their overshoots.
        const auto deadline = start
                              + std::chrono::duration_cast<Clock::duration>(
                                  total * static_cast<double>(step) / static_cast<double>(steps));
        job.sleepUntil(deadline);
        if (step == steps || job.progressDue())
            job.progress(static_cast<double>(step) / static_cast<double>(steps),
                         format("step %lld of %lld", static_cast<long long>(step),
                                static_cast<long long>(steps)));
    }
    protocol::Result result;
    result.summary = format("slept %g s", seconds);
    result.values.push_back(protocol::realValue("seconds", seconds));
    return result;
}

} // namespace longrun::worker
