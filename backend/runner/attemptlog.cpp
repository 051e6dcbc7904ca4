#include "runner/attemptlog.h"

#include "system/privatefile.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace longrun {

namespace {

const char *streamName(std::size_t index)
{
    return index == 0 ? "stdout" : "stderr";
}

std::size_t indexOf(std::uint8_t stream)
{
    return stream == protocol::OutputChunk::Err ? 1 : 0;
}

QByteArray droppedNote(std::uint64_t dropped, std::size_t index, std::uint64_t limit)
{
    return QStringLiteral("[longrun: %1 more bytes of %2 not kept: the log limit is %3]")
        .arg(dropped)
        .arg(QLatin1String(streamName(index)), AttemptLog::sizeText(limit))
        .toUtf8();
}

} // namespace

AttemptLog::AttemptLog(QString dataDir, QString name)
    : m_dataDir(std::move(dataDir))
    , m_name(std::move(name))
{}

AttemptLog::~AttemptLog()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

QString AttemptLog::sizeText(std::uint64_t bytes)
{
    constexpr std::uint64_t kKiB = 1024;
    if (bytes >= kKiB * kKiB && bytes % (kKiB * kKiB) == 0)
        return QStringLiteral("%1 MiB").arg(bytes / (kKiB * kKiB));
    if (bytes >= kKiB && bytes % kKiB == 0)
        return QStringLiteral("%1 KiB").arg(bytes / kKiB);
    return QStringLiteral("%1 bytes").arg(bytes);
}

std::optional<QString> AttemptLog::takeCreated()
{
    if (m_path.isEmpty() || std::exchange(m_announced, true))
        return std::nullopt;
    return m_path;
}

bool AttemptLog::open()
{
    if (m_fd >= 0)
        return true;
    if (m_tried || m_dataDir.isEmpty() || m_closed)
        return false;
    m_tried = true;
    QString error;
    const std::optional<QString> folder =
        preparePrivateFolder(QDir(m_dataDir).filePath(QStringLiteral("logs")), &error);
    const std::optional<NewFile> file =
        folder ? openNewFile(QDir(*folder).filePath(m_name), 0600, &error) : std::nullopt;
    if (!file) {
        m_problem = QStringLiteral("no log of the output: %1").arg(error);
        return false;
    }
    m_fd = file->fd;
    m_path = QStringLiteral("logs/") + QFileInfo(file->path).fileName();
    return true;
}

QByteArray AttemptLog::prefixAt(std::uint64_t atMs)
{
    // Chunks come a few per second at most per job; lines are many: format each time once.
    if (m_lastPrefix.isEmpty() || atMs != m_lastAt) {
        m_lastAt = atMs;
        m_lastPrefix = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(atMs), Qt::UTC)
                           .toString(Qt::ISODateWithMs)
                           .toLatin1();
    }
    return m_lastPrefix;
}

void AttemptLog::append(const QByteArray &prefix, const char *tag, const char *text,
                        std::size_t size)
{
    m_buffer += prefix;
    m_buffer += ' ';
    m_buffer += tag;
    m_buffer += ' ';
    m_buffer.append(text, static_cast<qsizetype>(size));
    m_buffer += '\n';
}

void AttemptLog::write(const protocol::OutputChunk &chunk)
{
    if (m_closed || !open())
        return;
    const std::size_t index = indexOf(chunk.stream);
    const QByteArray prefix = prefixAt(chunk.atMs);
    const std::size_t kept =
        static_cast<std::size_t>(std::min<std::uint64_t>(m_limit - m_kept, chunk.bytes.size()));
    m_dropped[index] += chunk.bytes.size() - kept;
    m_kept += kept;
    const char *tag = index == 0 ? "out" : "err";
    const char *partTag = index == 0 ? "out+" : "err+";
    std::size_t start = 0;
    while (start < kept) {
        const void *found = std::memchr(chunk.bytes.data() + start, '\n', kept - start);
        if (found == nullptr) {
            append(prefix, partTag, chunk.bytes.data() + start, kept - start);
            break;
        }
        const auto end =
            static_cast<std::size_t>(static_cast<const char *>(found) - chunk.bytes.data());
        // A pty ends lines with "\r\n" (the terminal's onlcr, not the program's bytes).
        const std::size_t cr = end > start && chunk.bytes[end - 1] == '\r' ? 1 : 0;
        append(prefix, tag, chunk.bytes.data() + start, end - start - cr);
        start = end + 1;
    }
    if (chunk.dropped > 0) {
        const QByteArray note = droppedNote(chunk.dropped, index, chunk.limit);
        append(prefix, "note", note.constData(), static_cast<std::size_t>(note.size()));
    }
    writeOut();
}

void AttemptLog::close()
{
    if (std::exchange(m_closed, true) || m_fd < 0)
        return;
    const QByteArray prefix =
        prefixAt(static_cast<std::uint64_t>(QDateTime::currentMSecsSinceEpoch()));
    for (std::size_t index = 0; index < 2; ++index) {
        if (m_dropped[index] == 0)
            continue;
        const QByteArray note = droppedNote(m_dropped[index], index, m_limit);
        append(prefix, "note", note.constData(), static_cast<std::size_t>(note.size()));
    }
    writeOut();
    if (m_fd >= 0 && ::close(m_fd) != 0 && m_problem.isEmpty())
        m_problem = QStringLiteral("the log of the output is incomplete: %1")
                        .arg(QString::fromLocal8Bit(std::strerror(errno)));
    m_fd = -1;
}

void AttemptLog::writeOut()
{
    qsizetype written = 0;
    while (m_fd >= 0 && written < m_buffer.size()) {
        const ssize_t n = ::write(m_fd, m_buffer.constData() + written,
                                  static_cast<std::size_t>(m_buffer.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fail(QString::fromLocal8Bit(std::strerror(errno)));
            break;
        }
        written += n;
    }
    m_buffer.clear();
}

void AttemptLog::fail(const QString &why)
{
    m_problem =
        QStringLiteral("the log of the output stopped: cannot write '%1': %2").arg(m_path, why);
    // Best effort: a disk that is full may still take these few bytes (or the error was not
    // about space); the log then says itself where it ends.
    const QByteArray note =
        QByteArrayLiteral("[longrun: the log stops here: ") + why.toUtf8() + ']';
    m_buffer = prefixAt(static_cast<std::uint64_t>(QDateTime::currentMSecsSinceEpoch())) + " note "
               + note + '\n';
    [[maybe_unused]] const ssize_t n =
        ::write(m_fd, m_buffer.constData(), static_cast<std::size_t>(m_buffer.size()));
    ::close(m_fd);
    m_fd = -1;
    m_closed = true;
}

} // namespace longrun
