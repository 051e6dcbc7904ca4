#pragma once

// The table of job kinds and their parameters. The same table validates a Start request and
// prints --list-kinds, so that what the app offers and what the worker accepts cannot differ.

#include "job.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace longrun::worker {

enum class ParamType { Int, Real, Text, Path, Bool, Choice, Argv };

struct ParamSpec
{
    std::string_view name;
    ParamType type = ParamType::Text;
    std::string_view description;
    bool required = false;
    std::int64_t intDefault = 0;
    std::int64_t intMin = 0;
    std::int64_t intMax = 0;
    double realDefault = 0.0;
    double realMin = 0.0;
    double realMax = 0.0;
    bool boolDefault = false;
    std::string_view textDefault; // text, path, choice
    std::vector<std::string_view> choices;
    // Optional extra check of a text value, and what it expects, for the error message.
    bool (*isValid)(std::string_view) = nullptr;
    std::string_view expectation;
};

using RunFunction = Outcome (*)(const Args &, Job &);

struct KindSpec
{
    std::string_view name;
    std::string_view title;
    std::string_view category; // "compute", "system" or "fault"
    std::string_view description;
    std::vector<ParamSpec> params;
    RunFunction run = nullptr;
};

[[nodiscard]] const std::vector<KindSpec> &catalog();
[[nodiscard]] const KindSpec *findKind(std::string_view name);
// "unknown job kind 'x'; known kinds: primes, montecarlo-pi, ..."
[[nodiscard]] std::string unknownKindMessage(std::string_view name);

// Validates a Start request's parameters against the kind's table and fills in defaults.
// Returns the error message, or nothing when `args` is ready.
[[nodiscard]] std::optional<std::string> parseArgs(const KindSpec &kind,
                                                   const std::vector<protocol::Param> &params,
                                                   Args &args);

// The whole catalog as JSON, for --list-kinds.
[[nodiscard]] std::string catalogJson();

} // namespace longrun::worker
