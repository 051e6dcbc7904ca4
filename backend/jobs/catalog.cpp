#include "jobs/catalog.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>

#include <cmath>
#include <cstring>

namespace longrun {

namespace {

QString formatNumber(double v)
{
    if (std::abs(v) < 9.0e15 && v == std::floor(v))
        return QString::number(static_cast<qint64>(v));
    return QString::number(v, 'g', 17);
}

QString rangeText(const ParamSpec &spec)
{
    if (spec.min && spec.max)
        return QStringLiteral(" from %1 to %2")
            .arg(formatNumber(*spec.min), formatNumber(*spec.max));
    if (spec.min)
        return QStringLiteral(" of at least %1").arg(formatNumber(*spec.min));
    if (spec.max)
        return QStringLiteral(" of at most %1").arg(formatNumber(*spec.max));
    return {};
}

bool parseBool(const QString &text, bool *ok)
{
    const QString t = text.trimmed().toLower();
    *ok = true;
    if (t == u"true" || t == u"1" || t == u"yes" || t == u"on")
        return true;
    if (t == u"false" || t == u"0" || t == u"no" || t == u"off")
        return false;
    *ok = false;
    return false;
}

// Line and column of a byte offset, for JSON syntax errors.
QString lineColumn(const QByteArray &json, int offset)
{
    int line = 1;
    int column = 1;
    for (int i = 0; i < offset && i < json.size(); ++i) {
        if (json.at(i) == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return QStringLiteral("line %1, column %2").arg(line).arg(column);
}

} // namespace

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

QString ParamSpec::check(const QStringList &values) const
{
    if (type == u"argv") {
        if (values.isEmpty() || values.first().isEmpty())
            return QStringLiteral("parameter '%1' needs a command to run").arg(name);
        return {};
    }
    if (values.size() != 1)
        return QStringLiteral("parameter '%1' takes one value, got %2")
            .arg(name)
            .arg(values.size());
    const QString &v = values.first();
    if (type == u"int") {
        bool ok = false;
        const qlonglong n = v.trimmed().toLongLong(&ok);
        if (!ok || (min && static_cast<double>(n) < *min) || (max && static_cast<double>(n) > *max))
            return QStringLiteral("parameter '%1' must be an integer%2, got '%3'")
                .arg(name, rangeText(*this), v);
    } else if (type == u"real") {
        bool ok = false;
        const double d = v.trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(d) || (min && d < *min) || (max && d > *max))
            return QStringLiteral("parameter '%1' must be a number%2, got '%3'")
                .arg(name, rangeText(*this), v);
    } else if (type == u"bool") {
        bool ok = false;
        parseBool(v, &ok);
        if (!ok)
            return QStringLiteral("parameter '%1' must be true or false, got '%2'").arg(name, v);
    } else if (type == u"choice") {
        if (!choices.contains(v))
            return QStringLiteral("parameter '%1' must be one of %2, got '%3'")
                .arg(name, choices.join(QStringLiteral(", ")), v);
    } else if (required && v.isEmpty()) {
        return QStringLiteral("parameter '%1' is required").arg(name);
    }
    return {};
}

std::optional<QStringList> ParamSpec::fromJson(const QJsonValue &value, QString *error) const
{
    switch (value.type()) {
    case QJsonValue::String:
        return fromText(value.toString());
    case QJsonValue::Double:
        if (type == u"argv" || type == u"bool" || type == u"choice")
            break;
        return QStringList{formatNumber(value.toDouble())};
    case QJsonValue::Bool:
        if (type != u"bool")
            break;
        return QStringList{value.toBool() ? QStringLiteral("true") : QStringLiteral("false")};
    case QJsonValue::Array: {
        if (type != u"argv")
            break;
        QStringList values;
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isString()) {
                *error = QStringLiteral("element %1 of '%2' must be a string").arg(i + 1).arg(name);
                return std::nullopt;
            }
            values << array.at(i).toString();
        }
        return values;
    }
    default:
        break;
    }
    static const QHash<QString, QString> expected = {
        {QStringLiteral("int"), QStringLiteral("an integer")},
        {QStringLiteral("real"), QStringLiteral("a number")},
        {QStringLiteral("bool"), QStringLiteral("true or false")},
        {QStringLiteral("argv"), QStringLiteral("a list of strings or a command line")},
    };
    *error = QStringLiteral("'%1' must be %2")
                 .arg(name, expected.value(type, QStringLiteral("a string")));
    return std::nullopt;
}

QStringList ParamSpec::fromText(const QString &text) const
{
    // An unterminated quote gives no words, which check() reports as "needs a command"; the
    // callers that can say more (the command field, the CLI) call splitCommandLine() first.
    if (type == u"argv")
        return splitCommandLine(text).value_or(QStringList{});
    return {text};
}

QString ParamSpec::defaultText() const
{
    switch (defaultValue.type()) {
    case QJsonValue::Double:
        return formatNumber(defaultValue.toDouble());
    case QJsonValue::Bool:
        return defaultValue.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::String:
        return defaultValue.toString();
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue &v : defaultValue.toArray()) {
            parts << shellQuote(v.toString());
        }
        return parts.join(QLatin1Char(' '));
    }
    default:
        return {};
    }
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
    QStringList seen;
    for (const JobParam &p : given) {
        const ParamSpec *spec = param(p.key);
        if (!spec) {
            return QStringLiteral("%1: unknown parameter '%2' (known: %3)")
                .arg(name, p.key,
                     params.isEmpty() ? QStringLiteral("none")
                                      : paramNames().join(QStringLiteral(", ")));
        }
        if (seen.contains(p.key))
            return QStringLiteral("%1: parameter '%2' is given twice").arg(name, p.key);
        seen << p.key;
        if (const QString problem = spec->check(p.values); !problem.isEmpty())
            return name + QStringLiteral(": ") + problem;
    }
    for (const ParamSpec &spec : params) {
        if (spec.required && !seen.contains(spec.name))
            return QStringLiteral("%1: parameter '%2' is required").arg(name, spec.name);
    }
    return {};
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

