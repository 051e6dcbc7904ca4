#include "models/catalogmodel.h"

#include "jobs/specbuilder.h"
#include "system/background.h"

#include <QtConcurrent/QtConcurrentRun>

namespace longrun {

CatalogModel::CatalogModel(QObject *parent)
    : QAbstractListModel(parent)
{
    connect(&m_watcher, &QFutureWatcher<LoadResult>::finished, this, [this] {
        const LoadResult result = m_watcher.result();
        emit loadingChanged();
        if (result.catalog) {
            setCatalog(*result.catalog);
        } else {
            m_error = result.error;
            emit errorChanged();
        }
    });
}

CatalogModel::~CatalogModel()
{
    m_watcher.waitForFinished();
}

int CatalogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_catalog.kinds.size());
}

QHash<int, QByteArray> CatalogModel::roleNames() const
{
    return {
        {NameRole, "name"},         {TitleRole, "title"},   {DescriptionRole, "description"},
        {CategoryRole, "category"}, {ParamsRole, "params"},
    };
}

QVariant CatalogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const KindSpec &kind = m_catalog.kinds.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return kind.title;
    case NameRole:
        return kind.name;
    case DescriptionRole:
        return kind.description;
    case CategoryRole:
        return kind.category;
    case ParamsRole: {
        QVariantList params;
        for (const ParamSpec &p : kind.params) {
            params << QVariantMap{
                {QStringLiteral("name"), p.name},
                {QStringLiteral("type"), p.type},
                {QStringLiteral("description"), p.description},
                {QStringLiteral("defaultText"), p.defaultText()},
                {QStringLiteral("min"), p.min ? QVariant(*p.min) : QVariant()},
                {QStringLiteral("max"), p.max ? QVariant(*p.max) : QVariant()},
                {QStringLiteral("choices"), p.choices},
                {QStringLiteral("required"), p.required},
            };
        }
        return params;
    }
    default:
        return {};
    }
}

void CatalogModel::load(const WorkerLaunch &launch)
{
    if (m_watcher.isRunning())
        return;
    m_watcher.setFuture(QtConcurrent::run(backgroundPool(), [launch] {
        LoadResult result;
        result.catalog = Catalog::load(launch, &result.error);
        return result;
    }));
    emit loadingChanged();
}

void CatalogModel::setCatalog(const Catalog &catalog)
{
    beginResetModel();
    m_catalog = catalog;
    endResetModel();
    if (!m_error.isEmpty()) {
        m_error.clear();
        emit errorChanged();
    }
    emit loaded();
}

QString CatalogModel::checkParam(const QString &kind, const QString &name,
                                 const QString &text) const
{
    const KindSpec *k = m_catalog.find(kind);
    const ParamSpec *p = k ? k->param(name) : nullptr;
    if (!p)
        return tr("unknown parameter");
    return checkField(*p, text);
}

int CatalogModel::indexOf(const QString &kind) const
{
    for (qsizetype i = 0; i < m_catalog.kinds.size(); ++i) {
        if (m_catalog.kinds.at(i).name == kind)
            return static_cast<int>(i);
    }
    return -1;
}

} // namespace longrun
