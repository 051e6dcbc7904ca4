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

// Creates `path` (and missing parents, each 0700) or checks the existing folder. Returns the
// absolute path, or nothing with the reason in `error`.
[[nodiscard]] std::optional<QString> prepareDataDirectory(const QString &path, QString *error);

// Creates a new empty file, owner-only (0600), failing if anything (a file, a planted symlink)
// is already there. Returns false with the reason.
[[nodiscard]] bool createPrivateFile(const QString &path, QString *error);

} // namespace longrun
