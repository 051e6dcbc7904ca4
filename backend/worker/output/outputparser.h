#pragma once

// Follows the output of a `command` job the way a terminal would show it: bytes arrive in
// arbitrary chunks from one stream (a pty) or two (stdout and stderr pipes); each stream is
// parsed incrementally:
// - `\n` and `\r` both end an update (progress bars redraw with `\r` and no newline), and a
//   line shows as its last update ("10%\r20%\r30%\n" is "30%");
// - ANSI escape sequences (CSI, OSC, other ESC x) and other control characters are dropped;
// - each update is scanned for progress (output/progressscan.h), and so is the unterminated
//   end of a stream, more carefully.
// Keeps the last lines (the tail), the progress so far (it only ever goes up) and the latest
// update as text. Main thread only.

#include <cstddef>
#include <deque>
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