std::optional<Catalog> Catalog::parse(const QByteArray &json, QString *error)
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
        for (const QJsonValue &pv : k.value(u"params").toArray()) {
            const QJsonObject p = pv.toObject();
            ParamSpec spec;
            spec.name = p.value(u"name").toString();
            spec.type = p.value(u"type").toString(QStringLiteral("text"));
            spec.description = p.value(u"description").toString();
            spec.defaultValue = p.value(u"default");
            if (p.value(u"min").isDouble())
                spec.min = p.value(u"min").toDouble();
            if (p.value(u"max").isDouble())
                spec.max = p.value(u"max").toDouble();
            for (const QJsonValue &c : p.value(u"choices").toArray())
                spec.choices << c.toString();
            spec.required = p.value(u"required").toBool();
            kind.params << spec;
        }
        catalog.kinds << kind;
    }
    return catalog;
}

std::optional<Catalog> Catalog::load(const WorkerLaunch &launch, QString *error, QByteArray *json)
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
        if (process.exitStatus() == QProcess::CrashExit) {
            const char *abbrev = ::sigabbrev_np(code);
            why = abbrev ? QStringLiteral("killed by SIG%1 (%2)")
                               .arg(QString::fromLatin1(abbrev),
                                    QString::fromLocal8Bit(::strsignal(code)))
                         : QStringLiteral("killed by signal %1").arg(code);
        }
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
    return parse(output, error);
}

std::optional<JobSpec> parseJobArgument(const QString &text, const Catalog &catalog, QString *error)
{
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    JobSpec spec;
    spec.kind = text.left(colon < 0 ? text.size() : colon).trimmed();
    const KindSpec *kind = catalog.find(spec.kind);
    if (!kind) {
        *error = QStringLiteral("unknown job kind '%1'; known kinds: %2")
                     .arg(spec.kind, catalog.kindNames().join(QStringLiteral(", ")));
        return std::nullopt;
    }
    QString rest = colon < 0 ? QString() : text.mid(colon + 1);
    while (!rest.isEmpty()) {
        const qsizetype eq = rest.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            *error = QStringLiteral("%1: expected key=value, got '%2'").arg(spec.kind, rest);
            return std::nullopt;
        }
        const QString key = rest.left(eq).trimmed();
        const ParamSpec *param = kind->param(key);
        QString value;
        if (param && param->type == u"argv") {
            value = rest.mid(eq + 1);
            rest.clear();
            if (!splitCommandLine(value, error))
                return std::nullopt;
        } else {
            const qsizetype comma = rest.indexOf(QLatin1Char(','), eq);
            value = rest.mid(eq + 1, comma < 0 ? -1 : comma - eq - 1);
            rest = comma < 0 ? QString() : rest.mid(comma + 1);
        }
        spec.params << JobParam{key, param ? param->fromText(value) : QStringList{value},
                                param && param->type == u"argv"};
    }
    if (const QString problem = kind->check(spec.params); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    return spec;
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
        const QString where = QStringLiteral("%1: job %2").arg(name).arg(i + 1);
        if (!array.at(i).isObject()) {
            *error = where + QStringLiteral(": expected an object with \"kind\" and \"params\"");
            return std::nullopt;
        }
        const QJsonObject job = array.at(i).toObject();
        for (auto it = job.begin(); it != job.end(); ++it) {
            if (it.key() != u"kind" && it.key() != u"params") {
                *error = where
                         + QStringLiteral(": unknown field '%1' (expected \"kind\" and \"params\")")
                               .arg(it.key());
                return std::nullopt;
            }
        }
        if (!job.value(u"kind").isString()) {
            *error = where + QStringLiteral(": field 'kind' must be a string naming a job kind");
            return std::nullopt;
        }
        JobSpec spec;
        spec.kind = job.value(u"kind").toString();
        const KindSpec *kind = catalog.find(spec.kind);
        if (!kind) {
            *error = where
                     + QStringLiteral(": field 'kind': unknown job kind '%1'; known kinds: %2")
                           .arg(spec.kind, catalog.kindNames().join(QStringLiteral(", ")));
            return std::nullopt;
        }
        const QJsonValue params = job.value(u"params");
        if (!params.isUndefined() && !params.isObject()) {
            *error = where + QStringLiteral(": field 'params' must be an object");
            return std::nullopt;
        }
        const QJsonObject object = params.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const ParamSpec *param = kind->param(it.key());
            if (!param) {
                *error =
                    where
                    + QStringLiteral(": field 'params.%1': unknown parameter for %2 (known: %3)")
                          .arg(it.key(), spec.kind, kind->paramNames().join(QStringLiteral(", ")));
                return std::nullopt;
            }
            QString problem;
            const std::optional<QStringList> values = param->fromJson(it.value(), &problem);
            if (!values) {
                *error = where + QStringLiteral(": field 'params.%1': %2").arg(it.key(), problem);
                return std::nullopt;
            }
            spec.params << JobParam{it.key(), *values, param->type == u"argv"};
        }
        if (const QString problem = kind->check(spec.params); !problem.isEmpty()) {
            *error = where + QStringLiteral(": ") + problem;
            return std::nullopt;
        }
        specs << spec;
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
