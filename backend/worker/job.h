#pragma once

// What a job kind sees while it runs: its validated parameters (Args), and a Job handle to
// report progress and data and to notice cancellation. Main thread only.

#include "io.h"
#include "params.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace longrun::worker {

// Thrown by Job::checkCanceled(); main turns it into Error{"canceled"}.
struct Canceled
{};

// The end of a run: exactly one of these is sent.
using Outcome = std::variant<protocol::Result, protocol::Error>;

// One parameter after validation, in the shape its catalog type says (params.h).
using ArgValue = protocol::ParamValue;

// Validated parameters of a run, defaults filled in. Asking for a name that the kind's catalog
// entry does not declare is a programming error (std::logic_error).
class Args final
{
public:
    explicit Args(protocol::ParamValues values = {})
        : m_values(std::move(values))
    {}

    [[nodiscard]] std::int64_t integer(std::string_view name) const { return get(name).integer; }
    [[nodiscard]] double real(std::string_view name) const { return get(name).real; }
    [[nodiscard]] bool flag(std::string_view name) const { return get(name).flag; }
    [[nodiscard]] const std::string &text(std::string_view name) const { return get(name).text; }
    [[nodiscard]] const std::vector<std::string> &list(std::string_view name) const
    {
        return get(name).list;
    }

    void set(std::string name, ArgValue value) { m_values[std::move(name)] = std::move(value); }

private:
    [[nodiscard]] const ArgValue &get(std::string_view name) const;

    protocol::ParamValues m_values;
};

class Job final
{
public:
    Job(Output &out, CancelFlag &cancel)
        : m_out(out)
        , m_cancel(cancel)
    {}

    [[nodiscard]] bool canceled() const { return m_cancel.isSet(); }
    void checkCanceled() const
    {
        if (m_cancel.isSet())
            throw Canceled{};
    }
    // Sleeps; throws Canceled as soon as a cancel arrives.
    void sleepUntil(Clock::time_point deadline) const
    {
        if (!m_cancel.sleepUntil(deadline))
            throw Canceled{};
    }

    void progress(double fraction, std::string text) { m_out.progress(fraction, std::move(text)); }
    [[nodiscard]] bool progressDue() const { return m_out.progressDue(); }
    void point(std::string_view series, double x, double y) { m_out.point(series, x, y); }

    [[nodiscard]] Output &output() { return m_out; }
    [[nodiscard]] CancelFlag &cancelFlag() { return m_cancel; }

private:
    Output &m_out;
    CancelFlag &m_cancel;
};

// The kinds, one file each.
Outcome runPrimes(const Args &args, Job &job);
Outcome runMonteCarloPi(const Args &args, Job &job);
Outcome runMandelbrot(const Args &args, Job &job);
Outcome runChecksum(const Args &args, Job &job);
Outcome runSleep(const Args &args, Job &job);
Outcome runCommand(const Args &args, Job &job);
Outcome runFault(const Args &args, Job &job);

} // namespace longrun::worker
