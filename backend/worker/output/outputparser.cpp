#include "output/outputparser.h"

#include "output/progressscan.h"
#include "text.h"

namespace longrun::worker {

namespace {

constexpr std::size_t kMaxLine = 4096;
constexpr std::size_t kMaxText = 200;

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
        if (const auto fraction = ProgressScan::ofUpdate(update))
            setFraction(*fraction);
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
    const auto value = ProgressScan::ofPartial(partial);
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
