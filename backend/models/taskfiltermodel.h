#pragma once

// TaskFilterModel: the job list as the window shows it, filtered by state. GUI thread.
// The filter looks at one role of the changed rows only, so progress floods cost nothing here.

#include <QtCore/QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

namespace longrun {

class TaskFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("TaskFilterModel is owned by TaskController")

    // "all", "active" (queued, starting, running, paused), "queued", "running", "paused",
    // "succeeded", "failed" (failed and timed out), "canceled".
    Q_PROPERTY(QString filter READ filter WRITE setFilter NOTIFY filterChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    explicit TaskFilterModel(QObject *parent = nullptr);

    [[nodiscard]] QString filter() const { return m_filter; }
    void setFilter(const QString &filter);
    [[nodiscard]] int count() const { return rowCount(); }

    // The job id at a row of this (filtered) view, or -1.
    Q_INVOKABLE int idAt(int row) const;
    // The row of a job in this view, or -1 when it is filtered out.
    Q_INVOKABLE int rowOfId(int id) const;

Q_SIGNALS:
    void filterChanged();
    void countChanged();

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow,
                                        const QModelIndex &sourceParent) const override;

private:
    QString m_filter = QStringLiteral("all");
};

} // namespace longrun
