// primes: counts primes <= limit with a segmented, odd-only sieve of Eratosthenes.

#include "job.h"
#include "text.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace longrun::worker {

namespace {

// Odd numbers per segment, one byte each: 256 KiB stays in L2 cache while it is crossed off.
constexpr std::uint64_t kSegment = 256 * 1024;

std::uint64_t isqrt(std::uint64_t n)
{
    auto r = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(n)));
    while (r * r > n)
        --r;
    while ((r + 1) * (r + 1) <= n)
        ++r;
    return r;
}

// Odd primes up to n (n <= 10^6 here), by a plain sieve.
std::vector<std::uint64_t> oddPrimesUpTo(std::uint64_t n)
{
    std::vector<std::uint64_t> primes;
    if (n < 3)
        return primes;
    std::vector<bool> composite(n + 1, false);
    for (std::uint64_t i = 3; i <= n; i += 2) {
        if (composite[i])
            continue;
        primes.push_back(i);
        for (std::uint64_t j = i * i; j <= n; j += 2 * i)
            composite[j] = true;
    }
    return primes;
}

} // namespace

Outcome runPrimes(const Args &args, Job &job)
{
    const auto limit = static_cast<std::uint64_t>(args.integer("limit"));
    const std::vector<std::uint64_t> base = oddPrimesUpTo(isqrt(limit));

    // Index i stands for the odd number 2i + 1; index 0 (the number 1) is not prime.
    const std::uint64_t odds = (limit + 1) / 2;
    const std::uint64_t segments = (odds + kSegment - 1) / kSegment;
    // Next index to cross off per base prime, carried from segment to segment (no divisions).
    std::vector<std::uint64_t> next(base.size());
    for (std::size_t k = 0; k < base.size(); ++k)
        next[k] = (base[k] * base[k] - 1) / 2;

    std::vector<std::uint8_t> sieve(kSegment);
    std::uint64_t count = limit >= 2 ? 1 : 0; // the number 2
    for (std::uint64_t s = 0; s < segments; ++s) {
        job.checkCanceled();
        const std::uint64_t low = s * kSegment;
        const std::uint64_t high = std::min(low + kSegment, odds);
        const auto length = static_cast<std::size_t>(high - low);
        std::fill_n(sieve.begin(), length, std::uint8_t{1});
        if (low == 0)
            sieve[0] = 0;
        for (std::size_t k = 0; k < base.size(); ++k) {
            const std::uint64_t p = base[k];
            // Base primes are sorted, so once p*p is past this segment all later ones are too.
            if (p * p / 2 >= high)
                break;
            std::uint64_t j = next[k];
            for (; j < high; j += p)
                sieve[static_cast<std::size_t>(j - low)] = 0;
            next[k] = j;
        }
        count += static_cast<std::uint64_t>(
            std::count(sieve.begin(), sieve.begin() + static_cast<std::ptrdiff_t>(length), 1));
        if (s + 1 == segments || job.progressDue())
            job.progress(static_cast<double>(s + 1) / static_cast<double>(segments),
                         format("segment %llu of %llu", static_cast<unsigned long long>(s + 1),
                                static_cast<unsigned long long>(segments)));
    }

    protocol::Result result;
    result.summary = std::to_string(count) + " primes up to " + groupThousands(limit);
    result.values.push_back(protocol::intValue("count", static_cast<std::int64_t>(count)));
    result.values.push_back(protocol::intValue("limit", static_cast<std::int64_t>(limit)));
    return result;
}

} // namespace longrun::worker
