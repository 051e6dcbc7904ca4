#pragma once

// Follows the output of a `command` job the way a terminal would show it and pulls progress
// out of it. Bytes arrive in arbitrary chunks from one stream (a pty) or two (stdout and stderr
// pipes); each stream is parsed incrementally:
// - `\n` and `\r` both end an update (progress bars redraw with `\r` and no newline);
// - ANSI escape sequences (CSI, OSC, other ESC x) and other control characters are dropped;
// - progress is the last percentage on an update ("42%", "42.5 %"), else the last count
//   ("[3/10]", "3/10 files", "45/100: crate", "step 3 of 10"), else the last amount of a total
//   ("112 MiB / 286 MiB", "12.5MB/50MB", "45.0/100.0 MB"); rates, times, dates and a
//   percentage after an arrow ("==> 45%", a compression ratio) are not mistaken for it;
// - a count with N == M is not taken: "file.bin (1/1)" (xz) or "[2/2]" says which item is
//   being worked on, and taking it as 100% would pin the (monotone) bar there for the whole job;
// - the unterminated tail of a stream counts too, carefully: a percentage is complete once its
//   `%` arrived, an N/M only once M is followed by a non-digit.
// Progress only ever goes up. Main thread only.

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace longrun::worker {

class OutputParser final
{
public:
    explicit OutputParser(std::size_t streams);

    void feed(std::size_t stream, std::string_view bytes);
    // End of output: unterminated lines join the tail.
    void finish();

    // True once after the fraction or the text changed.
    [[nodiscard]] bool takeChanged();
    [[nodiscard]] double fraction() const { return m_fraction; }
    [[nodiscard]] const std::string &text() const { return m_text; }
    // The last lines (at most 40 and 8 KiB), joined with '\n'; fewer when maxLines says so.
    [[nodiscard]] std::string tail(std::size_t maxLines = kTailLines) const;

    static constexpr std::size_t kTailLines = 40;
    static constexpr std::size_t kTailBytes = 8 * 1024;

    // Exposed for tests and for reuse: the last percentage (0..100) on a line, and the last
    // N/M as a fraction; with `needTerminator`, an M at the very end of `line` does not count.
    [[nodiscard]] static std::optional<double> lastPercentage(std::string_view line);
    [[nodiscard]] static std::optional<double> lastRatio(std::string_view line,
                                                         bool needTerminator);
    // "3 of 10" as a fraction; "12 MiB / 50 MiB", "12.5MB/50MB", "45.0/100.0 MB" as a fraction.
    [[nodiscard]] static std::optional<double> lastCountOf(std::string_view line);
    [[nodiscard]] static std::optional<double> lastSizeRatio(std::string_view line);

private:
    enum class Escape { None, Esc, Csi, Osc, OscEsc };
    struct Stream
    {
        Escape escape = Escape::None;
        std::string line;        // the update being received
        std::string lastSegment; // last `\r`-ended update of this line, for the tail
    };

    void endUpdate(Stream &stream, bool newline);
    void scanPartial(const Stream &stream);
    void setFraction(double fraction);
    void setText(std::string_view line);
    void addTailLine(std::string line);

    std::vector<Stream> m_streams;
    std::deque<std::string> m_tail;
    std::size_t m_tailBytes = 0;
    double m_fraction = 0.0;
    std::string m_text;
    bool m_changed = false;
};

} // namespace longrun::worker
