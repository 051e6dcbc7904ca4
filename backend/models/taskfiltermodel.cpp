#include "models/taskfiltermodel.h"

#include "models/taskmodel.h"

namespace longrun {

TaskFilterModel::TaskFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setFilterRole(TaskModel::StateRole);
    setDynamicSortFilter(true);
    connect(this, &QAbstractItemModel::rowsInserted, this, &TaskFilterModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &TaskFilterModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &TaskFilterModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &TaskFilterModel::countChanged);
}

void TaskFilterModel::setFilter(const QString &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    invalidateRowsFilter();
    emit filterChanged();
    emit countChanged();
}

bool TaskFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filter == u"all" || m_filter.isEmpty())
        return true;
    const auto state =
        sourceModel()->index(sourceRow, 0, sourceParent).data(TaskModel::StateRole).value<State>();
    if (m_filter == u"active")
        return !isTerminal(state);
    if (m_filter == u"failed")
        return state == State::Failed || state == State::TimedOut;
    if (m_filter == u"running")
        return state == State::Running || state == State::Starting;
    return stateKey(state) == m_filter;
}

int TaskFilterModel::idAt(int row) const
{
    const QModelIndex idx = index(row, 0);
    return idx.isValid() ? idx.data(TaskModel::IdRole).toInt() : -1;
}

int TaskFilterModel::rowOfId(int id) const
{
    const auto *source = qobject_cast<const TaskModel *>(sourceModel());
    if (!source)
        return -1;
    const int sourceRow = source->rowOf(id);
    if (sourceRow < 0)
        return -1;
    return mapFromSource(source->index(sourceRow)).row();
}

} // namespace longrun
