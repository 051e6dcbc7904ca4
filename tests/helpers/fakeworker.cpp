// A worker that speaks the frame protocol but lies in ways longrun-worker never does, to test
// the engine against peers it did not write. No Qt, like a real worker.
//
//   fakeworker wrong-version   says hello with protocol 99
//   fakeworker no-hello        says nothing and waits (a stuck start)
//   fakeworker progress-first  sends progress before hello
//   fakeworker flood           floods valid progress frames, then a result
//   fakeworker two-hellos      says hello twice
//   fakeworker huge-texts      megabyte texts and 10,000 result values, all valid frames
//   fakeworker late-exit S     says hello and a result at once, exits S seconds later

#include "framing.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <unistd.h>

namespace proto = longrun::protocol;

namespace {
void writeAll(const std::string &bytes)
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(STDOUT_FILENO, bytes.data() + done, bytes.size() - done);
        if (n <= 0)
            return;
        done += static_cast<std::size_t>(n);
    }
}

proto::Hello hello(std::uint32_t version)
{
    proto::Hello h;
    h.protocolVersion = version;
    h.pid = static_cast<std::uint32_t>(::getpid());
    h.worker = "fakeworker";
    return h;
}
} // namespace

int main(int argc, char **argv)
{
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "wrong-version") {
        writeAll(proto::encodeFrame(proto::WorkerMessage{hello(99)}));
    } else if (mode == "no-hello") {
        std::this_thread::sleep_for(std::chrono::seconds(300));
    } else if (mode == "progress-first") {
        writeAll(proto::encodeFrame(proto::WorkerMessage{proto::Progress{0.5, "early"}}));
    } else if (mode == "two-hellos") {
        writeAll(proto::encodeFrame(proto::WorkerMessage{hello(proto::kProtocolVersion)})
                 + proto::encodeFrame(proto::WorkerMessage{hello(proto::kProtocolVersion)}));
    } else if (mode == "huge-texts") {
        writeAll(proto::encodeFrame(proto::WorkerMessage{hello(proto::kProtocolVersion)}));
        const std::string mega(1 << 20, 'x');
        writeAll(proto::encodeFrame(proto::WorkerMessage{proto::Progress{0.5, mega}}));
        proto::Result result;
        result.summary = std::string(1 << 20, 's');
        // A text value cut in the middle of a character must still come out as valid text.
        result.values.push_back(proto::textValue("big", "\xc3\xa9" + std::string(1 << 20, 'v')));
        for (int i = 0; i < 10000; ++i)
            result.values.push_back(proto::intValue("value" + std::to_string(i), i));
        writeAll(proto::encodeFrame(proto::WorkerMessage{result}));
        return 0;
    } else if (mode == "late-exit") {
        writeAll(proto::encodeFrame(proto::WorkerMessage{hello(proto::kProtocolVersion)}));
        proto::Result result;
        result.summary = "said early, exited late";
        writeAll(proto::encodeFrame(proto::WorkerMessage{result}));
        const double seconds = argc > 2 ? std::stod(argv[2]) : 1.0;
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
        return 0;
    } else if (mode == "flood") {
        // 200,000 progress frames in big writes: the engine must coalesce them.
        writeAll(proto::encodeFrame(proto::WorkerMessage{hello(proto::kProtocolVersion)}));
        std::string batch;
        for (int i = 1; i <= 200000; ++i) {
            proto::appendFrame(batch, proto::WorkerMessage{proto::Progress{i / 200000.0, "flood"}});
            if (batch.size() > (1 << 16)) {
                writeAll(batch);
                batch.clear();
            }
        }
        proto::Result result;
        result.summary = "flooded";
        proto::appendFrame(batch, proto::WorkerMessage{result});
        writeAll(batch);
        return 0;
    } else {
        std::fprintf(stderr, "fakeworker: unknown mode '%s'\n", mode.c_str());
        return 2;
    }
    // Wait to be killed or for stdin to close, like a worker that has nothing more to say.
    char buffer[256];
    while (::read(STDIN_FILENO, buffer, sizeof buffer) > 0) {
    }
    return 1;
}
