// libFuzzer target: the command kind's output parser (backend/worker/outputparser.cpp), which
// reads whatever a user's program prints. Any bytes, in any chunks, on one stream (a pty) or two
// (pipes) must leave it with a fraction in 0..1 that never goes down, a bounded text and tail,
// and every line scanner's answer in range. A broken invariant traps.

#include "output/outputparser.h"
#include "output/progressscan.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

using longrun::worker::OutputParser;
using longrun::worker::ProgressScan;

namespace {
void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

void checkFraction(const std::optional<double> &value, double max)
{
    if (value)
        check(*value >= 0.0 && *value <= max);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    // First byte: stream count (bit 0) and chunk size (the rest, 1..128).
    const std::size_t streams = (data[0] & 1) + 1;
    const std::size_t chunk = (data[0] >> 1) + 1;
    const std::string_view bytes(reinterpret_cast<const char *>(data + 1), size - 1);

    checkFraction(ProgressScan::lastPercentage(bytes), 100.0);
    checkFraction(ProgressScan::lastRatio(bytes, false), 1.0);
    checkFraction(ProgressScan::lastRatio(bytes, true), 1.0);
    checkFraction(ProgressScan::lastCountOf(bytes), 1.0);
    checkFraction(ProgressScan::lastSizeRatio(bytes), 1.0);

    OutputParser parser(streams);
    double last = 0.0;
    std::size_t stream = 0;
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
        parser.feed(stream, bytes.substr(at, chunk));
        stream = (stream + 1) % streams;
        const double now = parser.fraction();
        check(now >= last && now <= 1.0);
        check(parser.text().size() <= 200);
        last = now;
    }
    parser.finish();
    check(parser.fraction() >= last && parser.fraction() <= 1.0);
    // 40 lines of at most 4 KiB (a longer line keeps its end), or one line of any kept length.
    check(parser.tail().size() <= OutputParser::kTailLines * 4097 + 4096);
    return 0;
}
