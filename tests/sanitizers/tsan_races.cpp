// Checks cmake/tsan_qt_races.cpp in a TSan build (tests/sanitizers/CMakeLists.txt).
//
//   tsan_races system   two threads that run only libc code (their start routines are strlen
//                       and free) race on a heap block: no frame of ours on either stack, so the
//                       report must be dropped and the program must exit 0.
//   tsan_races ours     two threads of ours race on a counter: the report must still be printed
//                       and fail the program.

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>

namespace {
int g_counter = 0;
}

int main(int argc, char **argv)
{
    const std::string_view mode = argc > 1 ? argv[1] : "";
    if (mode == "system") {
        auto *block = static_cast<char *>(std::malloc(64));
        std::strcpy(block, "read by one thread, freed by another");
        pthread_t reader{};
        pthread_t freer{};
        pthread_create(&reader, nullptr, reinterpret_cast<void *(*)(void *)>(&strlen), block);
        usleep(100000); // the read comes first, with nothing ordering it before the free
        pthread_create(&freer, nullptr, reinterpret_cast<void *(*)(void *)>(&free), block);
        pthread_join(reader, nullptr);
        pthread_join(freer, nullptr);
        std::puts("system race ran");
        return 0;
    }
    if (mode == "ours") {
        // Both threads alive and their writes apart in time, ordered only by relaxed atomics
        // (which TSan rightly does not count as synchronisation): the report cannot be missed.
        std::atomic<int> step{0};
        std::thread other([&step] {
            ++g_counter;
            step.store(1, std::memory_order_relaxed);
            while (step.load(std::memory_order_relaxed) != 2) {
            }
        });
        while (step.load(std::memory_order_relaxed) != 1) {
        }
        ++g_counter;
        step.store(2, std::memory_order_relaxed);
        other.join();
        std::printf("counter %d\n", g_counter);
        return 0;
    }
    std::fputs("usage: tsan_races system|ours\n", stderr);
    return 2;
}
