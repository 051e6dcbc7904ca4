#include "cli/logcommand.h"

#include "cli/outputstream.h"
#include "store/datadir.h"
#include "store/datafiles.h"
#include "store/historyreader.h"

#include <QtCore/QByteArray>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace longrun {

namespace {

constexpr qint64 kBlock = 64 * 1024;
// A record holds at most one chunk of output (64 KiB) and its 30-byte head; a longer line was
// not written by longrun and is skipped without being held.
constexpr qsizetype kMaxLine = 1024 * 1024;
constexpr auto kPollInterval = std::chrono::milliseconds(200);

void complain(const QString &message)
{
    const QByteArray text = (QStringLiteral("longrun: ") + message + u'\n').toLocal8Bit();
    std::fwrite(text.constData(), 1, static_cast<std::size_t>(text.size()), stderr);
    std::fflush(stderr);
}

// "2026-12-01T10:00:00.123Z TAG TEXT": the tag, or "" when the line is no record.
QByteArrayView tagOf(QByteArrayView line)
{
    constexpr qsizetype kTime = 24; // 2026-12-01T10:00:00.123Z
    if (line.size() < kTime + 2 || line[4] != '-' || line[10] != 'T' || line[kTime - 1] != 'Z'
        || line[kTime] != ' ')
        return {};
    const QByteArrayView rest = line.sliced(kTime + 1);
    const qsizetype space = rest.indexOf(' ');
    if (space < 0)
        return {};
    const QByteArrayView tag = rest.first(space);
    for (const char *known : {"out", "err", "out+", "err+", "note"}) {
        if (tag == QByteArrayView(known))
            return tag;
    }
    return {};
}

// Prints the records that pass the filter, line by line, as they are read.
class Printer final
{
public:
    explicit Printer(bool stderrOnly)
        : m_stderrOnly(stderrOnly)
    {}

    [[nodiscard]] bool wanted(QByteArrayView line) const
    {
        const QByteArrayView tag = tagOf(line);
        return !tag.isEmpty() && (!m_stderrOnly || tag.startsWith("err") || tag == "note");
    }

    // Bytes of the file in order; a line is printed once its '\n' is there.
    void feed(QByteArrayView bytes)
    {
        while (!bytes.isEmpty()) {
            const qsizetype newline = bytes.indexOf('\n');
            const QByteArrayView part = newline < 0 ? bytes : bytes.first(newline);
            if (!m_skipping)
                m_carry.append(part);
            if (m_carry.size() > kMaxLine) {
                m_carry.clear();
                m_skipping = true;
            }
            if (newline < 0)
                return;
            endLine();
            bytes = bytes.sliced(newline + 1);
        }
    }
    // The end of the file is the end of its last line too.
    void finish()
    {
        if (!m_carry.isEmpty() || m_skipping)
            endLine();
    }
    void reset()
    {
        m_carry.clear();
        m_skipping = false;
    }
    [[nodiscard]] int skipped() const { return m_skipped; }
    [[nodiscard]] bool failed() const { return m_failed; }

private:
    void endLine()
    {
        if (m_skipping || tagOf(m_carry).isEmpty()) {
            if (m_skipping || !m_carry.isEmpty())
                ++m_skipped;
        } else if (wanted(m_carry)) {
            m_carry += '\n';
            if (!m_failed
                && std::fwrite(m_carry.constData(), 1, static_cast<std::size_t>(m_carry.size()),
                               stdout)
                       != static_cast<std::size_t>(m_carry.size()))
                m_failed = true;
        }
        reset();
    }

