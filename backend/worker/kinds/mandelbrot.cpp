// mandelbrot: renders a region of the Mandelbrot set as an RGB888 image with smooth
// (continuous escape time) colouring; points in the set are black.

#include "job.h"
#include "text.h"

#include <cmath>
#include <cstdint>

namespace longrun::worker {

namespace {

struct Rgb
{
    double r, g, b;
};

// A gradient in the manner of Ultra Fractal's default: deep blue, white, orange, black.
constexpr struct
{
    double at;
    Rgb colour;
} kGradient[] = {
    {0.0, {0, 7, 100}},      {0.16, {32, 107, 203}}, {0.42, {237, 255, 255}},
    {0.6425, {255, 170, 0}}, {0.8575, {0, 2, 0}},    {1.0, {0, 7, 100}},
};

Rgb gradient(double t)
{
    for (std::size_t i = 1; i < std::size(kGradient); ++i) {
        if (t <= kGradient[i].at) {
            const auto &a = kGradient[i - 1];
            const auto &b = kGradient[i];
            const double f = (t - a.at) / (b.at - a.at);
            return {a.colour.r + (b.colour.r - a.colour.r) * f,
                    a.colour.g + (b.colour.g - a.colour.g) * f,
                    a.colour.b + (b.colour.b - a.colour.b) * f};
        }
    }
    return kGradient[0].colour;
}

std::uint8_t channel(double v)
{
    return static_cast<std::uint8_t>(std::lround(std::fmin(255.0, std::fmax(0.0, v))));
}

// The main cardioid and the period-2 bulb hold most of the set's area; they never escape.
bool inKnownInterior(double x, double y)
{
    const double xq = x - 0.25;
    const double q = xq * xq + y * y;
    if (q * (q + xq) <= 0.25 * y * y)
        return true;
    return (x + 1.0) * (x + 1.0) + y * y <= 0.0625;
}

// Iterations before z escapes (`iterations` when it never does), and |z|^2 then.
std::int64_t escapeCount(double cx, double cy, std::int64_t iterations, double *r2)
{
    // Escape radius 16 instead of 2: the smooth count is then accurate enough to show no bands.
    constexpr double kBailout = 256.0;
    double zx = 0.0;
    double zy = 0.0;
    std::int64_t n = 0;
    for (; n < iterations; ++n) {
        const double x2 = zx * zx;
        const double y2 = zy * zy;
        *r2 = x2 + y2;
        if (*r2 > kBailout)
            break;
        zy = 2.0 * zx * zy + cy;
        zx = x2 - y2 + cx;
    }
    return n;
}

} // namespace

Outcome runMandelbrot(const Args &args, Job &job)
{
    const auto width = static_cast<std::uint32_t>(args.integer("width"));
    const auto height = static_cast<std::uint32_t>(args.integer("height"));
    const auto iterations = args.integer("iterations");
    // The rule's format (TextFormat::Region) has refused a bad region before the run.
    const protocol::Region region = protocol::parseRegion(args.text("region")).value();
    if (std::uint64_t{width} * height > protocol::kMaxImagePixels)
        return protocol::Error{"mandelbrot: image too large"};

    protocol::Result result;
    result.image.width = width;
    result.image.height = height;
    result.image.rgb.assign(std::size_t{width} * height * 3, 0);
    const double dx = (region.xmax - region.xmin) / width;
    const double dy = (region.ymax - region.ymin) / height;
    std::int64_t inside = 0;

    for (std::uint32_t py = 0; py < height; ++py) {
        const double cy = region.ymax - (py + 0.5) * dy; // row 0 is the top of the picture
        for (std::uint32_t px = 0; px < width; ++px) {
            // One pixel may take up to 10^5 iterations: look at the flag for every pixel.
            job.checkCanceled();
            const double cx = region.xmin + (px + 0.5) * dx;
            std::uint8_t *pixel = &result.image.rgb[(std::size_t{py} * width + px) * 3];
            if (inKnownInterior(cx, cy)) {
                ++inside;
                continue;
            }
            double r2 = 0.0;
            const std::int64_t n = escapeCount(cx, cy, iterations, &r2);
            if (n >= iterations) {
                ++inside;
                continue;
            }
            const double mu = static_cast<double>(n) + 1.0 - std::log2(0.5 * std::log(r2));
            const double t = std::fmod(std::sqrt(std::fmax(mu, 0.0)) * 0.12, 1.0);
            const Rgb colour = gradient(t);
            pixel[0] = channel(colour.r);
            pixel[1] = channel(colour.g);
            pixel[2] = channel(colour.b);
        }
        if (py + 1 == height || job.progressDue())
            job.progress(static_cast<double>(py + 1) / height,
                         format("row %u of %u", py + 1, height));
    }

    result.summary = format("%ux%u, %lld iterations, %lld pixels inside", width, height,
                            static_cast<long long>(iterations), static_cast<long long>(inside));
    result.values.push_back(protocol::intValue("width", width));
    result.values.push_back(protocol::intValue("height", height));
    result.values.push_back(protocol::intValue("iterations", iterations));
    result.values.push_back(protocol::intValue("inside", inside));
    return result;
}

} // namespace longrun::worker
