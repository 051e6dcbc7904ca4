#include "store/jobexport.h"

#include <QtCore/QDateTime>
#include <QtCore/QIODevice>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

namespace longrun {

namespace {

QString isoTime(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs)
                  : QString();
}

// The job's fields in exportFields() order; a null QVariant is an empty cell (CSV) or null.
QVariantList fieldsOf(const StoredJob &job)
{
    const auto optional = [](const std::optional<int> &value) {
        return value ? QVariant(*value) : QVariant();
    };
    const auto time = [](qint64 ms) { return ms > 0 ? QVariant(isoTime(ms)) : QVariant(); };
    const QVariant runtime =
        job.startedAt > 0 && job.finishedAt >= job.startedAt
            ? QVariant(static_cast<double>(job.finishedAt - job.startedAt) / 1000.0)
            : QVariant();
    return {job.id,
            job.runId,
            job.seq,
            job.spec.kind,
            jobCommandLine(job.spec),
            job.state,
            job.attempts,
            time(job.addedAt),
            time(job.startedAt),
            time(job.finishedAt),
            runtime,
            optional(job.exitCode),
            optional(job.signal),
            job.host.isEmpty() ? QVariant() : QVariant(job.host),
            job.summary.isEmpty() ? QVariant() : QVariant(job.summary),
            job.error.isEmpty() ? QVariant() : QVariant(job.error)};
}

QByteArray csvCell(const QVariant &value)
{
    if (value.isNull())
        return {};
    QByteArray text = value.toString().toUtf8();
    // Quoted when it must be, and when a spreadsheet would take it for a formula.
    const bool formula = !text.isEmpty() && QByteArrayView("=+-@").contains(text.front())
                         && value.typeId() == QMetaType::QString;
    if (formula || text.contains(',') || text.contains('"') || text.contains('\n')
        || text.contains('\r')) {
        text.replace('"', "\"\"");
        text = '"' + (formula ? QByteArray("'") : QByteArray()) + text + '"';
    }
    return text;
}

} // namespace

const QList<ExportField> &exportFields()
{
    static const QList<ExportField> fields = {
        {"id", "the stored job's id (longrun log ID)"},
        {"run", "the run (batch) it belonged to"},
        {"seq", "its number in that run"},
        {"kind", "the job kind"},
        {"command", "what it ran: the command line, or the kind's parameters"},
        {"state", "succeeded, failed, canceled, timed_out, interrupted, ..."},
        {"attempts", "how many attempts it took"},
        {"added", "when it was added (UTC, ISO 8601)"},
        {"started", "when its last attempt started"},
        {"finished", "when it ended"},
        {"runtime", "seconds its last attempt ran"},
        {"exit_code", "the exit status of its program (or worker), when it exited"},
        {"signal", "the signal that ended it, when one did"},
        {"host", "where its last attempt ran"},
        {"summary", "the result's one line"},
        {"error", "why it failed (may hold the last lines its program wrote to stderr)"},
    };
    return fields;
}

QString exportFieldList()
{
    QStringList names;
    for (const ExportField &field : exportFields())
        names << QString::fromLatin1(field.name);
    return names.join(QStringLiteral(", "));
}

ExportWriter::ExportWriter(QIODevice &out, ExportFormat format)
    : m_out(out)
    , m_format(format)
{}

void ExportWriter::write(const QByteArray &bytes)
{
    if (m_ok && m_out.write(bytes) != bytes.size())
        m_ok = false;
}

void ExportWriter::begin()
{
    if (m_format == ExportFormat::Json) {
        write("[");
        return;
    }
    QByteArray header;
    for (const ExportField &field : exportFields())
        header += (header.isEmpty() ? "" : ",") + QByteArray(field.name);
    write(header + "\r\n");
}

QJsonObject exportObject(const StoredJob &job)
{
    const QVariantList values = fieldsOf(job);
    const QList<ExportField> &fields = exportFields();
    QJsonObject object;
    for (qsizetype i = 0; i < fields.size(); ++i)
        object.insert(QLatin1String(fields.at(i).name), QJsonValue::fromVariant(values.at(i)));
    return object;
}

void ExportWriter::add(const StoredJob &job)
{
    if (m_format == ExportFormat::Json) {
        write((m_count == 0 ? "\n" : ",\n")
              + QJsonDocument(exportObject(job)).toJson(QJsonDocument::Compact));
    } else {
        const QVariantList values = fieldsOf(job);
        QByteArray line;
        for (qsizetype i = 0; i < values.size(); ++i)
            line += (i == 0 ? "" : ",") + csvCell(values.at(i));
        write(line + "\r\n");
    }
    ++m_count;
}

bool ExportWriter::end()
{
    if (m_format == ExportFormat::Json)
        write(m_count == 0 ? "]\n" : "\n]\n");
    return m_ok;
}

} // namespace longrun
