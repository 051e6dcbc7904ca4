#include "store/datadir.h"

#include "system/privatefile.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QStandardPaths>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace longrun {

namespace {

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

} // namespace

QString defaultDataDirectory()
{
    // AppDataLocation is $XDG_DATA_HOME/<app> (~/.local/share/longrun) with no organisation set.
    QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (dir.isEmpty())
        dir = QDir::home().filePath(QStringLiteral(".local/share"));
    return QDir(dir).filePath(QStringLiteral("longrun"));
}

QString dataDirectoryFromEnvironment()
{
    const QString fromEnv = qEnvironmentVariable("LONGRUN_DATA_DIR");
    return fromEnv.isEmpty() ? defaultDataDirectory() : fromEnv;
}

std::optional<QString> prepareDataDirectory(const QString &path, QString *error)
{
    return preparePrivateFolder(path, error);
}

bool createPrivateFile(const QString &path, QString *error)
{
    const int fd = ::open(QFile::encodeName(path).constData(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = QStringLiteral("cannot create '%1': %2").arg(path, systemError(errno));
        return false;
    }
    ::fchmod(fd, 0600);
    ::close(fd);
    return true;
}

std::optional<QString> writeNewFile(const QString &path, const QByteArray &bytes, int mode,
                                    QString *error)
{
    const std::optional<NewFile> file = openNewFile(path, mode, error);
    if (!file)
        return std::nullopt;
    const QString &candidate = file->path;
    qsizetype written = 0;
    while (written < bytes.size()) {
        const ssize_t chunk = ::write(file->fd, bytes.constData() + written,
                                      static_cast<std::size_t>(bytes.size() - written));
        if (chunk < 0 && errno == EINTR)
            continue;
        if (chunk < 0) {
            *error = QStringLiteral("cannot write '%1': %2").arg(candidate, systemError(errno));
            ::close(file->fd);
            ::unlink(QFile::encodeName(candidate).constData());
            return std::nullopt;
        }
        written += chunk;
    }
    if (::close(file->fd) != 0) {
        *error = QStringLiteral("cannot write '%1': %2").arg(candidate, systemError(errno));
        ::unlink(QFile::encodeName(candidate).constData());
        return std::nullopt;
    }
    return candidate;
}

} // namespace longrun
