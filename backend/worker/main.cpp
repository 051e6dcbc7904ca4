// longrun-worker: runs one job for longrun, speaking length-prefixed frames on stdin/stdout.
// See DESIGN.md ("Job life", "Wire protocol") for how the app drives it.

#include "catalog.h"
#include "io.h"

#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <unistd.h>

namespace {

using namespace longrun;
using namespace longrun::worker;

constexpr const char *kUsage =
    "Usage: longrun-worker [--list-kinds | --version | --help]\n"
    "\n"
    "Runs one longrun job. Without options it reads a Start frame on stdin and writes Hello,\n"
    "Progress, Data and then one Result or one Error frame on stdout.\n"
    "Exit status: 0 after a Result, 1 after an Error, 2 on a protocol or usage error,\n"
    "3 when stdin closes before a Start request arrives.\n"
    "\n"
    "Options:\n"
    "  --list-kinds  print the job kinds and their parameters as JSON\n"
    "  --version     print the program name and version\n"
    "  --help        print this help\n";

void print(int fd, const std::string &text)
{
    writeAll(fd, text);
}

[[noreturn]] void finishRun(Output &out, const Outcome &outcome)
{
    const bool ok = std::holds_alternative<protocol::Result>(outcome);
    if (ok)
        out.finish(std::get<protocol::Result>(outcome));
    else
        out.finish(std::get<protocol::Error>(outcome));
    // _exit: the detached stdin reader may still be blocked in read(); nothing else to flush.
    _exit(ok ? 0 : 1);
}

} // namespace

int main(int argc, char **argv)
{
    const pid_t startPpid = getppid();

    if (argc > 1) {
        const std::string_view option = argv[1];
        if (argc == 2 && option == "--list-kinds") {
            print(STDOUT_FILENO, catalogJson());
            return 0;
        }
        if (argc == 2 && option == "--version") {
            print(STDOUT_FILENO, std::string(kWorkerName) + "\n");
            return 0;
        }
        if (argc == 2 && (option == "--help" || option == "-h")) {
            print(STDOUT_FILENO, kUsage);
            return 0;
        }
        print(STDERR_FILENO,
              "longrun-worker: unknown option '" + std::string(option) + "'\n\n" + kUsage);
        return 2;
    }

    setupProcess(startPpid);
    Output out(STDOUT_FILENO);
    out.send(protocol::Hello{protocol::kProtocolVersion, static_cast<std::uint32_t>(getpid()),
                             kWorkerName});

    protocol::ParentFrameDecoder decoder;
    const protocol::Start start = readStart(out, decoder);

    const KindSpec *kind = findKind(start.kind);
    if (kind == nullptr)
        finishRun(out, protocol::Error{unknownKindMessage(start.kind)});
    Args args;
    if (auto error = parseArgs(*kind, start.params, args))
        finishRun(out, protocol::Error{*error});

    CancelFlag cancel;
    startStdinReader(std::move(decoder), cancel);
    Job job(out, cancel);
    Outcome outcome;
    try {
        outcome = kind->run(args, job);
    } catch (const Canceled &) {
        outcome = protocol::Error{"canceled"};
    } catch (const std::bad_alloc &) {
        outcome = protocol::Error{std::string(kind->name) + ": out of memory"};
    } catch (const std::exception &e) {
        outcome = protocol::Error{std::string(kind->name) + ": " + e.what()};
    }
    finishRun(out, outcome);
}
