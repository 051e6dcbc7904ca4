#pragma once

// Removing the files a stored job names (its image, its attempts' logs) when its run is
// deleted. A path read from the database is data, never trusted (issue #12): a file goes only
// when it is a regular file of ours in a folder inside the data folder (never the data folder
// itself, where the database lives), reached without following a link. Plain functions, any
// thread (the store thread calls them).

#include <QtCore/QString>

namespace longrun {

// Removes `path` (relative to `dataDir`, or absolute) if the rule above allows it; true when it
// was removed. Its folders' links are resolved before the check (a link to a folder outside
// makes the path outside); the file itself must not be a link.
bool removeDataFile(const QString &dataDir, const QString &path);

} // namespace longrun
