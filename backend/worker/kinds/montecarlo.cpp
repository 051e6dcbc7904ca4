// montecarlo-pi: estimates pi from random points in the unit square, streaming the running
// estimate. Deterministic for a seed on every platform: the generator and the conversion to
// doubles are written out here (std:: distributions differ between standard libraries), and
// this file is built with -ffp-contract=off so that no FMA changes a comparison.

#include "job.h"
#include "text.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace longrun::worker {

namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

// splitmix64, only to spread the seed over xoshiro's state (as its authors recommend).
std::uint64_t splitmix64(std::uint64_t &state)
{
    std::uint64_t z = (state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

// xoshiro256** 1.0 (Blackman and Vigna).
class Xoshiro256
{
public:
    explicit Xoshiro256(std::uint64_t seed)
    {
        for (auto &word : m_s)
            word = splitmix64(seed);
    }

    std::uint64_t next()
    {
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    // Uniform in [0, 1) from the top 53 bits: exact, the same everywhere.
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
    std::uint64_t m_s[4] = {};
};

// Samples between two looks at the cancel flag: well under a millisecond.
constexpr std::uint64_t kBlock = 1u << 16;

} // namespace

Outcome runMonteCarloPi(const Args &args, Job &job)
{
    const auto samples = static_cast<std::uint64_t>(args.integer("samples"));
    const auto seed = static_cast<std::uint64_t>(args.integer("seed"));
    // A few thousand points per job, whatever the sample count.
    const std::uint64_t interval = std::max<std::uint64_t>(1000, samples / 4000);

    Xoshiro256 rng(seed);
    std::uint64_t done = 0;
    std::uint64_t inside = 0;
    std::uint64_t nextPoint = interval;
    while (done < samples) {
        job.checkCanceled();
        const std::uint64_t end = std::min({samples, done + kBlock, nextPoint});
        for (; done < end; ++done) {
            const double x = rng.unit();
            const double y = rng.unit();
            inside += x * x + y * y <= 1.0 ? 1 : 0;
        }
        const double estimate = 4.0 * static_cast<double>(inside) / static_cast<double>(done);
        if (done == nextPoint || done == samples) {
            job.point("estimate", static_cast<double>(done), estimate);
            nextPoint += interval;
        }
        if (done == samples || job.progressDue())
            job.progress(static_cast<double>(done) / static_cast<double>(samples),
                         groupThousands(done) + " of " + groupThousands(samples) + " samples");
    }

    const double estimate = 4.0 * static_cast<double>(inside) / static_cast<double>(samples);
    protocol::Result result;
    result.summary =
        format("pi ~ %.5f after %s samples", estimate, groupThousands(samples).c_str());
    result.values.push_back(protocol::realValue("estimate", estimate));
    result.values.push_back(protocol::intValue("samples", static_cast<std::int64_t>(samples)));
    result.values.push_back(protocol::intValue("inside", static_cast<std::int64_t>(inside)));
    result.values.push_back(protocol::realValue("error", std::abs(estimate - std::numbers::pi)));
    return result;
}

} // namespace longrun::worker
