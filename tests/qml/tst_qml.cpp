// The Qt Quick Test runner for tests/qml/tst_*.qml: one TaskController for all of them, with
// the freshly built worker (LONGRUN_WORKER, set by ctest).

#include "control/taskcontroller.h"

#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtQml/QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickControls2/QQuickStyle>
#include <QtQuickTest/quicktest.h>

#include <memory>

Q_IMPORT_QML_PLUGIN(Longrun_BackendPlugin)
Q_IMPORT_QML_PLUGIN(Longrun_UiPlugin)

class Setup : public QObject
{
    Q_OBJECT

public slots:
    void applicationAvailable()
    {
        QQuickStyle::setStyle(QStringLiteral("Fusion"));
        // What the window remembers (WindowSettings.qml) goes to a private, empty place.
        QCoreApplication::setOrganizationName(QStringLiteral("longrun"));
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        m_controller = std::make_unique<longrun::TaskController>();
        longrun::TaskController::setInstance(m_controller.get());
        m_controller->reloadCatalog();
    }

    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    }

    void cleanupTestCase()
    {
        // Leave no worker behind; the controller goes while the application still exists.
        m_controller->cancelAll();
        m_controller.reset();
        longrun::TaskController::setInstance(nullptr);
    }

private:
    QTemporaryDir m_settingsDir;
    std::unique_ptr<longrun::TaskController> m_controller;
};

QUICK_TEST_MAIN_WITH_SETUP(longrun_ui, Setup)

#include "tst_qml.moc"
