#include "output/progressscan.h"

#include <charconv>
#include <cstdint>
#include <string>

namespace longrun::worker {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isAlnum(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isAlpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string_view trimmedRight(std::string_view s)
{
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

// A size unit as programs print it: B, kB, KB, K, KiB, MB, M, MiB, ... (any case), "bytes".
// Returns the factor in bytes, or 0 for a word that is not a size unit.
double sizeUnitFactor(std::string_view unit)
{
    if (unit.empty() || unit.size() > 5)
        return 0.0;
    std::string lower(unit);
    for (char &c : lower)
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (lower == "b" || lower == "bytes")
        return 1.0;
    constexpr std::string_view prefixes = "kmgtp";
    const std::size_t power = prefixes.find(lower[0]);
    if (power == std::string_view::npos)
        return 0.0;
    const std::string_view rest = std::string_view(lower).substr(1);
    const bool binary = rest == "ib";
    if (!binary && rest != "b" && !rest.empty())
        return 0.0;
    double factor = 1.0;
    for (std::size_t i = 0; i <= power; ++i)
        factor *= binary ? 1024.0 : 1000.0;
    return factor;
}

// Where the digits (with at most one '.') that end at `end` (exclusive) begin; `end` if none.
std::size_t decimalStart(std::string_view line, std::size_t end)
{
    std::size_t begin = end;
    bool dot = false;
    while (begin > 0) {
        const char c = line[begin - 1];
        if (isDigit(c)) {
            --begin;
        } else if (c == '.' && !dot && begin < end) {
            dot = true;
            --begin;
        } else {
            break;
        }
    }
    return begin;
}

// A decimal number ending at `end` (exclusive) that starts a word: "12", "12.5". Returns its
// start, or npos.
std::size_t numberBefore(std::string_view line, std::size_t end)
{
    const std::size_t begin = decimalStart(line, end);
    if (begin == end || line[begin] == '.' || end - begin > 20)
        return std::string_view::npos;
    if (begin > 0 && (isAlnum(line[begin - 1]) || line[begin - 1] == '.' || line[begin - 1] == '/'))
        return std::string_view::npos;
    return begin;
}

// A decimal number starting at `begin`: returns its end, or npos.
std::size_t numberAfter(std::string_view line, std::size_t begin)
{
    std::size_t end = begin;
    bool dot = false;
    while (end < line.size()) {
        const char c = line[end];
        if (isDigit(c)) {
            ++end;
        } else if (c == '.' && !dot && end > begin && end + 1 < line.size()
                   && isDigit(line[end + 1])) {
            dot = true;
            ++end;
        } else {
            break;
        }
    }
    return end == begin || end - begin > 20 ? std::string_view::npos : end;
}

// The whole numbers right around a separator ("3" and "10" around "/" or " of "), 1 to 15
// digits each: N is [nBegin, sepBegin) and M is [sepEnd, mEnd) of the line.
struct CountDigits
{
    std::size_t nBegin = 0;
    std::size_t mEnd = 0;
};

std::optional<CountDigits> digitsAround(std::string_view line, std::size_t sepBegin,
                                        std::size_t sepEnd)
{
    std::size_t nBegin = sepBegin;
    while (nBegin > 0 && isDigit(line[nBegin - 1]))
        --nBegin;
    std::size_t mEnd = sepEnd;
    while (mEnd < line.size() && isDigit(line[mEnd]))
        ++mEnd;
    if (nBegin == sepBegin || mEnd == sepEnd || sepBegin - nBegin > 15 || mEnd - sepEnd > 15)
        return std::nullopt;
    return CountDigits{nBegin, mEnd};
}

// N/M from the whole numbers at [nBegin, nEnd) and [mBegin, mEnd) of `line`, if N <= M > 0.
std::optional<double> countFraction(std::string_view line, std::size_t nBegin, std::size_t nEnd,
                                    std::size_t mBegin, std::size_t mEnd)
{
    std::uint64_t n = 0;
    std::uint64_t m = 0;
    std::from_chars(line.data() + nBegin, line.data() + nEnd, n);
    std::from_chars(line.data() + mBegin, line.data() + mEnd, m);
    if (m == 0 || n > m)
        return std::nullopt;
    return static_cast<double>(n) / static_cast<double>(m);
}

double toDouble(std::string_view text)
{
    double value = 0.0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

} // namespace

std::optional<double> ProgressScan::lastPercentage(std::string_view line)
{
    std::optional<double> found;
    for (std::size_t percent = line.find('%'); percent != std::string_view::npos;
         percent = line.find('%', percent + 1)) {
        std::size_t end = percent;
        while (end > 0 && line[end - 1] == ' ')
            --end;
        const std::size_t begin = decimalStart(line, end);
        // "1.2.3%" is a version, not progress.
        if (begin == end || line[begin] == '.' || (begin > 0 && (line[begin - 1] == '.')))
            continue;
        // "286 MiB ==> 45%" or "-> 45%": the result of a conversion (zstd's compression
        // ratio), not how far the work is.
        if (const std::string_view before = trimmedRight(line.substr(0, begin));
            before.ends_with("=>") || before.ends_with("->"))
            continue;
        double value = 0.0;
        const auto [ptr, ec] = std::from_chars(line.data() + begin, line.data() + end, value);
        if (ec == std::errc{} && ptr == line.data() + end && value >= 0.0 && value <= 100.0)
            found = value;
    }
    return found;
}

std::optional<double> ProgressScan::lastRatio(std::string_view line, bool needTerminator)
{
    std::optional<double> found;
    for (std::size_t slash = line.find('/'); slash != std::string_view::npos;
         slash = line.find('/', slash + 1)) {
        const auto digits = digitsAround(line, slash, slash + 1);
        if (!digits)
            continue;
        const std::size_t begin = digits->nBegin;
        const std::size_t end = digits->mEnd;
        // N must start a word: not "lib64/", "1.5/", "a/3/4" or "00:12/".
        if (begin > 0) {
            const char before = line[begin - 1];
            if (isAlnum(before) || before == '/' || before == '.' || before == ':' || before == ',')
                continue;
        }
        if (end == line.size()) {
            // A stream's tail "1/1" may be the first half of "1/10".
            if (needTerminator)
                continue;
        } else {
            // "45/100: crate" (cargo) is a count; "12/05:30" is not.
            const char after = line[end];
            const bool digitFollows = end + 1 < line.size() && isDigit(line[end + 1]);
            if (isAlnum(after) || after == '/' || (after == ':' && digitFollows)
                || ((after == '.' || after == ',') && (end + 1 == line.size() || digitFollows)))
                continue;
        }
        if (const auto fraction = countFraction(line, begin, slash, slash + 1, end))
            found = fraction;
    }
    return found;
}

std::optional<double> ProgressScan::lastCountOf(std::string_view line)
{
    std::optional<double> found;
    for (std::size_t of = line.find(" of "); of != std::string_view::npos;
         of = line.find(" of ", of + 1)) {
        const std::size_t nEnd = of;
        const std::size_t mBegin = of + 4;
        const auto digits = digitsAround(line, nEnd, mBegin);
        if (!digits)
            continue;
        const std::size_t nBegin = digits->nBegin;
        const std::size_t mEnd = digits->mEnd;
        // Whole numbers as words: "step 3 of 10", "(3 of 10)", "file 3 of 10:".
        if (nBegin > 0
            && (isAlnum(line[nBegin - 1]) || line[nBegin - 1] == '.' || line[nBegin - 1] == '/'
                || line[nBegin - 1] == ':'))
            continue;
        if (mEnd < line.size()) {
            const char after = line[mEnd];
            const bool digitFollows = mEnd + 1 < line.size() && isDigit(line[mEnd + 1]);
            if (isAlnum(after) || after == '/' || after == '%'
                || ((after == '.' || after == ',' || after == ':') && digitFollows))
                continue;
        }
        if (const auto fraction = countFraction(line, nBegin, nEnd, mBegin, mEnd))
            found = fraction;
    }
    return found;
}

std::optional<double> ProgressScan::lastSizeRatio(std::string_view line)
{
    std::optional<double> found;
    for (std::size_t slash = line.find('/'); slash != std::string_view::npos;
         slash = line.find('/', slash + 1)) {
        // Left: "112 MiB ", "12.5MB" or "45.0" (the unit then comes after M only).
        std::size_t pos = slash;
        while (pos > 0 && line[pos - 1] == ' ')
            --pos;
        std::size_t unitBegin = pos;
        while (unitBegin > 0 && isAlpha(line[unitBegin - 1]))
            --unitBegin;
        const std::string_view leftUnit = line.substr(unitBegin, pos - unitBegin);
        pos = unitBegin;
        while (!leftUnit.empty() && pos > 0 && line[pos - 1] == ' ')
            --pos;
        const std::size_t nEnd = pos;
        const std::size_t nBegin = numberBefore(line, nEnd);
        if (nBegin == std::string_view::npos)
            continue;
        // Right: " 286 MiB", "50MB", "100.0 MB".
        pos = slash + 1;
        while (pos < line.size() && line[pos] == ' ')
            ++pos;
        const std::size_t mBegin = pos;
        const std::size_t mEnd = numberAfter(line, mBegin);
        if (mEnd == std::string_view::npos)
            continue;
        pos = mEnd;
        while (pos < line.size() && line[pos] == ' ')
            ++pos;
        std::size_t unitEnd = pos;
        while (unitEnd < line.size() && isAlpha(line[unitEnd]))
            ++unitEnd;
        const std::string_view rightUnit = line.substr(pos, unitEnd - pos);
        // "12.3 MB/s": a rate, not an amount of a total.
        if (unitEnd < line.size() && (line[unitEnd] == '/' || isDigit(line[unitEnd])))
            continue;
        const double rightFactor = sizeUnitFactor(rightUnit);
        const double leftFactor = leftUnit.empty() ? rightFactor : sizeUnitFactor(leftUnit);
        if (rightFactor <= 0.0 || leftFactor <= 0.0)
            continue;
        const double n = toDouble(line.substr(nBegin, nEnd - nBegin)) * leftFactor;
        const double m = toDouble(line.substr(mBegin, mEnd - mBegin)) * rightFactor;
        if (m > 0.0 && n <= m)
            found = n / m;
    }
    return found;
}

std::optional<double> ProgressScan::ofUpdate(std::string_view update)
{
    if (const auto percent = lastPercentage(update))
        return *percent / 100.0;
    // Counts first ("[3/10]", "3 of 10": where in the whole job), then amounts
    // ("12 MiB / 50 MiB"). A count with N == M names the item being worked on.
    std::optional<double> count = lastRatio(update, false);
    if (!count || *count >= 1.0)
        count = lastCountOf(update);
    if (count && *count < 1.0)
        return count;
    return lastSizeRatio(update);
}

std::optional<double> ProgressScan::ofPartial(std::string_view partial)
{
    if (const auto percent = lastPercentage(partial))
        return *percent / 100.0;
    const auto count = lastRatio(partial, true);
    if (count && *count >= 1.0)
        return std::nullopt;
    return count;
}

} // namespace longrun::worker
