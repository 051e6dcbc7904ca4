#pragma once

// SelectedJobModel: the one row of a job model whose id is jobId, or no row. GUI thread; the QML
// engine owns it. The details pane shows the selected job through it, so that the heavy roles
// (the plot's series, result values, stderr) are read for that job alone and the job list's
// delegates stay light.

#include <QtCore/QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

namespace longrun {

// Not final: QML_ELEMENT registration derives from it.
class SelectedJobModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT

    // Any model with a "jobId" role: TaskController.model or TaskController.jobs.
    Q_PROPERTY(QAbstractItemModel *jobs READ sourceModel WRITE setJobs NOTIFY jobsChanged)
    Q_PROPERTY(int jobId READ jobId WRITE setJobId NOTIFY jobIdChanged)
    Q_PROPERTY(bool found READ found NOTIFY foundChanged)

public:
    explicit SelectedJobModel(QObject *parent = nullptr);

    void setJobs(QAbstractItemModel *jobs);
    [[nodiscard]] int jobId() const { return m_jobId; }
    void setJobId(int id);
    [[nodiscard]] bool found() const { return m_found; }

Q_SIGNALS:
    void jobsChanged();
    void jobIdChanged();
    void foundChanged();

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow,
                                        const QModelIndex &sourceParent) const override;

private:
    void updateFound();

    int m_jobId = -1;
    int m_idRole = -1;
    bool m_found = false;
};

} // namespace longrun
