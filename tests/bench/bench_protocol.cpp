// Frame encode/decode cost (Google Benchmark). Figures for RESULTS.md:
// - Progress frames per second through WorkerFrameDecoder, fed in 64 KiB chunks as a pipe
//   delivers them; the baseline is a memcpy of the same bytes (the floor for touching them).
// - MB/s for Result frames carrying an 8 MB image, same baseline.
// - encode cost of both.
// run-benchmarks.sh runs this with repetitions and reads the JSON.

#include "framing.h"
#include "messages.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace proto = longrun::protocol;

namespace {

constexpr std::size_t kChunk = 64 * 1024;
constexpr int kProgressFrames = 10000;
// 1672 x 1672 RGB888 = 8,386,752 bytes: an 8 MB image, under kMaxImagePixels.
constexpr std::uint32_t kImageSide = 1672;

proto::Progress progressMessage(int i)
{
    // What the worker sends: a fraction and a short text.
    return proto::Progress{static_cast<double>(i % 1000) / 1000.0,
                           "segment " + std::to_string(i % 1000) + " of 1000"};
}

proto::Result imageResult()
{
    proto::Result result;
    result.summary = "1672x1672 mandelbrot, 500 iterations";
    result.values.push_back(proto::intValue("width", kImageSide));
    result.values.push_back(proto::intValue("height", kImageSide));
    result.image.width = kImageSide;
    result.image.height = kImageSide;
    result.image.rgb.resize(std::size_t{kImageSide} * kImageSide * 3);
    for (std::size_t i = 0; i < result.image.rgb.size(); ++i)
        result.image.rgb[i] = static_cast<std::uint8_t>(i * 7);
    return result;
}

const std::string &progressStream()
{
    static const std::string bytes = [] {
        std::string out;
        for (int i = 0; i < kProgressFrames; ++i)
            proto::appendFrame(out, proto::WorkerMessage{progressMessage(i)});
        return out;
    }();
    return bytes;
}

const std::string &resultStream()
{
    static const std::string bytes = proto::encodeFrame(proto::WorkerMessage{imageResult()});
    return bytes;
}

// Feeds the stream in pipe-sized chunks and takes every message out, as JobRunner does.
std::size_t decodeAll(const std::string &stream)
{
    proto::WorkerFrameDecoder decoder;
    std::size_t messages = 0;
    for (std::size_t at = 0; at < stream.size(); at += kChunk) {
        decoder.feed(std::string_view(stream).substr(at, kChunk));
        while (auto message = decoder.next()) {
            benchmark::DoNotOptimize(*message);
            ++messages;
        }
    }
    if (decoder.hasError())
        throw std::runtime_error(decoder.error());
    return messages;
}

// The baseline: the same bytes copied chunk by chunk into a buffer, nothing decoded.
void copyAll(const std::string &stream, std::string &sink)
{
    sink.clear();
    for (std::size_t at = 0; at < stream.size(); at += kChunk) {
        const std::size_t n = std::min(kChunk, stream.size() - at);
        sink.append(stream.data() + at, n);
    }
    benchmark::DoNotOptimize(sink.data());
    benchmark::ClobberMemory();
}

void BM_DecodeProgress(benchmark::State &state)
{
    const std::string &stream = progressStream();
    for (auto _ : state) {
        if (decodeAll(stream) != kProgressFrames)
            state.SkipWithError("lost frames");
    }
    state.SetItemsProcessed(state.iterations() * kProgressFrames);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
}
BENCHMARK(BM_DecodeProgress)->Unit(benchmark::kMicrosecond);

void BM_CopyProgressBytes(benchmark::State &state)
{
    const std::string &stream = progressStream();
    std::string sink;
    sink.reserve(stream.size());
    for (auto _ : state)
        copyAll(stream, sink);
    state.SetItemsProcessed(state.iterations() * kProgressFrames);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
}
BENCHMARK(BM_CopyProgressBytes)->Unit(benchmark::kMicrosecond);

void BM_DecodeImageResult(benchmark::State &state)
{
    const std::string &stream = resultStream();
    for (auto _ : state) {
        if (decodeAll(stream) != 1)
            state.SkipWithError("lost the frame");
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
}
BENCHMARK(BM_DecodeImageResult)->Unit(benchmark::kMillisecond);

void BM_CopyImageBytes(benchmark::State &state)
{
    const std::string &stream = resultStream();
    std::string sink;
    sink.reserve(stream.size());
    for (auto _ : state)
        copyAll(stream, sink);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
}
BENCHMARK(BM_CopyImageBytes)->Unit(benchmark::kMillisecond);

void BM_EncodeProgress(benchmark::State &state)
{
    const proto::WorkerMessage message{progressMessage(421)};
    for (auto _ : state) {
        std::string frame = proto::encodeFrame(message);
        benchmark::DoNotOptimize(frame.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeProgress);

// What the worker's Output does: many frames appended to one buffer, written at once.
void BM_AppendProgress(benchmark::State &state)
{
    const proto::WorkerMessage message{progressMessage(421)};
    std::string out;
    for (auto _ : state) {
        out.clear();
        proto::appendFrame(out, message);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AppendProgress);

void BM_EncodeImageResult(benchmark::State &state)
{
    const proto::WorkerMessage message{imageResult()};
    std::size_t size = 0;
    for (auto _ : state) {
        std::string frame = proto::encodeFrame(message);
        size = frame.size();
        benchmark::DoNotOptimize(frame.data());
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}
BENCHMARK(BM_EncodeImageResult)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
