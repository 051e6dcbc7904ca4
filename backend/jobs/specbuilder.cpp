#include "jobs/specbuilder.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QVariant>

namespace longrun {

namespace {

using protocol::ParamType;

// A text's values: an argv is split like a shell command line (nothing, and *error, for an
// unterminated quote), anything else is one value as typed.
std::optional<QStringList> textValues(const ParamSpec *param, const QString &text, QString *error)
{
    if (param && param->isList())
        return splitCommandLine(text, error);
    return QStringList{text};
}

// A JSON number as the text the rules read: Qt keeps a whole number that fits in 64 bits
// exactly (a seed above 2^53 too), anything else is a double.
QString jsonNumberText(const QJsonValue &value)
{
    if (value.toVariant().typeId() == QMetaType::LongLong)
        return QString::number(value.toInteger());
    return formatNumber(value.toDouble());
}

// What a jobs file gave instead, for the message.
QString describeJson(const QJsonValue &value)
{
    constexpr qsizetype kMax = 80;
    switch (value.type()) {
    case QJsonValue::String: {
        const QString text = value.toString();
        return QStringLiteral("the string \"%1\"")
            .arg(text.size() > kMax ? text.left(kMax) + QChar(0x2026) : text);
    }
    case QJsonValue::Double:
        return QStringLiteral("the number %1").arg(jsonNumberText(value));
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("null");
}

// What a jobs file must give: the rule's own words for a number, a bool or a choice.
QString jsonExpectation(const protocol::ParamRule &rule)
{
    switch (rule.type) {
    case ParamType::Int:
    case ParamType::Real:
    case ParamType::Bool:
    case ParamType::Choice:
        return QString::fromStdString(protocol::expectation(rule));
    case ParamType::Argv:
        return QStringLiteral("a list of strings or a command line");
    case ParamType::Text:
    case ParamType::Path:
        break;
    }
    return QStringLiteral("a string");
}

// "primes: parameter 'limit' must be an integer from 2 to 1000000000000, got the string
// "1000" (write it without quotes)": the rules' wording, with what the file holds instead.
QString jsonTypeError(const QString &kind, const ParamSpec &param, const QJsonValue &value)
{
    QString got = describeJson(value);
    if (value.isString() && param.check({value.toString()}).isEmpty())
        got += QStringLiteral(" (write it without quotes)");
    return QStringLiteral("%1: parameter '%2' must be %3, got %4")
        .arg(kind, param.name, jsonExpectation(param.rule), got);
}

std::optional<QStringList> argvFromJson(const ParamSpec &param, const QJsonArray &array,
                                        QString *error)
{
    QStringList values;
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isString()) {
            *error = QStringLiteral("field 'params.%1': element %2 of '%1' must be a string")
                         .arg(param.name)
                         .arg(i + 1);
            return std::nullopt;
        }
        values << array.at(i).toString();
    }
    return values;
}

// A jobs file's value as the values sent to the worker; see SpecBuilder::addJson().
std::optional<QStringList> jsonValues(const QString &kind, const ParamSpec &param,
                                      const QJsonValue &value, QString *error)
{
    switch (param.rule.type) {
    case ParamType::Int:
    case ParamType::Real:
        if (value.isDouble())
            return QStringList{jsonNumberText(value)};
        break;
    case ParamType::Bool:
        if (value.isBool())
            return QStringList{value.toBool() ? QStringLiteral("true") : QStringLiteral("false")};
        break;
    case ParamType::Argv:
        if (value.isArray())
            return argvFromJson(param, value.toArray(), error);
        if (value.isString()) {
            auto words = splitCommandLine(value.toString(), error);
            if (!words)
                *error = QStringLiteral("field 'params.%1': %2").arg(param.name, *error);
            return words;
        }
        break;
    case ParamType::Text:
    case ParamType::Path:
    case ParamType::Choice:
        if (value.isString())
            return QStringList{value.toString()};
        break;
    }
    *error = jsonTypeError(kind, param, value);
    return std::nullopt;
}

// One object of a jobs file as a checked job; *error without the file and job number.
std::optional<JobSpec> jobFromJson(const QJsonObject &job, const Catalog &catalog, QString *error)
{
    for (auto it = job.begin(); it != job.end(); ++it) {
        if (it.key() != u"kind" && it.key() != u"params") {
            *error = QStringLiteral("unknown field '%1' (expected \"kind\" and \"params\")")
                         .arg(it.key());
            return std::nullopt;
        }
    }
    if (!job.value(u"kind").isString()) {
        *error = QStringLiteral("field 'kind' must be a string naming a job kind");
        return std::nullopt;
    }
    const QString kindName = job.value(u"kind").toString();
    const KindSpec *kind = catalog.find(kindName);
    if (!kind) {
        *error = QStringLiteral("field 'kind': ") + catalog.unknownKindMessage(kindName);
        return std::nullopt;
    }
    const QJsonValue params = job.value(u"params");
    if (!params.isUndefined() && !params.isObject()) {
        *error = QStringLiteral("field 'params' must be an object");
        return std::nullopt;
    }
    SpecBuilder builder(*kind);
    const QJsonObject object = params.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!builder.addJson(it.key(), it.value(), error))
            return std::nullopt;
    }
    return builder.build(error);
}

} // namespace

