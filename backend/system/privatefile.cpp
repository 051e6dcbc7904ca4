#include "system/privatefile.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QStringList>

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

// lstat: a symlink in place of the folder is refused, not followed.
std::optional<QString> checkFolder(const QByteArray &path)
{
    struct stat info = {};
    if (::lstat(path.constData(), &info) != 0)
        return systemError(errno);
    if (S_ISLNK(info.st_mode))
        return QStringLiteral("it is a symbolic link");
    if (!S_ISDIR(info.st_mode))
        return QStringLiteral("it is not a folder");
    if (info.st_uid != ::geteuid())
        return QStringLiteral("it belongs to another user (uid %1)").arg(info.st_uid);
    if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return QStringLiteral("group or others can write to it (mode %1; chmod 700 it)")
            .arg(info.st_mode & 07777, 4, 8, QLatin1Char('0'));
    return std::nullopt;
}

// Like `mkdir -p -m 700`: each missing folder is made owner-only (mkdir's mode is masked by
// the umask, hence the chmod); folders that exist are left as they are.
bool makePrivatePath(const QString &absolute, QString *error)
{
    QStringList missing;
    for (QString dir = absolute; !QFileInfo::exists(dir); dir = QFileInfo(dir).path()) {
        missing.prepend(dir);
        if (QFileInfo(dir).isRoot())
            break;
    }
    for (const QString &dir : std::as_const(missing)) {
        const QByteArray native = QFile::encodeName(dir);
        if (::mkdir(native.constData(), 0700) == 0) {
            ::chmod(native.constData(), 0700);
        } else if (errno != EEXIST) {
            *error = QStringLiteral("cannot create the data folder '%1': %2")
                         .arg(dir, systemError(errno));
            return false;
        }
    }
    return true;
}

} // namespace

std::optional<QString> preparePrivateFolder(const QString &path, QString *error)
{
    const QString absolute = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    if (!makePrivatePath(absolute, error))
        return std::nullopt;
    if (const auto problem = checkFolder(QFile::encodeName(absolute))) {
        *error = QStringLiteral("refusing the data folder '%1': %2").arg(absolute, *problem);
        return std::nullopt;
    }
    return absolute;
}

std::optional<NewFile> openNewFile(const QString &path, int mode, QString *error)
{
    const QFileInfo info(path);
    const QString stem = info.dir().filePath(info.completeBaseName());
    const QString suffix = info.suffix().isEmpty() ? QString() : QLatin1Char('.') + info.suffix();
    for (int n = 1; n <= 1000; ++n) {
        const QString candidate =
            n == 1 ? path : QStringLiteral("%1-%2%3").arg(stem).arg(n).arg(suffix);
        const int fd =
            ::open(QFile::encodeName(candidate).constData(),
                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, static_cast<mode_t>(mode));
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0) {
            *error = QStringLiteral("cannot create '%1': %2").arg(candidate, systemError(errno));
            return std::nullopt;
        }
        return NewFile{candidate, fd};
    }
    *error = QStringLiteral("cannot create '%1': a thousand files by that name exist").arg(path);
    return std::nullopt;
}

} // namespace longrun
