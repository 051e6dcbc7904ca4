#include "jobs/specbuilder.h"

#include "jobs/startrequest.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSet>
#include <QtCore/QVariant>

#include <algorithm>
#include <exception>
#include <new>
#include <vector>

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
    // First: a value too large to send is named by its size, never quoted in a message.
    if (const QString problem = checkStartRequest(m_spec); !problem.isEmpty()) {
        *error = QStringLiteral("%1: %2").arg(m_kind.name, problem);
        return std::nullopt;
    }
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

namespace {

// One value of a JOB argument, from `rest` just after its '='; `rest` keeps what follows the
// comma that ends it. A value that starts with a quote ends at the matching one, commas and
// all: 'single' keeps everything, "double" allows \" and \\. Nothing (and *error) for an
// unterminated quote or text between the closing quote and the next comma.
std::optional<QString> takeValue(const QString &kindName, const QString &key, QString &rest,
                                 QString *error)
{
    const QChar quote = rest.isEmpty() ? QChar() : rest.front();
    if (quote != u'\'' && quote != u'"') {
        const qsizetype comma = rest.indexOf(QLatin1Char(','));
        QString value = rest.left(comma < 0 ? rest.size() : comma);
        rest = comma < 0 ? QString() : rest.mid(comma + 1);
        return value;
    }
    QString value;
    qsizetype i = 1;
    for (; i < rest.size() && rest.at(i) != quote; ++i) {
        if (quote == u'"' && rest.at(i) == u'\\' && i + 1 < rest.size()
            && (rest.at(i + 1) == u'"' || rest.at(i + 1) == u'\\'))
            ++i;
        value += rest.at(i);
    }
    if (i == rest.size()) {
        *error = QStringLiteral("%1: unterminated %2 quote in the value of '%3'")
                     .arg(kindName, quote, key);
        return std::nullopt;
    }
    const qsizetype comma = rest.indexOf(QLatin1Char(','), i + 1);
    const QString after = rest.mid(i + 1, comma < 0 ? -1 : comma - i - 1);
    if (!after.trimmed().isEmpty()) {
        *error = QStringLiteral("%1: expected ',' after the quoted value of '%2', got '%3'")
                     .arg(kindName, key, after);
        return std::nullopt;
    }
    rest = comma < 0 ? QString() : rest.mid(comma + 1);
    return value;
}

// When a list took the rest of a JOB and another parameter with it ("env=A=1,argv=make"), the
// reason the job is wrong may be that: said after the verdict.
QString listHint(const KindSpec &kind, const QString &list, const QString &taken)
{
    for (const ParamSpec &param : kind.params) {
        const QString key = u',' + param.name + u'=';
        if (param.name != list && taken.contains(key))
            return QStringLiteral(" ('%1' takes the rest of the text, '%2=...' included: a JOB "
                                  "holds one list, last; give the other in a jobs file%3)")
                .arg(list, param.name,
                     list == u"env" || param.name == u"env" ? QStringLiteral(" or with --env")
                                                            : QString());
    }
    return {};
}

} // namespace

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
    std::pair<QString, QString> swallowed; // a list's key and the rest of the text it took
    while (!rest.isEmpty()) {
        const qsizetype eq = rest.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            *error = QStringLiteral("%1: expected key=value, got '%2'").arg(kindName, rest);
            return std::nullopt;
        }
        const QString key = rest.left(eq).trimmed();
        const ParamSpec *param = kind->param(key);
        rest = rest.mid(eq + 1);
        std::optional<QString> value;
        if (param && param->isList()) {
            swallowed = {key, rest};
            value = std::exchange(rest, {});
        } else {
            value = takeValue(kindName, key, rest, error);
            if (!value)
                return std::nullopt;
        }
        if (!builder.addText(key, *value, error))
            return std::nullopt;
    }
    std::optional<JobSpec> spec = builder.build(error);
    if (!spec)
        *error += listHint(*kind, swallowed.first, swallowed.second);
    return spec;
}

