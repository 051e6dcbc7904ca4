#include "store/datafiles.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace longrun {

bool removeDataFile(const QString &dataDir, const QString &path)
{
    if (path.isEmpty() || dataDir.isEmpty())
        return false;
    const QString root = QFileInfo(dataDir).canonicalFilePath();
    const QFileInfo target(QDir::cleanPath(QDir(dataDir).absoluteFilePath(path)));
    const QString folder = QFileInfo(target.absolutePath()).canonicalFilePath();
    const QString name = target.fileName();
    if (root.isEmpty() || folder.isEmpty() || !folder.startsWith(root + u'/') || name.isEmpty()
        || name == u"." || name == u"..")
        return false;
    // The folder is the data folder's (owner-only, checked by prepareDataDirectory()), so what
    // is checked here is what is removed: nobody else can swap the name in between.
    const int dir = ::open(QFile::encodeName(folder).constData(),
                           O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir < 0)
        return false;
    const QByteArray file = QFile::encodeName(name);
    struct stat info = {};
    const bool ours = ::fstatat(dir, file.constData(), &info, AT_SYMLINK_NOFOLLOW) == 0
                      && S_ISREG(info.st_mode) && info.st_uid == ::geteuid();
    const bool removed = ours && ::unlinkat(dir, file.constData(), 0) == 0;
    ::close(dir);
    return removed;
}

} // namespace longrun
