#pragma once

// Stored jobs as CSV or JSON, for `longrun export` and the window's Export. An export is written
// for other programs and other people: it holds the fields of exportFields() and nothing else (no
// log, no stderr tail, no result payload), and both say which those are, because what a job
// printed can hold secrets (issue #12). Written as it goes: an export of 100,000 jobs is never
// held in memory whole.

#include "jobs/commandreview.h"
#include "store/storeevent.h"

#include <QtCore/QList>
#include <QtCore/QString>

class QIODevice;
class QJsonObject;

namespace longrun {

enum class ExportFormat { Csv, Json };

struct ExportField
{
    const char *name; // the CSV column and the JSON key
    const char *description;
};

// The fields of an export, in their order.
[[nodiscard]] const QList<ExportField> &exportFields();
// "id, run, seq, ...": the field names as one line, for people.
[[nodiscard]] QString exportFieldList();

// A job's exportFields() as a JSON object (what one element of a JSON export holds).
[[nodiscard]] QJsonObject exportObject(const StoredJob &job);

// Writes a CSV (RFC 4180, a header line first) or a JSON array, one job at a time.
class ExportWriter final
{
public:
    ExportWriter(QIODevice &out, ExportFormat format);
    // The header (CSV) or the opening bracket (JSON).
    void begin();
    void add(const StoredJob &job);
    // The closing bracket (JSON). False when anything could not be written.
    [[nodiscard]] bool end();

private:
    void write(const QByteArray &bytes);

    QIODevice &m_out;
    ExportFormat m_format;
    int m_count = 0;
    bool m_ok = true;
};

} // namespace longrun
