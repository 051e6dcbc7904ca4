#pragma once

// The table of job kinds and their parameters. The same table validates a Start request and
// prints --list-kinds, so that what the app offers and what the worker accepts cannot differ;
// the parameters are the shared rules of params.h, which the app rebuilds from --list-kinds.

#include "job.h"
#include "params.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace longrun::worker {

using RunFunction = Outcome (*)(const Args &, Job &);

struct KindSpec
{
    std::string_view name;
    std::string_view title;
    std::string_view category; // "compute", "system" or "fault"
    std::string_view description;
    std::vector<protocol::ParamRule> params;
    RunFunction run = nullptr;
    // The command kind's "containment" in --list-kinds: how its processes are held here.
    std::string (*containment)() = nullptr;
};

[[nodiscard]] const std::vector<KindSpec> &catalog();
[[nodiscard]] const KindSpec *findKind(std::string_view name);
// "unknown job kind 'x'; known kinds: primes, montecarlo-pi, ..."
[[nodiscard]] std::string unknownKindMessage(std::string_view name);

// Validates a Start request's parameters with the shared rules (protocol::readParams, the
// app's check too) and fills in defaults. Returns the error message, or nothing when `args`
// is ready.
[[nodiscard]] std::optional<std::string> parseArgs(const KindSpec &kind,
                                                   const std::vector<protocol::Param> &params,
                                                   Args &args);

// The whole catalog as JSON, for --list-kinds.
[[nodiscard]] std::string catalogJson();

} // namespace longrun::worker
