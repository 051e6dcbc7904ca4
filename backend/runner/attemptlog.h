#pragma once

// The log file of one attempt of a command job: the OutputChunk frames of its worker written to
// <data dir>/logs/<name> as they arrive, on the runner's (pool) thread, never the GUI thread.
// The file is created with the first chunk (a job that prints nothing, or is no command, has
// none), owner-only (0600) and never through a planted symlink or over another file (a taken
// name becomes "name-2.log": system/privatefile.h). A write error (a full disk) stops the log
// with a problem() to report; it never fails the job. At most protocol::logLimit() bytes of the
// program's output are written, whatever a worker sends.
//
// Format: one record per line of output, readable with `less`:
//
//     2026-12-01T10:00:00.123Z out hello
//     2026-12-01T10:00:00.125Z err warning: x
//     2026-12-01T10:00:00.130Z out+ 45% (no newline y
//     2026-12-01T10:00:00.180Z out et)
//     2026-12-01T10:00:01.000Z note [longrun: 4000 more bytes of stdout not kept: ...]
//
// - the time the worker read the bytes, UTC with milliseconds; then the record's tag and one
//   space; then the line's bytes as the program wrote them (not necessarily UTF-8; a `\r`
//   stays), without its `\n` (nor the `\r` of a `\r\n`: a pty's line end);
// - tags: `out` (stdout, or both streams of a job run on a pty), `err` (stderr), `note`
//   (longrun's own: what the limit dropped, a write that failed);
// - `out+` / `err+`: the chunk ended before the line did; the next record of the same stream
//   continues this line (join the two texts without a newline).

#include "messages.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>

#include <cstdint>
#include <optional>

namespace longrun {

class AttemptLog final
{
public:
    // `dataDir`: the data folder ("" for no log); `name`: the file's name in its logs/.
    AttemptLog(QString dataDir, QString name);
    ~AttemptLog();
    AttemptLog(const AttemptLog &) = delete;
    AttemptLog &operator=(const AttemptLog &) = delete;

    void write(const protocol::OutputChunk &chunk);
    // Writes the notes of what the app's own cap dropped, and closes the file. Once, at the end.
    void close();

    // The file's path relative to the data folder ("logs/..."), once, just after it was made.
    [[nodiscard]] std::optional<QString> takeCreated();
    // Why the log stopped or was never made, or "".
    [[nodiscard]] const QString &problem() const { return m_problem; }

    // "16 MiB", "64 KiB", "1000 bytes".
    [[nodiscard]] static QString sizeText(std::uint64_t bytes);

private:
    bool open();
    void append(const QByteArray &prefix, const char *tag, const char *text, std::size_t size);
    void writeOut();
    void fail(const QString &why);
    [[nodiscard]] QByteArray prefixAt(std::uint64_t atMs);

    QString m_dataDir;
    QString m_name;
    int m_fd = -1;
    bool m_tried = false; // open() ran: a log that could not be made is not tried again
    bool m_closed = false;
    QString m_path; // relative to the data folder, once created
    bool m_announced = false;
    QString m_problem;
    QByteArray m_buffer; // the records of one chunk, written in one go
    const std::uint64_t m_limit = protocol::logLimit();
    std::uint64_t m_kept = 0;
    std::uint64_t m_dropped[2] = {};
    std::uint64_t m_lastAt = 0;
    QByteArray m_lastPrefix;
};

} // namespace longrun
