// Linked into every executable of a TSan build (see Sanitizers.cmake), compiled without TSan.
//
// Drops one kind of ThreadSanitizer report, and only that kind: a data race in which each of
// the two racing accesses was made by code in a system library (Qt, libc, libstdc++) - the
// innermost frame below the TSan runtime's own (an interceptor such as malloc, free or memmove)
// is not ours. Frames of ours further down the stack do not matter: they only say who called Qt.
//
// Why such a report is always a false positive here: Debian's Qt is not built with TSan. Code
// inside libQt6Core is invisible to TSan except where it calls an intercepted libc function
// (malloc, free, memmove, memcpy), and its locks (QMutex is futex-based) are invisible too. So
// when Qt hands its own memory from one thread to another under its own lock, TSan sees one
// thread write it and the other touch it with nothing in between. Seen in CI:
//   - two QThreadPool threads put themselves on the pool's list of waiting threads: one mallocs
//     the list, the other memmoves it, both purely inside Qt (the loop is unexported and prints
//     as "<null>", so no suppression can name it);
//   - a queued call: QMetaMethod::invoke allocates the call event in the posting thread (our
//     frames below it), the receiving thread's event loop deletes it.
// tests/tsan.supp, top, tells the same story for the suppressions.
//
// Every report in which at least one racing access was made by our own (instrumented) code is
// still printed and still fails the run; so is one whose stack TSan could not restore. The cost:
// a race of ours that shows only through accesses Qt makes for us (two threads appending to one
// shared QString, seen only in Qt's realloc) is dropped too; our inline accesses to the same
// object (its size, its data pointer) are still checked and usually report it.
//
// How: libtsan calls the weak hook __tsan::OnReport(report, suppressed) before printing a report;
// returning true drops it. The report is read with TSan's public debugging API
// (__tsan_get_report_data / __tsan_get_report_mop, see sanitizer/tsan_interface.h).

#include <cstdlib>
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

enum class Origin { Ours, System, Runtime, Unknown };

// Whose code a frame is: ours (a module outside the system library directories: the test
// executables, longrun, longrun-worker), the TSan runtime's (its interceptors), or a system
// library's.
Origin originOf(void *pc)
{
    Dl_info info{};
    if (pc == nullptr || dladdr(pc, &info) == 0 || info.dli_fname == nullptr)
        return Origin::Unknown;
    const char *path = info.dli_fname;
    if (std::strstr(path, "libtsan") != nullptr)
        return Origin::Runtime;
    const bool system = std::strncmp(path, "/lib/", 5) == 0
                        || std::strncmp(path, "/usr/lib/", 9) == 0
                        || std::strncmp(path, "/lib64/", 7) == 0;
    return system ? Origin::System : Origin::Ours;
}

// Whether the access whose stack this is (innermost frame first) was made by a system library:
// the first frame that is not the TSan runtime's is a system library's.
bool madeBySystemLibrary(void *const *trace, std::size_t size)
{
    std::size_t i = 0;
    for (; i < size && trace[i] != nullptr; ++i) {
        switch (originOf(trace[i])) {
        case Origin::Runtime:
            continue;
        case Origin::System:
            return true;
        case Origin::Ours:
        case Origin::Unknown:
            return false;
        }
    }
    // Only interceptor frames: called from uninstrumented code (TSan records no frame for it),
    // e.g. a thread that runs only library code. No stack at all (TSan could not restore it):
    // cannot tell, keep the report.
    return i > 0;
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
                                   &atomic, trace, 64)
            || !madeBySystemLibrary(trace, 64))
            return false;
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
    // Said only when asked (tests/sanitizers checks the filter so): the engine tests compare
    // longrun's stderr line by line, and a note there would fail them for nothing.
    if (::getenv("LONGRUN_TSAN_SAY_DROPS") != nullptr) {
        static const char note[] =
            "longrun TSan: dropped a race report whose accesses were both made inside Qt or libc\n";
        [[maybe_unused]] const auto written = ::write(STDERR_FILENO, note, sizeof note - 1);
    }
    return true;
}
} // namespace __tsan
