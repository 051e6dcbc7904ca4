#include "store/datafiles.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace longrun {

namespace {

void say(QString *why, const QString &text)
{
    if (why)
        *why = text;
}

} // namespace

std::optional<QString> dataFile(const QString &dataDir, const QString &stored, QString *why)
{
    if (stored.isEmpty() || dataDir.isEmpty()) {
        say(why, QStringLiteral("no file"));
        return std::nullopt;
    }
    const QString root = QDir::cleanPath(QFileInfo(dataDir).absoluteFilePath());
    const QString path = QDir::cleanPath(QDir(root).absoluteFilePath(stored));
    if (!path.startsWith(root + QLatin1Char('/'))) {
        say(why, QStringLiteral("'%1' is outside the data folder").arg(stored));
        return std::nullopt;
    }
    // Every component below the data folder, lstat'ed: a link anywhere is refused.
    const QStringList parts = path.mid(root.size() + 1).split(QLatin1Char('/'));
    if (parts.size() < 2) {
        say(why, QStringLiteral("'%1' is not in a folder of the data folder").arg(stored));
        return std::nullopt;
    }
    QString at = root;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        at += QLatin1Char('/') + parts.at(i);
        struct stat info = {};
        if (::lstat(QFile::encodeName(at).constData(), &info) != 0) {
            say(why,
                QStringLiteral("'%1': %2").arg(at, QString::fromLocal8Bit(std::strerror(errno))));
            return std::nullopt;
        }
        const bool last = i == parts.size() - 1;
        if (S_ISLNK(info.st_mode) || (last ? !S_ISREG(info.st_mode) : !S_ISDIR(info.st_mode))
            || info.st_uid != ::geteuid()) {
            say(why, QStringLiteral("'%1' is not a plain file of the data folder").arg(at));
            return std::nullopt;
        }
    }
    return path;
}

bool removeDataFile(const QString &dataDir, const QString &stored, QString *why)
{
    const std::optional<QString> path = dataFile(dataDir, stored, why);
    if (!path)
        return false;
    if (::unlink(QFile::encodeName(*path).constData()) != 0) {
        say(why, QStringLiteral("cannot delete '%1': %2")
                     .arg(*path, QString::fromLocal8Bit(std::strerror(errno))));
        return false;
    }
    return true;
}

} // namespace longrun