SpecBuilder::SpecBuilder(const KindSpec &kind)
    : m_kind(kind)
{
    m_spec.kind = kind.name;
}

void SpecBuilder::add(const QString &key, QStringList values)
{
    const ParamSpec *param = m_kind.param(key);
    m_spec.params << JobParam{key, std::move(values), param && param->isList()};
}

bool SpecBuilder::addText(const QString &key, const QString &text, QString *error)
{
    std::optional<QStringList> values = textValues(m_kind.param(key), text, error);
    if (!values)
        return false;
    add(key, std::move(*values));
    return true;
}

bool SpecBuilder::addField(const QString &key, const QString &text, QString *error)
{
    const ParamSpec *param = m_kind.param(key);
    if (param && fieldMeansDefault(*param, text))
        return true;
    return addText(key, text, error);
}

bool SpecBuilder::addJson(const QString &key, const QJsonValue &value, QString *error)
{
    const ParamSpec *param = m_kind.param(key);
    if (!param) {
        *error =
            QStringLiteral("field 'params.%1': unknown parameter for %2 (known: %3)")
                .arg(key, m_kind.name, QString::fromStdString(protocol::ruleNames(m_kind.rules)));
        return false;
    }
    std::optional<QStringList> values = jsonValues(m_kind.name, *param, value, error);
    if (!values)
        return false;
    add(key, std::move(*values));
    return true;
}

std::optional<JobSpec> SpecBuilder::build(QString *error) const
{
    if (const QString problem = m_kind.check(m_spec.params); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    return m_spec;
}

bool fieldMeansDefault(const ParamSpec &param, const QString &text)
{
    return text.isEmpty() && !param.required && !param.isList();
}

QString checkField(const ParamSpec &param, const QString &text)
{
    if (fieldMeansDefault(param, text))
        return {};
    QString problem;
    const std::optional<QStringList> values = textValues(&param, text, &problem);
    return values ? param.check(*values) : problem;
}

std::optional<JobSpec> specFromForm(const Catalog &catalog, const QString &kindName,
                                    const QVariantMap &fields, QString *error)
{
    const KindSpec *kind = catalog.find(kindName);
    if (!kind) {
        *error = catalog.unknownKindMessage(kindName);
        return std::nullopt;
    }
    SpecBuilder builder(*kind);
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (!builder.addField(it.key(), it.value().toString(), error))
            return std::nullopt;
    }
    return builder.build(error);
}

std::optional<JobSpec> parseJobArgument(const QString &text, const Catalog &catalog, QString *error)
{
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    const QString kindName = text.left(colon < 0 ? text.size() : colon).trimmed();
    const KindSpec *kind = catalog.find(kindName);
    if (!kind) {
        *error = catalog.unknownKindMessage(kindName);
        return std::nullopt;
    }
    SpecBuilder builder(*kind);
    QString rest = colon < 0 ? QString() : text.mid(colon + 1);
    while (!rest.isEmpty()) {
        const qsizetype eq = rest.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            *error = QStringLiteral("%1: expected key=value, got '%2'").arg(kindName, rest);
            return std::nullopt;
        }
        const QString key = rest.left(eq).trimmed();
        const ParamSpec *param = kind->param(key);
        QString value;
        if (param && param->isList()) {
            value = rest.mid(eq + 1);
            rest.clear();
        } else {
            const qsizetype comma = rest.indexOf(QLatin1Char(','), eq);
            value = rest.mid(eq + 1, comma < 0 ? -1 : comma - eq - 1);
            rest = comma < 0 ? QString() : rest.mid(comma + 1);
        }
        if (!builder.addText(key, value, error))
            return std::nullopt;
    }
    return builder.build(error);
}

std::optional<QList<JobSpec>> parseJobsJson(const QByteArray &json, const QString &name,
                                            const Catalog &catalog, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("%1: %2: invalid JSON: %3")
                     .arg(name, lineColumn(json, parseError.offset), parseError.errorString());
        return std::nullopt;
    }
    if (!doc.isArray()) {
        *error = QStringLiteral("%1: expected a JSON array of jobs like "
                                "[{\"kind\": \"primes\", \"params\": {\"limit\": 1000000}}]")
                     .arg(name);
        return std::nullopt;
    }
    const QJsonArray array = doc.array();
    QList<JobSpec> specs;
    specs.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString where = QStringLiteral("%1: job %2: ").arg(name).arg(i + 1);
        if (!array.at(i).isObject()) {
            *error = where + QStringLiteral("expected an object with \"kind\" and \"params\"");
            return std::nullopt;
        }
        QString problem;
        std::optional<JobSpec> spec = jobFromJson(array.at(i).toObject(), catalog, &problem);
        if (!spec) {
            *error = where + problem;
            return std::nullopt;
        }
        specs << std::move(*spec);
    }
    return specs;
}

std::optional<QList<JobSpec>> parseJobsFile(const QString &path, const Catalog &catalog,
                                            QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot read the jobs file: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    // A jobs file is a list of small objects; one that is hundreds of MiB is a mistake.
    constexpr qint64 kMaxJobsFile = 256 * 1024 * 1024;
    if (file.size() > kMaxJobsFile) {
        *error = QStringLiteral("%1: the jobs file is larger than 256 MiB").arg(path);
        return std::nullopt;
    }
    return parseJobsJson(file.readAll(), path, catalog, error);
}

} // namespace longrun
