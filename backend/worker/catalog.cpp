#include "catalog.h"

#include "json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace longrun::worker {

namespace {

ParamSpec intParam(std::string_view name, std::int64_t def, std::int64_t min, std::int64_t max,
                   std::string_view description)
{
    ParamSpec p;
    p.name = name;
    p.type = ParamType::Int;
    p.intDefault = def;
    p.intMin = min;
    p.intMax = max;
    p.description = description;
    return p;
}

ParamSpec realParam(std::string_view name, double def, double min, double max,
                    std::string_view description)
{
    ParamSpec p;
    p.name = name;
    p.type = ParamType::Real;
    p.realDefault = def;
    p.realMin = min;
    p.realMax = max;
    p.description = description;
    return p;
}

ParamSpec textParam(std::string_view name, std::string_view def, bool (*isValid)(std::string_view),
                    std::string_view expectation, std::string_view description)
{
    ParamSpec p;
    p.name = name;
    p.type = ParamType::Text;
    p.textDefault = def;
    p.isValid = isValid;
    p.expectation = expectation;
    p.description = description;
    return p;
}

ParamSpec pathParam(std::string_view name, bool required, std::string_view description)
{
    ParamSpec p;
    p.name = name;
    p.type = ParamType::Path;
    p.required = required;
    p.description = description;
    return p;
}

ParamSpec boolParam(std::string_view name, bool def, std::string_view description)
{
    ParamSpec p;
    p.name = name;
    p.type = ParamType::Bool;
    p.boolDefault = def;
    p.description = description;
    return p;
}

ParamSpec choiceParam(std::string_view name, std::string_view def,
                      std::vector<std::string_view> choices, std::string_view description)
{
    ParamSpec p;
    p.name = name;
    p.type = ParamType::Choice;
    p.textDefault = def;
    p.choices = std::move(choices);
    p.description = description;
    return p;
}

ParamSpec argvParam(std::string_view name, std::string_view description)
{
    ParamSpec p;
    p.name = name;
    p.type = ParamType::Argv;
    p.required = true;
    p.description = description;
    return p;
}

bool isRegion(std::string_view text)
{
    double region[4];
    return parseRegion(text, region);
}

std::vector<KindSpec> makeCatalog()
{
    std::vector<KindSpec> kinds;
    kinds.push_back(
        {"primes",
         "Count primes",
         "compute",
         "Counts the primes up to a limit with a segmented sieve of Eratosthenes. CPU-bound, "
         "memory stays small whatever the limit.",
         {intParam("limit", 10'000'000, 2, 1'000'000'000'000,
                   "Count the primes up to this number.")},
         runPrimes});
    kinds.push_back(
        {"montecarlo-pi",
         "Estimate pi (Monte Carlo)",
         "compute",
         "Estimates pi by throwing random points at a square, plotting the running estimate. "
         "The same seed gives the same answer on every machine.",
         {intParam("samples", 20'000'000, 1, 100'000'000'000, "Number of random points."),
          intParam("seed", 1, 0, std::int64_t{1} << 62, "Seed of the random generator.")},
         runMonteCarloPi});
    kinds.push_back(
        {"mandelbrot",
         "Render the Mandelbrot set",
         "compute",
         "Renders a region of the Mandelbrot set into an image with smooth colouring.",
         {intParam("width", 800, 16, 2048, "Image width in pixels."),
          intParam("height", 600, 16, 2048, "Image height in pixels."),
          intParam("iterations", 500, 1, 100'000, "Iterations before a point counts as inside."),
          textParam("region", "-2.5,-1.25,1,1.25", isRegion,
                    "four numbers xmin,ymin,xmax,ymax with xmin < xmax and ymin < ymax",
                    "Part of the complex plane to draw: xmin,ymin,xmax,ymax.")},
         runMandelbrot});
    kinds.push_back({"checksum",
                     "SHA-256 of a file",
                     "system",
                     "Computes the SHA-256 checksum of a file, reading it in 1 MiB chunks.",
                     {pathParam("path", true, "The file to checksum.")},
                     runChecksum});
    kinds.push_back(
        {"sleep",
         "Sleep",
         "system",
         "Waits for a while in steps, reporting progress; uses no CPU. Handy to try queueing, "
         "pausing and cancelling.",
         {realParam("seconds", 5.0, 0.0, 86'400.0, "How long to wait, in seconds."),
          intParam("steps", 10, 1, 100'000, "Number of progress steps.")},
         runSleep});
    kinds.push_back(
        {"command",
         "Run a command",
         "system",
         "Runs a program and follows its output: percentages and N/M counts become progress, "
         "the last lines are kept. Fails when the program exits with a non-zero code.",
         {argvParam("argv", "The program and its arguments."),
          pathParam("cwd", false, "Working directory; empty means the worker's own."),
          boolParam("tty", true,
                    "Give the program a pseudo-terminal so that it line-buffers and draws its "
                    "progress bars.")},
         runCommand});
    kinds.push_back(
        {"fault",
         "Misbehave on purpose",
         "fault",
         "Reports normal progress for a while, then fails in the chosen way: a crash, a hang, "
         "garbage on the pipe and more. For testing how longrun copes.",
         {choiceParam("mode", "crash",
                      {"crash", "abort", "exception", "hang", "ignore-sigterm", "garbage",
                       "exit-nonzero", "exit-zero", "stderr-flood", "oversized-frame",
                       "progress-nan", "progress-range", "after-result", "truncated", "linger",
                       "leave-child"},
                      "How to fail."),
          realParam("delay", 0.3, 0.0, 3600.0, "Seconds of normal progress before the fault.")},
         runFault});
    return kinds;
}

std::string numberText(double value)
{
    std::string out;
    json::appendNumber(out, value);
    return out;
}

// Quotes a user's value in an error message, cut short if it is long.
std::string quoted(std::string_view value)
{
    constexpr std::size_t kMax = 80;
    std::string out = "'";
    out.append(value.substr(0, kMax));
    if (value.size() > kMax)
        out += "\xe2\x80\xa6"; // an ellipsis
    out += "'";
    return out;
}

std::string joined(const std::vector<std::string_view> &items)
{
    std::string out;
    for (const auto item : items) {
        if (!out.empty())
            out += ", ";
        out += item;
    }
    return out;
}

bool equalsLower(std::string_view value, std::string_view lower)
{
    return std::equal(value.begin(), value.end(), lower.begin(), lower.end(), [](char a, char b) {
        return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
    });
}

std::optional<bool> parseBool(std::string_view value)
{
    for (const auto yes : {"true", "1", "yes", "on"}) {
        if (equalsLower(value, yes))
            return true;
    }
    for (const auto no : {"false", "0", "no", "off"}) {
        if (equalsLower(value, no))
            return false;
    }
    return std::nullopt;
}

// Parses one scalar; returns what it must be for the error message, or nothing when fine.
std::optional<std::string> parseScalar(const ParamSpec &spec, const std::string &value,
                                       ArgValue &out)
{
    const char *begin = value.data();
    const char *end = value.data() + value.size();
    switch (spec.type) {
    case ParamType::Int: {
        std::int64_t v = 0;
        const auto [ptr, ec] = std::from_chars(begin, end, v);
        if (value.empty() || ec != std::errc{} || ptr != end || v < spec.intMin || v > spec.intMax)
            return "an integer from " + std::to_string(spec.intMin) + " to "
                   + std::to_string(spec.intMax);
        out.integer = v;
        return std::nullopt;
    }
    case ParamType::Real: {
        double v = 0.0;
        const auto [ptr, ec] = std::from_chars(begin, end, v);
        if (value.empty() || ec != std::errc{} || ptr != end || !std::isfinite(v)
            || v < spec.realMin || v > spec.realMax)
            return "a number from " + numberText(spec.realMin) + " to " + numberText(spec.realMax);
        out.real = v;
        return std::nullopt;
    }
    case ParamType::Bool: {
        const auto v = parseBool(value);
        if (!v)
            return std::string("true or false");
        out.flag = *v;
        return std::nullopt;
    }
    case ParamType::Choice:
        if (std::find(spec.choices.begin(), spec.choices.end(), value) == spec.choices.end())
            return "one of " + joined(spec.choices);
        out.text = value;
        return std::nullopt;
    case ParamType::Text:
    case ParamType::Path:
        if (value.find('\0') != std::string::npos)
            return std::string("text without NUL characters");
        if (spec.isValid != nullptr && !spec.isValid(value))
            return std::string(spec.expectation);
        if (spec.type == ParamType::Path && spec.required && value.empty())
            return std::string("a non-empty path");
        out.text = value;
        return std::nullopt;
    case ParamType::Argv:
        break;
    }
    throw std::logic_error("parseScalar called for a list parameter");
}

ArgValue defaultValue(const ParamSpec &spec)
{
    ArgValue value;
    value.integer = spec.intDefault;
    value.real = spec.realDefault;
    value.flag = spec.boolDefault;
    value.text = std::string(spec.textDefault);
    return value;
}

const char *typeName(ParamType type)
{
    switch (type) {
    case ParamType::Int:
        return "int";
    case ParamType::Real:
        return "real";
    case ParamType::Text:
        return "text";
    case ParamType::Path:
        return "path";
    case ParamType::Bool:
        return "bool";
    case ParamType::Choice:
        return "choice";
    case ParamType::Argv:
        return "argv";
    }
    return "text";
}

void appendParamJson(std::string &out, const ParamSpec &p)
{
    out += "{\"name\":";
    json::appendString(out, p.name);
    out += ",\"type\":";
    json::appendString(out, typeName(p.type));
    out += ",\"default\":";
    switch (p.type) {
    case ParamType::Int:
        json::appendNumber(out, p.intDefault);
        out += ",\"min\":";
        json::appendNumber(out, p.intMin);
        out += ",\"max\":";
        json::appendNumber(out, p.intMax);
        break;
    case ParamType::Real:
        json::appendNumber(out, p.realDefault);
        out += ",\"min\":";
        json::appendNumber(out, p.realMin);
        out += ",\"max\":";
        json::appendNumber(out, p.realMax);
        break;
    case ParamType::Bool:
        json::appendBool(out, p.boolDefault);
        break;
    case ParamType::Choice:
        json::appendString(out, p.textDefault);
        out += ",\"choices\":[";
        for (std::size_t i = 0; i < p.choices.size(); ++i) {
            if (i > 0)
                out += ',';
            json::appendString(out, p.choices[i]);
        }
        out += ']';
        break;
    case ParamType::Text:
    case ParamType::Path:
        json::appendString(out, p.textDefault);
        break;
    case ParamType::Argv:
        out += "[]";
        break;
    }
    out += ",\"required\":";
    json::appendBool(out, p.required);
    out += ",\"description\":";
    json::appendString(out, p.description);
    out += '}';
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
    return "unknown job kind " + quoted(name) + "; known kinds: " + joined(names);
}

std::optional<std::string> parseArgs(const KindSpec &kind,
                                     const std::vector<protocol::Param> &params, Args &args)
{
    const std::string prefix = std::string(kind.name) + ": ";
    std::vector<std::string_view> seen;
    for (const auto &param : params) {
        const auto spec = std::find_if(kind.params.begin(), kind.params.end(),
                                       [&](const ParamSpec &s) { return s.name == param.key; });
        if (spec == kind.params.end()) {
            std::vector<std::string_view> known;
            for (const auto &s : kind.params)
                known.push_back(s.name);
            return prefix + "unknown parameter " + quoted(param.key) + " (known: " + joined(known)
                   + ")";
        }
        const std::string name = "parameter '" + std::string(spec->name) + "'";
        if (std::find(seen.begin(), seen.end(), spec->name) != seen.end())
            return prefix + name + " is given twice";
        seen.push_back(spec->name);

        ArgValue value = defaultValue(*spec);
        if (spec->type == ParamType::Argv) {
            if (param.values.empty() || param.values.front().empty())
                return prefix + name + " must not be empty";
            for (const auto &word : param.values) {
                if (word.find('\0') != std::string::npos)
                    return prefix + name + " must not contain NUL characters";
            }
            value.list = param.values;
        } else {
            if (param.values.size() != 1)
                return prefix + name + " takes one value, got "
                       + std::to_string(param.values.size());
            if (auto expected = parseScalar(*spec, param.values.front(), value))
                return prefix + name + " must be " + *expected + ", got "
                       + quoted(param.values.front());
        }
        args.set(std::string(spec->name), std::move(value));
    }
    for (const auto &spec : kind.params) {
        if (std::find(seen.begin(), seen.end(), spec.name) != seen.end())
            continue;
        if (spec.required)
            return prefix + "parameter '" + std::string(spec.name) + "' is required";
        args.set(std::string(spec.name), defaultValue(spec));
    }
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
        out += ",\"params\":[";
        for (std::size_t i = 0; i < kind.params.size(); ++i) {
            if (i > 0)
                out += ',';
            appendParamJson(out, kind.params[i]);
        }
        out += "]}";
    }
    out += "]}\n";
    return out;
}

} // namespace longrun::worker
