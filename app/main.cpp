// longrun: the window, or with --headless the same engine for scripts and CI.

#include "cli/headless.h"
#include "control/taskcontroller.h"
#include "system/signalwatcher.h"

#include <QtCore/QCommandLineParser>
#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickControls2/QQuickStyle>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(Longrun_BackendPlugin)
Q_IMPORT_QML_PLUGIN(Longrun_UiPlugin)

namespace {

bool wantsHeadless(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--headless" || arg == "--list-kinds")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    if (wantsHeadless(argc, argv)) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("longrun"));
        QCoreApplication::setApplicationVersion(QStringLiteral(LONGRUN_VERSION));
        return longrun::runHeadless(QCoreApplication::arguments());
    }

    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        std::fputs(
            "longrun: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset).\n"
            "Run jobs without a window with 'longrun --headless JOB...' (see --headless --help),\n"
            "or try 'longrun --headless --demo'.\n",
            stderr);
        return 2;
    }

    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("longrun"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("longrun"));
    QGuiApplication::setApplicationVersion(QStringLiteral(LONGRUN_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("longrun"));
    // One style on purpose: Fusion looks the same everywhere, so screenshots and tests are stable.
    QQuickStyle::setStyle(QStringLiteral("Fusion"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs many long jobs at once, each in its own process."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(
        {QStringLiteral("worker"), QStringLiteral("The worker program."), QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("concurrency"), QStringLiteral("Jobs to run at once."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("jobs"),
                      QStringLiteral("Load jobs from a JSON file at start."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("headless"),
                      QStringLiteral("Run without a window; see longrun --headless --help.")});
    parser.process(app);

    longrun::TaskController controller;
    if (parser.isSet(QStringLiteral("worker")))
        controller.setWorkerLaunch({parser.value(QStringLiteral("worker")), {}});
    if (parser.isSet(QStringLiteral("concurrency")))
        controller.setConcurrency(parser.value(QStringLiteral("concurrency")).toInt());
    longrun::TaskController::setInstance(&controller);
    controller.reloadCatalog();
    if (parser.isSet(QStringLiteral("jobs"))) {
        QObject::connect(
            controller.catalog(), &longrun::CatalogModel::loaded, &controller,
            [&] {
                controller.loadJobsFile(QUrl::fromLocalFile(parser.value(QStringLiteral("jobs"))));
            },
            Qt::SingleShotConnection);
    }

    // A signal (logout, kill) asks no question: cancel everything and leave no process behind.
    longrun::SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &longrun::SignalWatcher::signalled, &controller,
                     [&controller] { controller.shutdown(); });
    // exit(), not quit(): since Qt 6 a QGuiApplication's quit() first asks every window to close,
    // and the window refuses while a shutdown is under way, so quit() would never leave.
    QObject::connect(&controller, &longrun::TaskController::shutdownFinished, &app,
                     [] { QCoreApplication::exit(0); });

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
        [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Longrun/Ui/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    return app.exec();
}
