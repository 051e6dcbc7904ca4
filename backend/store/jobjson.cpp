#include "store/jobjson.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

namespace longrun {

QString paramsToJson(const JobSpec &spec)
{
    QJsonArray params;
    for (const JobParam &p : spec.params) {
        params.append(QJsonObject{{QStringLiteral("key"), p.key},
                                  {QStringLiteral("values"), QJsonArray::fromStringList(p.values)},
                                  {QStringLiteral("list"), p.isList}});
    }
    return QString::fromUtf8(QJsonDocument(params).toJson(QJsonDocument::Compact));
}

std::optional<QList<JobParam>> paramsFromJson(const QString &json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
    if (!doc.isArray())
        return std::nullopt;
    QList<JobParam> params;
    for (const QJsonValue &item : doc.array()) {
        const QJsonObject object = item.toObject();
        if (!object.value(u"key").isString() || !object.value(u"values").isArray())
            return std::nullopt;
        JobParam param;
        param.key = object.value(u"key").toString();
        for (const QJsonValue &value : object.value(u"values").toArray()) {
            if (!value.isString())
                return std::nullopt;
            param.values << value.toString();
        }
        param.isList = object.value(u"list").toBool();
        params << param;
    }
    return params;
}

QString valuesToJson(const QVariantMap &values)
{
    if (values.isEmpty())
        return {};
    return QString::fromUtf8(
        QJsonDocument(QJsonObject::fromVariantMap(values)).toJson(QJsonDocument::Compact));
}

} // namespace longrun
