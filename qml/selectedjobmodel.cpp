#include "selectedjobmodel.h"

namespace longrun {

SelectedJobModel::SelectedJobModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // A job's id never changes, so a data change never moves it in or out of this view: no need
    // to re-filter on every progress update.
    setDynamicSortFilter(false);
    connect(this, &QAbstractItemModel::rowsInserted, this, &SelectedJobModel::updateFound);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &SelectedJobModel::updateFound);
    connect(this, &QAbstractItemModel::modelReset, this, &SelectedJobModel::updateFound);
    connect(this, &QAbstractItemModel::layoutChanged, this, &SelectedJobModel::updateFound);
}

void SelectedJobModel::setJobs(QAbstractItemModel *jobs)
{
    if (jobs == sourceModel())
        return;
    m_idRole = jobs ? jobs->roleNames().key(QByteArrayLiteral("jobId"), -1) : -1;
    setSourceModel(jobs);
    emit jobsChanged();
    updateFound();
}

void SelectedJobModel::setJobId(int id)
{
    if (id == m_jobId)
        return;
    m_jobId = id;
    invalidateFilter();
    emit jobIdChanged();
    updateFound();
}

bool SelectedJobModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_jobId < 0 || m_idRole < 0)
        return false;
    return sourceModel()->index(sourceRow, 0, sourceParent).data(m_idRole).toInt() == m_jobId;
}

void SelectedJobModel::updateFound()
{
    const bool now = rowCount() > 0;
    if (now == m_found)
        return;
    m_found = now;
    emit foundChanged();
}

} // namespace longrun
