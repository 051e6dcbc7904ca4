#pragma once

// How a job's spec and result are kept in the history: JSON text, so that a row stays readable
// with the sqlite3 shell. What is read back is untrusted (a file edited by hand): a bad value
// gives nothing, never a crash.

#include "jobs/jobtypes.h"

#include <QtCore/QString>
#include <QtCore/QVariantMap>

#include <optional>

namespace longrun {

// [{"key": "limit", "values": ["1000"], "list": false}, ...]
[[nodiscard]] QString paramsToJson(const JobSpec &spec);
[[nodiscard]] std::optional<QList<JobParam>> paramsFromJson(const QString &json);

[[nodiscard]] QString valuesToJson(const QVariantMap &values);

} // namespace longrun
