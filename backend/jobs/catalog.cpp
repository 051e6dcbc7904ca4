#include "jobs/catalog.h"

#include "system/signalname.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>

#include <cmath>
#include <cstring>
#include <exception>
#include <new>

namespace longrun {

namespace {

QString fromUtf8(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

std::vector<std::string> toStd(const QStringList &values)
{
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(values.size()));
    for (const QString &value : values)
        out.push_back(value.toStdString());
    return out;
}

std::optional<std::int64_t> optionalInteger(const QJsonValue &value)
{
    return value.isDouble() ? std::optional<std::int64_t>(value.toInteger()) : std::nullopt;
}

std::optional<double> optionalDouble(const QJsonValue &value)
{
    return value.isDouble() ? std::optional<double>(value.toDouble()) : std::nullopt;
}

// The default of a rule from its JSON, in the field its type says.
protocol::ParamValue defaultFromJson(protocol::ParamType type, const QJsonValue &json)
{
    protocol::ParamValue value;
    switch (type) {
    case protocol::ParamType::Int:
        value.integer = json.toInteger();
        break;
    case protocol::ParamType::Real:
        value.real = json.toDouble();
        break;
    case protocol::ParamType::Bool:
        value.flag = json.toBool();
        break;
    case protocol::ParamType::Argv:
        for (const QJsonValue &word : json.toArray())
            value.list.push_back(word.toString().toStdString());
        break;
    case protocol::ParamType::Text:
    case protocol::ParamType::Path:
    case protocol::ParamType::Choice:
        value.text = json.toString().toStdString();
        break;
    }
    return value;
}

// One parameter of --list-kinds (protocol::appendRuleJson wrote it) back into the same rule.
std::optional<protocol::ParamRule> ruleFromJson(const QString &kind, const QJsonObject &p,
                                                QString *error)
{
    protocol::ParamRule rule;
    rule.name = p.value(u"name").toString().toStdString();
    const QString typeName = p.value(u"type").toString(QStringLiteral("text"));
    const QString formatName = p.value(u"format").toString();
    const auto type = protocol::typeFromName(typeName.toStdString());
    const auto format = protocol::formatFromName(formatName.toStdString());
    if (!type || !format) {
        *error = QStringLiteral("the worker's catalog gives parameter '%1' of %2 an unknown %3")
                     .arg(fromUtf8(rule.name), kind,
                          type ? QStringLiteral("format '%1'").arg(formatName)
                               : QStringLiteral("type '%1'").arg(typeName));
        return std::nullopt;
    }
    rule.type = *type;
    rule.format = *format;
    rule.description = p.value(u"description").toString().toStdString();
    rule.required = p.value(u"required").toBool();
    rule.defaultValue = defaultFromJson(rule.type, p.value(u"default"));
    if (rule.type == protocol::ParamType::Int) {
        rule.intMin = optionalInteger(p.value(u"min"));
        rule.intMax = optionalInteger(p.value(u"max"));
    } else if (rule.type == protocol::ParamType::Real) {
        rule.realMin = optionalDouble(p.value(u"min"));
        rule.realMax = optionalDouble(p.value(u"max"));
    }
    for (const QJsonValue &c : p.value(u"choices").toArray())
        rule.choices.push_back(c.toString().toStdString());
    return rule;
}

} // namespace

QString lineColumn(const QByteArray &json, qsizetype offset)
{
    int line = 1;
    int column = 1;
    for (qsizetype i = 0; i < offset && i < json.size(); ++i) {
        if (json.at(i) == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return QStringLiteral("line %1, column %2").arg(line).arg(column);
}

std::optional<QStringList> splitCommandLine(const QString &line, QString *error)
{
    QStringList words;
    QString word;
    bool inWord = false;
    enum class Quote { None, Single, Double } quote = Quote::None;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quote == Quote::Single) {
            if (c == u'\'')
                quote = Quote::None;
            else
                word += c;
            continue;
        }
        if (quote == Quote::Double) {
            if (c == u'"') {
                quote = Quote::None;
            } else if (c == u'\\' && i + 1 < line.size()
                       && QStringLiteral("\"\\$`").contains(line.at(i + 1))) {
                word += line.at(++i);
            } else {
                word += c;
            }
            continue;
        }
        if (c.isSpace()) {
            if (inWord)
                words << std::exchange(word, {});
            inWord = false;
            continue;
        }
        inWord = true;
        if (c == u'\'') {
            quote = Quote::Single;
        } else if (c == u'"') {
            quote = Quote::Double;
        } else if (c == u'\\' && i + 1 < line.size()) {
            word += line.at(++i);
        } else {
            word += c;
        }
    }
    if (quote != Quote::None) {
        if (error)
            *error = quote == Quote::Single
                         ? QStringLiteral("unterminated ' quote in the command")
                         : QStringLiteral("unterminated \" quote in the command");
        return std::nullopt;
    }
    if (inWord)
        words << word;
    return words;
}

QString formatNumber(double value)
{
    return fromUtf8(protocol::formatNumber(value));
}

ParamSpec ParamSpec::fromRule(protocol::ParamRule rule)
{
    ParamSpec spec;
    spec.name = fromUtf8(rule.name);
    spec.type = fromUtf8(protocol::typeName(rule.type));
    spec.description = fromUtf8(rule.description);
    if (rule.type == protocol::ParamType::Int) {
        if (rule.intMin)
            spec.min = static_cast<double>(*rule.intMin);
        if (rule.intMax)
            spec.max = static_cast<double>(*rule.intMax);
    } else if (rule.type == protocol::ParamType::Real) {
        spec.min = rule.realMin;
        spec.max = rule.realMax;
    }
    for (const std::string &choice : rule.choices)
        spec.choices << fromUtf8(choice);
    spec.required = rule.required;
    spec.rule = std::move(rule);
    return spec;
}

QString ParamSpec::check(const QStringList &values) const
{
    protocol::ParamValue value;
    const auto problem = protocol::readParam(rule, toStd(values), value);
    return problem ? fromUtf8(*problem) : QString();
}

QString ParamSpec::defaultText() const
{
    const protocol::ParamValue &value = rule.defaultValue;
    switch (rule.type) {
    case protocol::ParamType::Int:
        return QString::number(value.integer);
    case protocol::ParamType::Real:
        return formatNumber(value.real);
    case protocol::ParamType::Bool:
        return value.flag ? QStringLiteral("true") : QStringLiteral("false");
    case protocol::ParamType::Argv: {
        QStringList parts;
        for (const std::string &word : value.list)
            parts << shellQuote(fromUtf8(word));
        return parts.join(QLatin1Char(' '));
    }
    case protocol::ParamType::Text:
    case protocol::ParamType::Path:
    case protocol::ParamType::Choice:
        break;
    }
    return fromUtf8(value.text);
}

void KindSpec::addParam(protocol::ParamRule rule)
{
    rules.push_back(rule);
    params << ParamSpec::fromRule(std::move(rule));
}

const ParamSpec *KindSpec::param(const QString &paramName) const
{
    for (const ParamSpec &p : params) {
        if (p.name == paramName)
            return &p;
    }
    return nullptr;
}

QStringList KindSpec::paramNames() const
{
    QStringList names;
    for (const ParamSpec &p : params)
        names << p.name;
    return names;
}

QString KindSpec::check(const QList<JobParam> &given) const
{
    std::vector<protocol::Param> request;
    request.reserve(static_cast<std::size_t>(given.size()));
    for (const JobParam &p : given)
        request.push_back({p.key.toStdString(), toStd(p.values)});
    protocol::ParamValues values;
    const auto problem = protocol::readParams(name.toStdString(), rules, request, values);
    return problem ? fromUtf8(*problem) : QString();
}

const KindSpec *Catalog::find(const QString &name) const
{
    for (const KindSpec &k : kinds) {
        if (k.name == name)
            return &k;
    }
    return nullptr;
}

QStringList Catalog::kindNames() const
{
    QStringList names;
    for (const KindSpec &k : kinds)
        names << k.name;
    return names;
}

QString Catalog::unknownKindMessage(const QString &name) const
{
    std::vector<std::string> names;
    for (const KindSpec &k : kinds)
        names.push_back(k.name.toStdString());
    return fromUtf8(protocol::unknownKindMessage(name.toStdString(), {names.begin(), names.end()}));
}

namespace {

std::optional<Catalog> parseCatalog(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("the worker's catalog is not valid JSON (%1 at %2)")
                     .arg(parseError.errorString(), lineColumn(json, parseError.offset));
        return std::nullopt;
    }
    const QJsonObject root = doc.object();
    if (!root.value(u"kinds").isArray()) {
        *error = QStringLiteral("the worker's catalog has no \"kinds\" list");
        return std::nullopt;
    }
    Catalog catalog;
    catalog.worker = root.value(u"worker").toString();
    catalog.protocol = root.value(u"protocol").toInt();
    for (const QJsonValue &kv : root.value(u"kinds").toArray()) {
        const QJsonObject k = kv.toObject();
        KindSpec kind;
        kind.name = k.value(u"name").toString();
        if (kind.name.isEmpty()) {
            *error = QStringLiteral("the worker's catalog has a kind without a name");
            return std::nullopt;
        }
        kind.title = k.value(u"title").toString(kind.name);
        kind.description = k.value(u"description").toString();
        kind.category = k.value(u"category").toString(QStringLiteral("compute"));
        kind.containment = k.value(u"containment").toString();
        for (const QJsonValue &pv : k.value(u"params").toArray()) {
            auto rule = ruleFromJson(kind.name, pv.toObject(), error);
            if (!rule)
                return std::nullopt;
            kind.addParam(std::move(*rule));
        }
        catalog.kinds << kind;
    }
    return catalog;
}

std::optional<Catalog> loadCatalog(const WorkerLaunch &launch, QString *error, QByteArray *json)
{
    // execve's "Permission denied" does not say what is wrong with a path to a folder or to a
    // file that is no program; a bare name is looked up in PATH by QProcess.
    if (launch.program.contains(QLatin1Char('/'))) {
        const QFileInfo file(launch.program);
        QString problem;
        if (file.isDir())
            problem = QStringLiteral("it is a directory, not a program");
        else if (file.exists() && !file.isExecutable())
            problem = QStringLiteral("it is not executable");
        if (!problem.isEmpty()) {
            *error =
                QStringLiteral("cannot start the worker '%1': %2").arg(launch.program, problem);
            return std::nullopt;
        }
    }
    QProcess process;
    process.start(launch.program, launch.arguments + QStringList{QStringLiteral("--list-kinds")});
    if (!process.waitForStarted(10000)) {
        *error = QStringLiteral("cannot start the worker '%1': %2")
                     .arg(launch.program, startFailureReason(process.errorString()));
        return std::nullopt;
    }
    process.closeWriteChannel();
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished(-1);
        *error = QStringLiteral("the worker '%1' did not list its kinds within 10 s")
                     .arg(launch.program);
        return std::nullopt;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        // How it ended, then the last lines it wrote on stderr, if any.
        const int code = process.exitCode();
        QString why = QStringLiteral("exited with code %1").arg(code);
        if (process.exitStatus() == QProcess::CrashExit)
            why = QStringLiteral("killed by %1").arg(describeSignal(code));
        QStringList lines = QString::fromLocal8Bit(process.readAllStandardError())
                                .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        if (lines.size() > 5)
            lines = lines.mid(lines.size() - 5);
        if (!lines.isEmpty())
            why += QStringLiteral("; stderr: ") + lines.join(QStringLiteral(" | ")).right(500);
        *error =
            QStringLiteral("the worker '%1' failed to list its kinds: %2").arg(launch.program, why);
        return std::nullopt;
    }
    const QByteArray output = process.readAllStandardOutput();
    if (json)
        *json = output;
    return parseCatalog(output, error);
}

} // namespace

// Both run on background threads (the catalog pane loads through QtConcurrent): whatever goes
// wrong inside, out of memory above all, is an error, never an exception through Qt.
template<class Load>
std::optional<Catalog> guarded(QString *error, Load load)
{
    try {
        return load();
    } catch (const std::bad_alloc &) {
        *error = QStringLiteral("not enough memory to read the worker's catalog");
    } catch (const std::exception &e) {
        *error = QStringLiteral("internal error reading the worker's catalog: %1")
                     .arg(QString::fromLocal8Bit(e.what()));
    } catch (...) {
        *error = QStringLiteral("internal error reading the worker's catalog");
    }
    return std::nullopt;
}

std::optional<Catalog> Catalog::parse(const QByteArray &json, QString *error)
{
    return guarded(error, [&] { return parseCatalog(json, error); });
}

std::optional<Catalog> Catalog::load(const WorkerLaunch &launch, QString *error, QByteArray *json)
{
    return guarded(error, [&] { return loadCatalog(launch, error, json); });
}

} // namespace longrun
