#include "output/outputparser.h"

#include "text.h"

#include <charconv>
#include <cstdint>

namespace longrun::worker {

namespace {

constexpr std::size_t kMaxLine = 4096;
constexpr std::size_t kMaxText = 200;

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

// Cuts at most `max` bytes without splitting a UTF-8 sequence.
std::string_view utf8Prefix(std::string_view s, std::size_t max)
{
    if (s.size() <= max)
        return s;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80)
        --n;
    return s.substr(0, n);
}

} // namespace

OutputParser::OutputParser(std::size_t streams)
    : m_streams(streams)
{}

std::optional<double> OutputParser::lastPercentage(std::string_view line)
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

std::optional<double> OutputParser::lastRatio(std::string_view line, bool needTerminator)
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

std::optional<double> OutputParser::lastCountOf(std::string_view line)
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

std::optional<double> OutputParser::lastSizeRatio(std::string_view line)
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

void OutputParser::feed(std::size_t index, std::string_view bytes)
{
    Stream &stream = m_streams.at(index);
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        switch (stream.escape) {
        case Escape::Esc:
            if (c == '[')
                stream.escape = Escape::Csi;
            else if (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X')
                stream.escape = Escape::Osc; // string sequences, all ended by BEL or ESC '\'
            else
                stream.escape = Escape::None;
            continue;
        case Escape::Csi:
            if (u >= 0x40 && u <= 0x7e)
                stream.escape = Escape::None;
            // A line end inside a sequence means it was malformed: do not swallow the line.
            if (c != '\n' && c != '\r')
                continue;
            stream.escape = Escape::None;
            break;
        case Escape::Osc:
            if (c == '\a')
                stream.escape = Escape::None;
            else if (c == '\x1b')
                stream.escape = Escape::OscEsc;
            if (c != '\n')
                continue;
            stream.escape = Escape::None;
            break;
        case Escape::OscEsc:
            stream.escape = c == '\\' ? Escape::None : Escape::Osc;
            continue;
        case Escape::None:
            break;
        }
        if (c == '\n' || c == '\r') {
            endUpdate(stream, c == '\n');
        } else if (c == '\x1b') {
            stream.escape = Escape::Esc;
        } else if (c == '\t') {
            stream.line.push_back(' ');
        } else if (u >= 0x20 && u != 0x7f) {
            stream.line.push_back(c);
        }
        // Progress is at the end of a long line, if anywhere: keep the end.
        if (stream.line.size() > kMaxLine)
            stream.line.erase(0, stream.line.size() - kMaxLine / 2);
    }
    scanPartial(stream);
}

void OutputParser::finish()
{
    for (auto &stream : m_streams) {
        if (!stream.line.empty() || !stream.lastSegment.empty())
            endUpdate(stream, true);
    }
}

bool OutputParser::takeChanged()
{
    const bool changed = m_changed;
    m_changed = false;
    return changed;
}

std::string OutputParser::tail(std::size_t maxLines) const
{
    std::string out;
    const std::size_t skip = m_tail.size() > maxLines ? m_tail.size() - maxLines : 0;
    for (std::size_t i = skip; i < m_tail.size(); ++i) {
        if (!out.empty())
            out.push_back('\n');
        out += m_tail[i];
    }
    return out;
}

void OutputParser::endUpdate(Stream &stream, bool newline)
{
    const std::string_view update = trimmed(stream.line);
    if (!update.empty()) {
        if (auto percent = lastPercentage(update)) {
            setFraction(*percent / 100.0);
        } else {
            // Counts first ("[3/10]", "3 of 10": where in the whole job), then amounts
            // ("12 MiB / 50 MiB"). A count with N == M names the item being worked on.
            std::optional<double> count = lastRatio(update, false);
            if (!count || *count >= 1.0)
                count = lastCountOf(update);
            if (count && *count < 1.0)
                setFraction(*count);
            else if (auto amount = lastSizeRatio(update))
                setFraction(*amount);
        }
        setText(update);
    }
    if (newline) {
        // "10%\r20%\r30%\n" shows as "30%"; so does "30%\r\n".
        addTailLine(stream.line.empty() ? std::move(stream.lastSegment) : std::move(stream.line));
        stream.lastSegment.clear();
    } else if (!stream.line.empty()) {
        stream.lastSegment = std::move(stream.line);
    }
    stream.line.clear();
}

void OutputParser::scanPartial(const Stream &stream)
{
    const std::string_view partial = trimmed(stream.line);
    if (partial.empty())
        return;
    auto value = lastPercentage(partial);
    if (value)
        *value /= 100.0;
    else if (value = lastRatio(partial, true); value && *value >= 1.0)
        value.reset();
    if (value && *value > m_fraction) {
        setFraction(*value);
        setText(partial);
    }
}

void OutputParser::setFraction(double fraction)
{
    if (fraction > m_fraction) {
        m_fraction = fraction;
        m_changed = true;
    }
}

void OutputParser::setText(std::string_view line)
{
    const std::string_view text = utf8Prefix(line, kMaxText);
    if (text != m_text) {
        m_text = std::string(text);
        m_changed = true;
    }
}

void OutputParser::addTailLine(std::string line)
{
    m_tailBytes += line.size() + 1;
    m_tail.push_back(std::move(line));
    while (m_tail.size() > kTailLines || (m_tailBytes > kTailBytes && m_tail.size() > 1)) {
        m_tailBytes -= m_tail.front().size() + 1;
        m_tail.pop_front();
    }
}

} // namespace longrun::worker
