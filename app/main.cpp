// longrun: the window, or with --headless the same engine for scripts and CI. The command line
// is parsed once (cli/options.h) before any application object exists, so that --help,
// --version and the headless run never need a display.

#include "cli/headless.h"
#include "cli/logcommand.h"
#include "cli/lookback.h"
#include "cli/options.h"
#include "control/taskcontroller.h"
#include "system/resources.h"
#include "system/signalwatcher.h"

#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickControls2/QQuickStyle>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(Longrun_BackendPlugin)
Q_IMPORT_QML_PLUGIN(Longrun_UiPlugin)

namespace {

void setNames()
{
    QCoreApplication::setApplicationName(QStringLiteral("longrun"));
    QCoreApplication::setApplicationVersion(longrun::longrunVersion());
}

bool haveDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY")
           || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
           || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

int runWindow(int argc, char **argv, const longrun::CliOptions &options)
{
    QGuiApplication app(argc, argv);
    setNames();
    // What the window remembers (WindowSettings.qml) goes to ~/.config/longrun/longrun.conf.
    QCoreApplication::setOrganizationName(QStringLiteral("longrun"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("longrun"));
    QGuiApplication::setDesktopFileName(QStringLiteral("longrun"));
    // One style on purpose: Fusion looks the same everywhere, so screenshots and tests are stable.
    QQuickStyle::setStyle(QStringLiteral("Fusion"));

    longrun::TaskController controller;
    if (QString error; !longrun::configureController(options, controller, &error))
        return longrun::usageError(error);
    longrun::TaskController::setInstance(&controller);
    if (!options.noHistory)
        controller.openHistory(QStringLiteral("window"));
    controller.reloadCatalog();
    if (!options.jobsFiles.isEmpty()) {
        QObject::connect(
            controller.catalog(), &longrun::CatalogModel::loaded, &controller,
            [&controller, files = options.jobsFiles] { controller.loadJobsFiles(files); },
            Qt::SingleShotConnection);
    }

    // A signal (logout, kill, a closed terminal) asks no question: cancel everything and leave
    // no process behind.
    longrun::SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &longrun::SignalWatcher::signalled, &controller,
                     [&controller] { controller.shutdown(); });
    // exit(), not quit(): since Qt 6 a QGuiApplication's quit() first asks every window to close,
    // and the window refuses while a shutdown is under way, so quit() would never leave.
    QObject::connect(&controller, &longrun::TaskController::shutdownFinished, &app,
                     [] { QCoreApplication::exit(0); });

    const int concurrency = controller.concurrency(); // as configureController() left it
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
        [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Longrun/Ui/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    // The window restored the knobs it remembers; a --concurrency on the command line wins.
    if (options.concurrency)
        controller.setConcurrency(concurrency);
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    // Each running job holds descriptors; the soft default of 1024 is a relic of select().
    longrun::raiseOpenFileLimit();
    QString error;
    const std::optional<longrun::CliOptions> options =
        longrun::parseCommandLine(longrun::argumentsOf(argc, argv), &error);
    if (!options)
        return longrun::usageError(error);

    if (options->help || options->version || options->headless) {
        QCoreApplication app(argc, argv);
        setNames();
        if (options->help || options->version) {
            const QByteArray text =
                (options->help ? longrun::helpText(options->command) : longrun::versionText())
                    .toLocal8Bit();
            std::fwrite(text.constData(), 1, static_cast<std::size_t>(text.size()), stdout);
            return std::fflush(stdout) == 0 ? longrun::kExitOk : longrun::kExitOutputError;
        }
        if (options->command == longrun::Command::Log)
            return longrun::runLogCommand(*options);
        if (options->command != longrun::Command::Run)
            return longrun::runLookBack(*options);
        return longrun::runHeadless(*options);
    }

    if (!haveDisplay()) {
        std::fputs(
            "longrun: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset).\n"
            "Run jobs without a window with 'longrun --headless JOB...' (see --help),\n"
            "or try 'longrun --headless --demo'.\n",
            stderr);
        return longrun::kExitUsage;
    }
    return runWindow(argc, argv, *options);
}
