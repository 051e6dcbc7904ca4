// Linked into every executable of a TSan build (see Sanitizers.cmake), compiled without TSan.
//
// Drops one kind of ThreadSanitizer report, and only that kind: a data race in which neither
// racing access has a single frame of our code on its stack, only frames of system libraries
// (Qt, libc, libstdc++, the TSan runtime).
//
// Why such a report is always a false positive here: Debian's Qt is not built with TSan. Code
// inside libQt6Core is invisible to TSan except where it calls an intercepted libc function
// (malloc, free, memmove, memcpy), and its locks (QMutex is futex-based) are invisible too. So
// when two threads run purely inside Qt - for example two QThreadPool threads that finished
// their runnables and both put themselves on the pool's list of waiting threads, under the
// pool's QMutex - TSan sees one thread malloc the list and the other memmove it, with no lock
// between them, and reports a race (tests/tsan.supp, top, tells the same story for suppressions).
// TSan's function-name suppressions cannot express this case: the pool thread's loop is not an
// exported symbol, so its frame prints as "<null>".
//
// Every report with at least one frame of ours on either racing stack is still printed and still
// fails the run, so races in our code - including ours against Qt's - stay visible.
//
// How: libtsan calls the weak hook __tsan::OnReport(report, suppressed) before printing a report;
// returning true drops it. The report is read with TSan's public debugging API
// (__tsan_get_report_data / __tsan_get_report_mop, see sanitizer/tsan_interface.h).

#include <dlfcn.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

extern "C" {
int __tsan_get_report_data(void *report, const char **description, int *count, int *stack_count,
                           int *mop_count, int *loc_count, int *mutex_count, int *thread_count,
                           int *unique_tid_count, void **sleep_trace, std::size_t trace_size);
int __tsan_get_report_mop(void *report, std::size_t idx, int *tid, void **addr, int *size,
                          int *write, int *atomic, void **trace, std::size_t trace_size);
}

namespace {

// A frame is "ours" when its code lies in a module outside the system library directories:
// the test executables, longrun, longrun-worker and the libraries built with them.
bool isOurFrame(void *pc)
{
    Dl_info info{};
    if (pc == nullptr || dladdr(pc, &info) == 0 || info.dli_fname == nullptr)
        return false;
    const char *path = info.dli_fname;
    return std::strncmp(path, "/lib/", 5) != 0 && std::strncmp(path, "/usr/lib/", 9) != 0
        && std::strncmp(path, "/lib64/", 7) != 0;
}

bool raceIsInsideSystemLibraries(void *report)
{
    const char *description = nullptr;
    int count = 0, stacks = 0, mops = 0, locs = 0, mutexes = 0, threads = 0, tids = 0;
    void *sleepTrace[1] = {};
    if (!__tsan_get_report_data(report, &description, &count, &stacks, &mops, &locs, &mutexes,
                                &threads, &tids, sleepTrace, 1)
        || description == nullptr || std::strcmp(description, "data-race") != 0 || mops < 2)
        return false;
    for (int m = 0; m < mops; ++m) {
        int tid = 0, size = 0, write = 0, atomic = 0;
        void *addr = nullptr;
        void *trace[64] = {};
        if (!__tsan_get_report_mop(report, static_cast<std::size_t>(m), &tid, &addr, &size, &write,
                                   &atomic, trace, 64))
            return false;
        for (void *pc : trace) {
            if (isOurFrame(pc))
                return false;
        }
    }
    return true;
}

} // namespace

namespace __tsan {
struct ReportDesc;
bool OnReport(const ReportDesc *report, bool suppressed);

bool OnReport(const ReportDesc *report, bool suppressed)
{
    if (suppressed)
        return true;
    if (!raceIsInsideSystemLibraries(const_cast<ReportDesc *>(report)))
        return false;
    static const char note[] =
        "longrun TSan: dropped a race report whose stacks hold no frame of ours (inside Qt)\n";
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, note, sizeof note - 1);
    return true;
}
} // namespace __tsan