    bool m_stderrOnly;
    QByteArray m_carry;
    bool m_skipping = false;
    int m_skipped = 0;
    bool m_failed = false;
};

// Reads from `*offset` to the end of `fd` into the printer; false on a read error.
bool readOn(int fd, qint64 *offset, Printer &printer)
{
    QByteArray block(kBlock, Qt::Uninitialized);
    for (;;) {
        const ssize_t n = ::pread(fd, block.data(), kBlock, *offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0)
            return true;
        *offset += n;
        printer.feed(QByteArrayView(block.constData(), n));
        if (printer.failed())
            return true;
    }
}

// Where the last `count` wanted records of the file begin, found from its end backwards.
qint64 tailStart(int fd, qint64 size, int count, const Printer &printer)
{
    QByteArray block(kBlock, Qt::Uninitialized);
    QByteArray head(40, Qt::Uninitialized);
    const auto wantedAt = [&](qint64 start, qint64 end) {
        const qint64 length = std::min<qint64>(end - start, head.size());
        const ssize_t n = ::pread(fd, head.data(), static_cast<std::size_t>(length), start);
        // Enough of the line to see its head (time and tag).
        return n > 0 && printer.wanted(QByteArrayView(head.constData(), n));
    };
    qint64 end = size; // the current line is [.., end)
    char last = 0;
    if (size > 0 && ::pread(fd, &last, 1, size - 1) == 1 && last == '\n')
        end = size - 1;
    int found = 0;
    qint64 pos = end;
    while (pos > 0) {
        const qint64 from = std::max<qint64>(0, pos - kBlock);
        const ssize_t n = ::pread(fd, block.data(), static_cast<std::size_t>(pos - from), from);
        if (n != pos - from)
            return 0;
        for (qint64 i = n - 1; i >= 0; --i) {
            if (block[i] != '\n')
                continue;
            const qint64 start = from + i + 1;
            if (start < end && wantedAt(start, end) && ++found == count)
                return start;
            end = from + i;
        }
        pos = from;
    }
    return 0;
}

struct Source
{
    int fd = -1;
    qint64 offset = 0;
};

// Opens the log `stored` names, if it is a plain file of the data folder.
bool openLog(const QString &dataDir, const QString &stored, Source *source, QString *why)
{
    const std::optional<QString> path = dataFile(dataDir, stored, why);
    if (!path)
        return false;
    source->fd = ::open(QFile::encodeName(*path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (source->fd < 0) {
        *why = QStringLiteral("'%1': %2").arg(*path, describeError(errno));
        return false;
    }
    return true;
}

// --follow: prints what is added until the attempt ended, then the rest.
int follow(HistoryReader &reader, const CliOptions &options, const QString &dataDir, StoredLog log,
           Source &source, Printer &printer)
{
    for (;;) {
        if (source.fd < 0 && !log.logPath.isEmpty()) {
            QString why;
            if (!openLog(dataDir, log.logPath, &source, &why)) {
                complain(QStringLiteral("cannot read the log of job %1: %2")
                             .arg(options.logJob)
                             .arg(why));
                return kExitJobsFailed;
            }
        }
        if (source.fd >= 0) {
            struct stat info = {};
            if (::fstat(source.fd, &info) == 0 && info.st_size < source.offset) {
                complain(QStringLiteral("the log of job %1 shrank (edited by hand?): reading on "
                                        "from its new end")
                             .arg(options.logJob));
                source.offset = info.st_size;
                printer.reset();
            }
            readOn(source.fd, &source.offset, printer);
            std::fflush(stdout);
            if (printer.failed())
                return kExitOutputError;
        }
        if (log.ended)
            return kExitOk;
        std::this_thread::sleep_for(kPollInterval);
        const std::optional<StoredLog> now = reader.lastLog(options.logJob);
        // A job still queued: its first attempt is the one to follow. The attempt followed is
        // over once it ended or another began.
        if (!now || (log.attempt > 0 && now->attempt != log.attempt))
            log.ended = true;
        else
            log = *now;
    }
}

} // namespace

int runLogCommand(const CliOptions &options)
{
    ignoreSigpipe();
    const QString dataDir =
        QFileInfo(options.dataDir.isEmpty() ? dataDirectoryFromEnvironment() : options.dataDir)
            .absoluteFilePath();
    HistoryReader reader;
    QString error;
    if (!reader.open(dataDir, &error)) {
        complain(error);
        return kExitJobsFailed;
    }
    const std::optional<StoredLog> log = reader.lastLog(options.logJob);
    if (!log) {
        complain(
            QStringLiteral("no job %1 in the history of '%2'").arg(options.logJob).arg(dataDir));
        return kExitJobsFailed;
    }
    const bool waits = options.follow && !log->ended;
    if (log->logPath.isEmpty() && !waits) {
        complain(QStringLiteral("job %1 has no log: only a command job that printed something "
                                "has one (and no job of a --no-history run)")
                     .arg(options.logJob));
        return kExitJobsFailed;
    }
    Printer printer(options.stderrOnly);
    Source source;
    if (!log->logPath.isEmpty()) {
        if (!openLog(dataDir, log->logPath, &source, &error)) {
            complain(
                QStringLiteral("cannot read the log of job %1: %2").arg(options.logJob).arg(error));
            return kExitJobsFailed;
        }
        struct stat info = {};
        if (options.tail > 0 && ::fstat(source.fd, &info) == 0)
            source.offset = tailStart(source.fd, info.st_size, options.tail, printer);
    }
    int status = kExitOk;
    if (options.follow) {
        status = follow(reader, options, dataDir, *log, source, printer);
    } else if (!readOn(source.fd, &source.offset, printer)) {
        complain(QStringLiteral("cannot read the log of job %1: %2")
                     .arg(options.logJob)
                     .arg(describeError(errno)));
        status = kExitJobsFailed;
    }
    if (source.fd >= 0)
        ::close(source.fd);
    printer.finish();
    if (printer.skipped() > 0)
        complain(QStringLiteral("%1 line(s) of the log of job %2 are not records of longrun "
                                "(edited by hand?): skipped")
                     .arg(printer.skipped())
                     .arg(options.logJob));
    if (std::fflush(stdout) != 0 || printer.failed())
        return kExitOutputError;
    return status;
}

} // namespace longrun
