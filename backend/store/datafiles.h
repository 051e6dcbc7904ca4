#pragma once

// Paths read from the history are data, not orders (issue #12): a job's image or log is opened
// or deleted only when its stored path names a regular file of ours in a folder inside the data
// folder (logs/, images/: never the data folder itself, where the database lives), reached
// through no symbolic link. A path that points elsewhere (an --image-dir, a database edited by
// hand), or through a link, is left alone. Plain functions, any thread.

#include <QtCore/QString>

#include <optional>

namespace longrun {

// The absolute path of `stored` (relative to `dataDir`, or absolute) when it is a regular
// file inside `dataDir` with no symlink on the way; nothing otherwise, with the reason.
[[nodiscard]] std::optional<QString> dataFile(const QString &dataDir, const QString &stored,
                                              QString *why = nullptr);

// Deletes the file `stored` names, under the rule above. False when it was not deleted (not
// there, outside, a link, or unlink failed), with the reason.
bool removeDataFile(const QString &dataDir, const QString &stored, QString *why = nullptr);

} // namespace longrun
