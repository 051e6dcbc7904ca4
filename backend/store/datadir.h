#pragma once

// The data folder: where the history store, its logs and its images live. Resolved once at
// start (--data-dir, else $LONGRUN_DATA_DIR, else the XDG data folder: ~/.local/share/longrun)
// and checked as ssh checks ~/.ssh: created owner-only (0700) whatever the umask; an existing
// folder that is a symlink, is not a folder, belongs to another user or can be written by group
// or others is refused, because whoever can write there can rewrite the history longrun trusts
// or plant links where it writes. Plain functions, any thread.

#include <QtCore/QString>

#include <optional>

namespace longrun {

// The folder the store uses when nothing says otherwise.
[[nodiscard]] QString defaultDataDirectory();
// $LONGRUN_DATA_DIR if set, else defaultDataDirectory(); --data-dir overrides both.
[[nodiscard]] QString dataDirectoryFromEnvironment();

// Creates `path` (and missing parents, each 0700) or checks the existing folder. Returns the
// absolute path, or nothing with the reason in `error`.
[[nodiscard]] std::optional<QString> prepareDataDirectory(const QString &path, QString *error);

// Creates a new empty file, owner-only (0600), failing if anything (a file, a planted symlink)
// is already there. Returns false with the reason.
[[nodiscard]] bool createPrivateFile(const QString &path, QString *error);

// Writes `bytes` into a new file at `path` with `mode`, never following a symlink planted there
// and never replacing a file (O_CREAT | O_EXCL | O_NOFOLLOW). When the name is taken, tries
// "name-2.ext", "name-3.ext"...; returns the path written, or nothing with the reason.
[[nodiscard]] std::optional<QString> writeNewFile(const QString &path, const QByteArray &bytes,
                                                  int mode, QString *error);

} // namespace longrun