namespace {

// A key given twice in one object of a jobs file: the job (0-based) and the field's path.
struct DuplicateKey
{
    qsizetype job = -1;
    QString field; // "kind", "params.limit"
};

// A JSON string's text, from just after its opening quote to just before its closing one.
// The text is valid JSON (QJsonDocument read it first): only the escapes need decoding.
QString decodeJsonString(const char *begin, const char *end)
{
    if (std::find(begin, end, '\\') == end)
        return QString::fromUtf8(begin, end - begin);
    QString out;
    const char *run = begin;
    for (const char *p = begin; p < end; ++p) {
        if (*p != '\\' || p + 1 >= end)
            continue;
        out += QString::fromUtf8(run, p - run);
        const char c = *++p;
        switch (c) {
        case 'b':
            out += QChar(u'\b');
            break;
        case 'f':
            out += QChar(u'\f');
            break;
        case 'n':
            out += QChar(u'\n');
            break;
        case 'r':
            out += QChar(u'\r');
            break;
        case 't':
            out += QChar(u'\t');
            break;
        case 'u':
            if (end - p > 4) {
                out += QChar(static_cast<char16_t>(QByteArray(p + 1, 4).toUShort(nullptr, 16)));
                p += 4;
            }
            break;
        default:
            out += QLatin1Char(c);
            break; // \" \\ \/
        }
        run = p + 1;
    }
    return out + QString::fromUtf8(run, end - run);
}

// "params.limit": a field within its job.
QString fieldPath(const QString &parent, const QString &key)
{
    return parent.isEmpty() ? key : parent + u'.' + key;
}

// The closing quote of the string whose text starts at `p`, or `end`.
const char *stringEnd(const char *p, const char *end)
{
    for (; p < end && *p != '"'; ++p) {
        if (*p == '\\' && p + 1 < end)
            ++p;
    }
    return p;
}

// QJsonDocument lets the last of two equal keys win and cannot say that there were two, so the
// text is scanned once more, in one linear pass, for the first key given twice in an object.
// `json` is valid JSON (QJsonDocument read it first); the scan stays in bounds whatever it is.
std::optional<DuplicateKey> findDuplicateKey(const QByteArray &json)
{
    struct Container
    {
        bool object = false;
        bool expectKey = false; // an object's next string is a key
        QString path;           // the field it is, within its job
        QString lastKey;
        QSet<QString> keys;
    };
    std::vector<Container> stack;
    qsizetype job = 0; // commas seen in the top-level array
    const char *const end = json.constData() + json.size();
    for (const char *p = json.constData(); p < end; ++p) {
        switch (*p) {
        case '{':
        case '[': {
            Container child{*p == '{', *p == '{', {}, {}, {}};
            if (stack.size() > 1)
                child.path = stack.back().object
                                 ? fieldPath(stack.back().path, stack.back().lastKey)
                                 : stack.back().path;
            stack.push_back(std::move(child));
            break;
        }
        case '}':
        case ']':
            if (!stack.empty())
                stack.pop_back();
            break;
        case ',':
            if (stack.size() == 1 && !stack.front().object)
                ++job;
            else if (!stack.empty())
                stack.back().expectKey = stack.back().object;
            break;
        case '"': {
            const char *const begin = p + 1;
            p = stringEnd(begin, end);
            if (p == end)
                return std::nullopt;
            if (stack.empty() || !stack.back().expectKey)
                break;
            Container &object = stack.back();
            object.expectKey = false;
            object.lastKey = decodeJsonString(begin, p);
            if (object.keys.contains(object.lastKey))
                return DuplicateKey{job, fieldPath(object.path, object.lastKey)};
            object.keys.insert(object.lastKey);
            break;
        }
        default:
            break;
        }
    }
    return std::nullopt;
}

std::optional<QList<JobSpec>> parseJobsJsonUnguarded(const QByteArray &json, const QString &name,
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
    if (array.size() > kMaxJobs) {
        *error = QStringLiteral("%1: the jobs file has %2 jobs, more than the limit of %3")
                     .arg(name)
                     .arg(array.size())
                     .arg(kMaxJobs);
        return std::nullopt;
    }
    const std::optional<DuplicateKey> duplicate = findDuplicateKey(json);
    QList<JobSpec> specs;
    specs.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString where = QStringLiteral("%1: job %2: ").arg(name).arg(i + 1);
        if (!array.at(i).isObject()) {
            *error = where + QStringLiteral("expected an object with \"kind\" and \"params\"");
            return std::nullopt;
        }
        if (duplicate && duplicate->job == i) {
            *error = where + QStringLiteral("field '%1' is given twice").arg(duplicate->field);
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

// Reads at most kMaxJobsFileBytes + 1 bytes, chunk by chunk: an endless file (/dev/zero, a
// FIFO that keeps being written) is refused as soon as it passes the limit, and a file that
// shrinks or grows while it is read is read as it is.
std::optional<QByteArray> readJobsFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        *error = QStringLiteral("%1: cannot read the jobs file: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const auto tooLarge = [&path] {
        return QStringLiteral("%1: the jobs file is larger than the limit of %2 MiB (%3 bytes)")
            .arg(path)
            .arg(kMaxJobsFileBytes / (1024 * 1024))
            .arg(kMaxJobsFileBytes);
    };
    if (!file.isSequential() && file.size() > kMaxJobsFileBytes) {
        *error = tooLarge();
        return std::nullopt;
    }
    constexpr qint64 kChunk = 1024 * 1024;
    QByteArray data;
    while (data.size() <= kMaxJobsFileBytes) {
        const qint64 old = data.size();
        data.resize(old + std::min(kChunk, kMaxJobsFileBytes + 1 - old));
        const qint64 n = file.read(data.data() + old, data.size() - old);
        if (n < 0) {
            *error =
                QStringLiteral("%1: cannot read the jobs file: %2").arg(path, file.errorString());
            return std::nullopt;
        }
        data.resize(old + n);
        if (n == 0)
            break;
    }
    if (data.size() > kMaxJobsFileBytes) {
        *error = tooLarge();
        return std::nullopt;
    }
    return data;
}

// Runs a parse on a background thread: whatever goes wrong inside (out of memory above all) is
// an error about the file, never an exception through QtConcurrent.
template<class Parse>
std::optional<QList<JobSpec>> guarded(const QString &name, QString *error, Parse parse)
{
    try {
        return parse();
    } catch (const std::bad_alloc &) {
        *error = QStringLiteral("%1: not enough memory to read the jobs file").arg(name);
    } catch (const std::exception &e) {
        *error =
            QStringLiteral("%1: internal error: %2").arg(name, QString::fromLocal8Bit(e.what()));
    } catch (...) {
        *error = QStringLiteral("%1: internal error: unknown exception").arg(name);
    }
    return std::nullopt;
}

} // namespace

std::optional<QList<JobSpec>> parseJobsJson(const QByteArray &json, const QString &name,
                                            const Catalog &catalog, QString *error)
{
    return guarded(name, error, [&] { return parseJobsJsonUnguarded(json, name, catalog, error); });
}

std::optional<QList<JobSpec>> parseJobsFile(const QString &path, const Catalog &catalog,
                                            QString *error)
{
    return guarded(path, error, [&]() -> std::optional<QList<JobSpec>> {
        const std::optional<QByteArray> json = readJobsFile(path, error);
        if (!json)
            return std::nullopt;
        return parseJobsJsonUnguarded(*json, path, catalog, error);
    });
}

void addEnvironment(JobSpec &spec, const QStringList &env, bool clear)
{
    if (spec.kind != u"command" || (env.isEmpty() && !clear))
        return;
    const auto param = [&spec](const QString &key) -> JobParam & {
        if (JobParam *found = spec.param(key))
            return *found;
        spec.params.append(JobParam{key, {}, key == u"env"});
        return spec.params.last();
    };
    if (!env.isEmpty()) {
        JobParam &words = param(QStringLiteral("env"));
        words.values = env + words.values;
        words.isList = true;
    }
    if (clear)
        param(QStringLiteral("env_clear")).values = {QStringLiteral("true")};
}

} // namespace longrun
