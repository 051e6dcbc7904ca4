#pragma once

// CatalogModel: the job kinds the worker supports, for the catalog pane. GUI thread.
// Loaded from `longrun-worker --list-kinds` on a QtConcurrent thread, so that a slow or stuck
// worker never freezes the window.

#include "jobs/catalog.h"

#include <QtCore/QAbstractListModel>
#include <QtCore/QFutureWatcher>
#include <QtQml/qqmlregistration.h>

namespace longrun {

class CatalogModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("CatalogModel is owned by TaskController")

    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString worker READ worker NOTIFY loaded)

public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        TitleRole,
        DescriptionRole,
        CategoryRole,
        ParamsRole,
    };
    Q_ENUM(Role)

    explicit CatalogModel(QObject *parent = nullptr);
    ~CatalogModel() override;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    [[nodiscard]] bool loading() const { return m_watcher.isRunning(); }
    [[nodiscard]] QString error() const { return m_error; }
    [[nodiscard]] QString worker() const { return m_catalog.worker; }
    [[nodiscard]] const Catalog &catalog() const { return m_catalog; }

    // Starts loading in the background; emits loaded() or errorChanged().
    void load(const WorkerLaunch &launch);
    // Replaces the catalog at once (the CLI loads it synchronously).
    void setCatalog(const Catalog &catalog);

    // The problem with one field's text, or "" when it is fine: for validation messages.
    Q_INVOKABLE QString checkParam(const QString &kind, const QString &name,
                                   const QString &text) const;
    Q_INVOKABLE int indexOf(const QString &kind) const;

Q_SIGNALS:
    void loaded();
    void loadingChanged();
    void errorChanged();

private:
    struct LoadResult
    {
        std::optional<Catalog> catalog;
        QString error;
    };

    Catalog m_catalog;
    QString m_error;
    QFutureWatcher<LoadResult> m_watcher;
};

} // namespace longrun
