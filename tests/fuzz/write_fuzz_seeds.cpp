// Writes the seed corpus of fuzz_frame_decoder: real frames of every message type, each file
// starting with the fuzzer's two control bytes (chunking mode, chunk seed).
//
//   write_fuzz_seeds <dir>      (the fuzz_seed_corpus target passes corpus/frame_decoder)

#include "framing.h"
#include "messages.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace longrun::protocol;

// Control byte 0: its top two bits pick whole / byte by byte / small / large chunks.
constexpr std::uint8_t kWhole = 0x00;
constexpr std::uint8_t kBytewise = 0x40;
constexpr std::uint8_t kSmall = 0x80;
constexpr std::uint8_t kLarge = 0xc0;

Result sampleResult()
{
    Result result;
    result.summary = "664579 primes <= 10000000";
    result.values = {intValue("count", 664579), realValue("seconds", 1.25),
                     textValue("unit", "primes"), boolValue("exact", true)};
    result.image.width = 2;
    result.image.height = 2;
    result.image.rgb = {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255};
    return result;
}

Data sampleData()
{
    Data data;
    data.series = "residual";
    for (int i = 0; i < 8; ++i)
        data.points.push_back({static_cast<double>(i), 1.0 / (i + 1)});
    return data;
}

Start sampleStart()
{
    Start start;
    start.kind = "command";
    start.params = {Param{"argv", {"/bin/sh", "-c", "echo hi; exit 3"}}, Param{"timeout", {"30"}}};
    return start;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    std::filesystem::create_directories(dir);

    const std::vector<std::pair<std::string, std::string>> frames = {
        {"hello", encodeFrame(WorkerMessage{Hello{kProtocolVersion, 4242, "longrun-worker"}})},
        {"progress", encodeFrame(WorkerMessage{Progress{0.5, "segment 12 of 100"}})},
        {"progress_nan",
         encodeFrame(WorkerMessage{Progress{std::numeric_limits<double>::quiet_NaN(), ""}})},
        {"data", encodeFrame(WorkerMessage{sampleData()})},
        {"result", encodeFrame(WorkerMessage{sampleResult()})},
        {"result_empty", encodeFrame(WorkerMessage{Result{}})},
        {"error", encodeFrame(WorkerMessage{Error{"worker crashed"}})},
        {"output", encodeFrame(WorkerMessage{OutputChunk{OutputChunk::Err, 1796119200123,
                                                         std::string("warn\n\xff\0x", 8), 0, 0}})},
        {"output_note",
         encodeFrame(WorkerMessage{OutputChunk{OutputChunk::Out, 1, "", 12345678, 16u << 20}})},
        {"start", encodeFrame(ParentMessage{sampleStart()})},
        {"cancel", encodeFrame(ParentMessage{Cancel{}})},
    };

    const auto write = [&dir](const std::string &name, std::uint8_t mode, std::uint8_t seed,
                              const std::string &bytes) {
        std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
        out.put(static_cast<char>(mode));
        out.put(static_cast<char>(seed));
        out << bytes;
        if (!out)
            throw std::runtime_error("cannot write " + (dir / name).string());
    };

    std::string worker;
    std::string parent;
    for (const auto &[name, frame] : frames) {
        write(name, kWhole, 0, frame);
        (name == "start" || name == "cancel" ? parent : worker) += frame;
    }
    // Whole conversations, cut in each way.
    write("worker_stream_whole", kWhole, 0, worker);
    write("worker_stream_bytewise", kBytewise, 0, worker);
    write("worker_stream_small", kSmall, 7, worker);
    write("worker_stream_large", kLarge, 3, worker);
    write("parent_stream_small", kSmall, 11, parent);
    // A truncated tail: the decoder must wait, not fail.
    write("worker_stream_truncated", kSmall, 5, worker.substr(0, worker.size() - 3));
    std::printf("wrote %zu seeds to %s\n", frames.size() + 6, dir.c_str());
    return 0;
}
