#pragma once

// The history database's schema, as migrations from version 1 on. PRAGMA user_version holds the
// version a file is at; opening a file brings it up to kSchemaVersion, one transaction per step,
// and refuses a file from a newer longrun (it would not know what the new columns mean).
// Store thread only (a Qt SQL connection belongs to the thread that opened it).

#include <QtCore/QString>

class QSqlDatabase;

namespace longrun::store {

inline constexpr int kSchemaVersion = 3;

// Brings `db` to version `upTo` (tests make files of an older version with it). Returns false
// with the reason.
[[nodiscard]] bool migrate(QSqlDatabase &db, QString *error, int upTo = kSchemaVersion);

// The version a database is at (0 for a new, empty file), -1 when it cannot be read.
[[nodiscard]] int schemaVersion(QSqlDatabase &db);

} // namespace longrun::store
