#pragma once

// Owner-only folders and files that are never replaced: what the data folder (store/datadir.h)
// and the attempts' logs (runner/attemptlog.h) are made of. A folder is created 0700 whatever
// the umask, or checked as ssh checks ~/.ssh (no symlink, ours, not writable by others); a file
// is created with O_CREAT | O_EXCL | O_NOFOLLOW, so a name taken (or a symlink planted there)
// is never written through. Plain functions, any thread.

#include <QtCore/QString>

#include <optional>

namespace longrun {

// Creates `path` (and missing parents, each 0700) or checks the existing folder. Returns the
// absolute path, or nothing with the reason in `error`.
[[nodiscard]] std::optional<QString> preparePrivateFolder(const QString &path, QString *error);

// A file created for writing, open: the caller owns (and closes) `fd`.
struct NewFile
{
    QString path;
    int fd = -1;
};

// Creates a new file at `path` with `mode`. When the name is taken, tries "name-2.ext",
// "name-3.ext"...; returns the one created, or nothing with the reason.
[[nodiscard]] std::optional<NewFile> openNewFile(const QString &path, int mode, QString *error);

} // namespace longrun
