#include "catalog.h"

#include "json.h"
#include "process/pidns.h"

#include <stdexcept>

namespace longrun::worker {

using namespace protocol;

namespace {

// One table, kind after kind: it reads best whole (it is data, not steps).
std::vector<KindSpec> makeCatalog()
{
    std::vector<KindSpec> kinds;
    kinds.push_back(
        {"primes",
         "Count primes",
         "compute",
         "Counts the primes up to a limit with a segmented sieve of Eratosthenes. CPU-bound, "
         "memory stays small whatever the limit.",
         {intRule("limit", 10'000'000, 2, 1'000'000'000'000,
                  "Count the primes up to this number.")},
         runPrimes});
    kinds.push_back(
        {"montecarlo-pi",
         "Estimate pi (Monte Carlo)",
         "compute",
         "Estimates pi by throwing random points at a square, plotting the running estimate. "
         "The same seed gives the same answer on every machine.",
         {intRule("samples", 20'000'000, 1, 100'000'000'000, "Number of random points."),
          intRule("seed", 1, 0, std::int64_t{1} << 62, "Seed of the random generator.")},
         runMonteCarloPi});
    kinds.push_back(
        {"mandelbrot",
         "Render the Mandelbrot set",
         "compute",
         "Renders a region of the Mandelbrot set into an image with smooth colouring.",
         {intRule("width", 800, 16, 2048, "Image width in pixels."),
          intRule("height", 600, 16, 2048, "Image height in pixels."),
          intRule("iterations", 500, 1, 100'000, "Iterations before a point counts as inside."),
          textRule("region", "-2.5,-1.25,1,1.25", TextFormat::Region,
                   "Part of the complex plane to draw: xmin,ymin,xmax,ymax.")},
         runMandelbrot});
    kinds.push_back({"checksum",
                     "SHA-256 of a file",
                     "system",
                     "Computes the SHA-256 checksum of a file, reading it in 1 MiB chunks.",
                     {pathRule("path", true, "The file to checksum.")},
                     runChecksum});
    kinds.push_back(
        {"sleep",
         "Sleep",
         "system",
         "Waits for a while in steps, reporting progress; uses no CPU. Handy to try queueing, "
         "pausing and cancelling.",
         {realRule("seconds", 5.0, 0.0, 86'400.0, "How long to wait, in seconds."),
          intRule("steps", 10, 1, 100'000, "Number of progress steps.")},
         runSleep});
    kinds.push_back(
        {"command",
         "Run a command",
         "system",
         "Runs a program and follows its output: percentages and N/M counts become progress, "
         "the last lines are kept. Fails when the program exits with a non-zero code.",
         {argvRule("argv", "The program and its arguments."),
          pathRule("cwd", false, "Working directory; empty means the worker's own."),
          environmentRule("env",
                          "Variables to set for the program, as KEY=VALUE words; the rest of "
                          "its environment is longrun's unless env_clear is set."),
          boolRule("env_clear", false,
                   "Start the program with no variables but those of env (like env -i); it "
                   "is then looked up on env's PATH, or the system's default path."),
          boolRule("tty", true,
                   "Give the program a pseudo-terminal so that it line-buffers and draws its "
                   "progress bars.")},
         runCommand,
         probeContainment});
    kinds.push_back(
        {"fault",
         "Misbehave on purpose",
         "fault",
         "Reports normal progress for a while, then fails in the chosen way: a crash, a hang, "
         "garbage on the pipe and more. For testing how longrun copes.",
         {choiceRule("mode", "crash",
                     {"crash", "abort", "exception", "hang", "ignore-sigterm", "garbage",
                      "exit-nonzero", "exit-zero", "stderr-flood", "oversized-frame",
                      "progress-nan", "progress-range", "after-result", "truncated", "linger",
                      "leave-child"},
                     "How to fail."),
          realRule("delay", 0.3, 0.0, 3600.0, "Seconds of normal progress before the fault.")},
         runFault});
    return kinds;
}

} // namespace

const ArgValue &Args::get(std::string_view name) const
{
    const auto it = m_values.find(name);
    if (it == m_values.end())
        throw std::logic_error("no parameter '" + std::string(name) + "' in the catalog");
    return it->second;
}

const std::vector<KindSpec> &catalog()
{
    static const std::vector<KindSpec> kinds = makeCatalog();
    return kinds;
}

const KindSpec *findKind(std::string_view name)
{
    for (const auto &kind : catalog()) {
        if (kind.name == name)
            return &kind;
    }
    return nullptr;
}

std::string unknownKindMessage(std::string_view name)
{
    std::vector<std::string_view> names;
    for (const auto &kind : catalog())
        names.push_back(kind.name);
    return protocol::unknownKindMessage(name, names);
}

std::optional<std::string> parseArgs(const KindSpec &kind,
                                     const std::vector<protocol::Param> &params, Args &args)
{
    protocol::ParamValues values;
    if (auto problem = protocol::readParams(kind.name, kind.params, params, values))
        return problem;
    args = Args(std::move(values));
    return std::nullopt;
}

std::string catalogJson()
{
    std::string out = "{\"worker\":";
    json::appendString(out, kWorkerName);
    out += ",\"protocol\":";
    json::appendNumber(out, std::int64_t{protocol::kProtocolVersion});
    out += ",\"kinds\":[";
    bool firstKind = true;
    for (const auto &kind : catalog()) {
        if (!firstKind)
            out += ',';
        firstKind = false;
        out += "{\"name\":";
        json::appendString(out, kind.name);
        out += ",\"title\":";
        json::appendString(out, kind.title);
        out += ",\"category\":";
        json::appendString(out, kind.category);
        out += ",\"description\":";
        json::appendString(out, kind.description);
        if (kind.containment != nullptr) {
            out += ",\"containment\":";
            json::appendString(out, kind.containment());
        }
        out += ",\"params\":[";
        for (std::size_t i = 0; i < kind.params.size(); ++i) {
            if (i > 0)
                out += ',';
            appendRuleJson(out, kind.params[i]);
        }
        out += "]}";
    }
    out += "]}\n";
    return out;
}

} // namespace longrun::worker
