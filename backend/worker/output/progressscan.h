#pragma once

// What progress one line of a program's output states, if any (OutputParser feeds it the
// updates it assembles):
// - the last percentage on an update ("42%", "42.5 %"), else the last count ("[3/10]",
//   "3/10 files", "45/100: crate", "step 3 of 10"), else the last amount of a total
//   ("112 MiB / 286 MiB", "12.5MB/50MB", "45.0/100.0 MB"); rates, times, dates and a
//   percentage after an arrow ("==> 45%", a compression ratio) are not mistaken for it;
// - a count with N == M is not taken: "file.bin (1/1)" (xz) or "[2/2]" says which item is
//   being worked on, and taking it as 100% would pin the (monotone) bar there for the whole job;
// - the unterminated end of a stream, carefully: a percentage is complete once its `%`
//   arrived, an N/M only once M is followed by a non-digit.
// Pure functions, any thread.

#include <optional>
#include <string_view>

namespace longrun::worker {

class ProgressScan final
{
public:
    ProgressScan() = delete;

    // The fraction (0..1) a whole update states.
    [[nodiscard]] static std::optional<double> ofUpdate(std::string_view update);
    // The fraction the unterminated end of a stream states for sure.
    [[nodiscard]] static std::optional<double> ofPartial(std::string_view partial);

    // The pieces, exposed for tests and for reuse: the last percentage (0..100) on a line, and
    // the last N/M as a fraction; with `needTerminator`, an M at the very end of `line` does
    // not count.
    [[nodiscard]] static std::optional<double> lastPercentage(std::string_view line);
    [[nodiscard]] static std::optional<double> lastRatio(std::string_view line,
                                                         bool needTerminator);
    // "3 of 10" as a fraction; "12 MiB / 50 MiB", "12.5MB/50MB", "45.0/100.0 MB" as a fraction.
    [[nodiscard]] static std::optional<double> lastCountOf(std::string_view line);
    [[nodiscard]] static std::optional<double> lastSizeRatio(std::string_view line);
};

} // namespace longrun::worker
