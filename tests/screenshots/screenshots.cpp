// longrun-screenshots: drives the real window through a scenario and saves PNGs of it.
// Run by take-screenshots.sh under xvfb-run (or offscreen): it links the same modules as the
// app, loads qrc:/qt/qml/Longrun/Ui/Main.qml, queues jobs through TaskController, selects rows
// through the job list's currentIndex and grabs the window.

#include "control/taskcontroller.h"
#include "desktop/colorscheme.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>
#include <QtQuickControls2/QQuickStyle>

#include <cstdio>
#include <functional>

Q_IMPORT_QML_PLUGIN(Longrun_BackendPlugin)
Q_IMPORT_QML_PLUGIN(Longrun_UiPlugin)

namespace {

using longrun::State;
using longrun::TaskController;

bool waitFor(const std::function<bool()> &done, int timeoutMs, const char *what)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired()) {
            std::fprintf(stderr, "longrun-screenshots: gave up waiting for %s\n", what);
            return false;
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(10);
    }
    return true;
}

// Lets the window catch up (bindings, layout, image loading, a few frames).
void settle(int ms)
{
    QDeadlineTimer deadline(ms);
    while (!deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
}

class Shooter
{
public:
    Shooter(QQuickWindow *window, TaskController *controller, QString outDir)
        : m_window(window)
        , m_controller(controller)
        , m_outDir(std::move(outDir))
    {}

    bool save(const QString &name)
    {
        settle(400);
        const QImage image = m_window->grabWindow();
        const QString path = QDir(m_outDir).filePath(name + QStringLiteral(".png"));
        if (image.isNull() || !image.save(path)) {
            std::fprintf(stderr, "longrun-screenshots: could not save %s\n", qPrintable(path));
            return false;
        }
        std::printf("%s\n", qPrintable(path));
        return true;
    }

    void select(int id)
    {
        auto *list = m_window->findChild<QQuickItem *>(QStringLiteral("jobList"));
        if (!list)
            return;
        const int row = m_controller->jobs()->rowOfId(id);
        list->setProperty("currentIndex", row);
        QMetaObject::invokeMethod(list, "positionViewAtIndex", Q_ARG(int, row),
                                  Q_ARG(int, 4 /* Contain */));
    }

    // The first job of a kind in a state, or -1.
    int find(const QString &kind, const std::function<bool(const longrun::TaskRow &)> &pred) const
    {
        const longrun::TaskModel &model = *m_controller->model();
        for (int r = 0; r < model.rowCount(); ++r) {
            const longrun::TaskRow &row = model.at(r);
            if (row.spec.kind == kind && pred(row))
                return row.id;
        }
        return -1;
    }

    // The History tab, once its first page is in.
    bool showHistory()
    {
        auto *tabs = m_window->findChild<QQuickItem *>(QStringLiteral("viewTabs"));
        if (!tabs)
            return false;
        tabs->setProperty("currentIndex", 1);
        m_controller->pastJobs()->reload();
        return waitFor(
            [&] {
                return !m_controller->pastJobs()->loading()
                       && m_controller->pastJobs()->rowCount() > 0;
            },
            10000, "the history's first page");
    }

    // The newest stored job in `state` selected in the History view.
    bool selectHistory(const QString &state)
    {
        auto *list = m_window->findChild<QQuickItem *>(QStringLiteral("historyList"));
        longrun::HistoryModel &model = *m_controller->pastJobs();
        for (int row = 0; list; ++row) {
            // Past the rows loaded: the next page (the 500 canceled sleeps come first).
            if (row == model.rowCount()) {
                if (!model.canFetchMore({}))
                    return false;
                model.fetchMore({});
                if (!waitFor([&] { return model.rowCount() > row || !model.canFetchMore({}); },
                             10000, "a page"))
                    return false;
            }
            if (model.jobAt(row)->state == state) {
                list->setProperty("currentIndex", row);
                QMetaObject::invokeMethod(list, "positionViewAtIndex", Q_ARG(int, row),
                                          Q_ARG(int, 1 /* Center */));
                return true;
            }
        }
        return false;
    }

    // The same view in the dark colours too (then back to light), saved as `name`.
    bool saveDark(longrun::ColorScheme *colors, const QString &name)
    {
        if (colors == nullptr)
            return false;
        colors->setPreference(QStringLiteral("dark"));
        const bool saved = save(name);
        colors->setPreference(QStringLiteral("light"));
        return saved;
    }

    void resize(int w, int h)
    {
        m_window->resize(w, h);
        settle(300);
    }

private:
    QQuickWindow *m_window;
    TaskController *m_controller;
    QString m_outDir;
};

QVariantMap params(std::initializer_list<std::pair<QString, QVariant>> list)
{
    QVariantMap map;
    for (const auto &[key, value] : list)
        map.insert(key, value);
    return map;
}

} // namespace

int main(int argc, char **argv)
{
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("longrun"));
    QGuiApplication::setOrganizationName(QStringLiteral("longrun"));
    // The window's remembered settings (WindowSettings.qml) from an empty private file, never
    // the user's: every screenshot shows the defaults.
    QTemporaryDir settingsDir;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
    QQuickStyle::setStyle(QStringLiteral("Fusion"));

    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("dir"), QStringLiteral("Where to save the PNGs."));
    parser.process(app);
    const QString outDir = parser.positionalArguments().value(0, QStringLiteral("."));
    QDir().mkpath(outDir);

    // A history of its own, for the History view's shots.
    QTemporaryDir dataDir;
    TaskController controller;
    TaskController::setInstance(&controller);
    controller.setDataDirectory(dataDir.path());
    controller.openHistory(QStringLiteral("window"));
    controller.setConcurrency(std::min(6, controller.maxConcurrency()));
    controller.reloadCatalog();

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Longrun/Ui/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    if (!window)
        return 1;
    window->resize(1280, 800);
    Shooter shot(window, &controller, outDir);
    // Light, whatever the desktop of the machine says; the dark shots ask for dark.
    auto *colors = engine.singletonInstance<longrun::ColorScheme *>(
        qmlTypeId("Longrun.Backend", 1, 0, "ColorScheme"));
    if (colors != nullptr)
        colors->setPreference(QStringLiteral("light"));

    if (!waitFor([&] { return controller.catalog()->rowCount() > 0; }, 10000, "the catalog"))
        return 1;
    settle(300);
    if (!shot.save(QStringLiteral("01-empty")))
        return 1;

    // A mixed batch: sleeps of different lengths, real computations, and a few demo failures.
    controller.start(QStringLiteral("mandelbrot"),
                     params({{QStringLiteral("width"), QStringLiteral("640")},
                             {QStringLiteral("height"), QStringLiteral("480")}}));
    controller.start(QStringLiteral("montecarlo-pi"),
                     params({{QStringLiteral("samples"), QStringLiteral("1500000000")}}));
    controller.start(QStringLiteral("fault"),
                     params({{QStringLiteral("mode"), QStringLiteral("exception")},
                             {QStringLiteral("delay"), QStringLiteral("0.5")}}));
    controller.start(QStringLiteral("primes"),
                     params({{QStringLiteral("limit"), QStringLiteral("200000000")}}), 2);
    controller.start(QStringLiteral("fault"),
                     params({{QStringLiteral("mode"), QStringLiteral("stderr-flood")},
                             {QStringLiteral("delay"), QStringLiteral("0.8")}}));
    controller.start(QStringLiteral("fault"),
                     params({{QStringLiteral("mode"), QStringLiteral("crash")}}));
    for (int i = 0; i < 8; ++i) {
        controller.start(QStringLiteral("sleep"),
                         params({{QStringLiteral("seconds"), QString::number(2 + i % 5)},
                                 {QStringLiteral("steps"), QStringLiteral("40")}}),
                         5);
    }
    controller.start(QStringLiteral("fault"),
                     params({{QStringLiteral("mode"), QStringLiteral("exit-nonzero")}}));
    controller.start(
        QStringLiteral("command"),
        params({{QStringLiteral("argv"),
                 QStringLiteral(
                     "sh -c 'for i in $(seq 1 20); do echo \"step $i/20\"; sleep 0.2; done'")}}));

    const int montecarlo =
        shot.find(QStringLiteral("montecarlo-pi"), [](const auto &) { return true; });
    const int mandelbrot =
        shot.find(QStringLiteral("mandelbrot"), [](const auto &) { return true; });
    waitFor(
        [&] { return controller.model()->failed() >= 3 && controller.model()->succeeded() >= 4; },
        60000, "a few failures and successes");
    // One canceled, one paused: every state shows up.
    const int toCancel = shot.find(QStringLiteral("sleep"),
                                   [](const auto &row) { return row.state == State::Queued; });
    controller.cancel(toCancel);
    const int toPause = shot.find(QStringLiteral("sleep"),
                                  [](const auto &row) { return row.state == State::Running; });
    controller.pause(toPause);
    shot.select(montecarlo);
    if (!shot.save(QStringLiteral("02-running-batch"))
        || !shot.saveDark(colors, QStringLiteral("10-running-batch-dark")))
        return 1;

    // A failed job: its error and the last lines of stderr.
    const int flood = shot.find(QStringLiteral("fault"), [](const auto &row) {
        return row.state == State::Failed && row.params.contains(QStringLiteral("stderr-flood"));
    });
    shot.select(flood >= 0 ? flood : shot.find(QStringLiteral("fault"), [](const auto &row) {
        return row.state == State::Failed;
    }));
    if (!shot.save(QStringLiteral("03-failed-job")))
        return 1;

    // The Mandelbrot image.
    waitFor(
        [&] {
            const longrun::TaskRow *row = controller.model()->find(mandelbrot);
            return row && !row->imageUrl.isEmpty();
        },
        60000, "the Mandelbrot image");
    shot.select(mandelbrot);
    if (!shot.save(QStringLiteral("04-mandelbrot")))
        return 1;

    // The Monte-Carlo estimate converging (live, part way).
    waitFor(
        [&] {
            const longrun::TaskRow *row = controller.model()->find(montecarlo);
            return row && (row->progress > 0.6 || longrun::isTerminal(row->state));
        },
        90000, "the Monte-Carlo job");
    shot.select(montecarlo);
    if (!shot.save(QStringLiteral("05-montecarlo-plot"))
        || !shot.saveDark(colors, QStringLiteral("11-montecarlo-plot-dark")))
        return 1;

    // An error banner: a jobs file that is not one.
    QTemporaryDir temp;
    const QString badFile = temp.filePath(QStringLiteral("jobs.json"));
    {
        QFile file(badFile);
        if (file.open(QIODevice::WriteOnly))
            file.write("[{\"kind\": \"primes\", \"params\": {\"limit\": \"lots\"}}]");
    }
    controller.loadJobsFile(QUrl::fromLocalFile(badFile));
    waitFor(
        [&] {
            auto *banner = window->findChild<QQuickItem *>(QStringLiteral("errorBanner"));
            return banner && banner->isVisible();
        },
        10000, "the error banner");

    // Hundreds of jobs, in a smaller window: the details go below the list.
    controller.resume(toPause);
    controller.start(QStringLiteral("sleep"),
                     params({{QStringLiteral("seconds"), QStringLiteral("1")},
                             {QStringLiteral("steps"), QStringLiteral("10")}}),
                     500);
    shot.resize(800, 600);
    waitFor([&] { return controller.model()->succeeded() >= 60; }, 60000, "more finished jobs");
    const int running = shot.find(QStringLiteral("sleep"),
                                  [](const auto &row) { return row.state == State::Running; });
    shot.select(running);
    if (!shot.save(QStringLiteral("06-500-jobs-800x600")))
        return 1;

    // The History view: everything above, stored; a failed job selected.
    controller.cancelAll();
    waitFor([&] { return !controller.hasActiveJobs(); }, 30000, "the canceled batch");
    if (!shot.showHistory() || !shot.selectHistory(QStringLiteral("failed"))) {
        std::fprintf(stderr,
                     "longrun-screenshots: no failed job in the History view (%d rows of %d)\n",
                     controller.pastJobs()->rowCount(), controller.pastJobs()->count());
        return 1;
    }
    shot.resize(1280, 800);
    if (!shot.save(QStringLiteral("07-history"))
        || !shot.saveDark(colors, QStringLiteral("12-history-dark")))
        return 1;
    shot.resize(800, 600);
    if (!shot.save(QStringLiteral("08-history-800x600")))
        return 1;
    // The review a rerun of commands shows first.
    shot.resize(1280, 800);
    const longrun::JobSpec make{
        QStringLiteral("command"),
        {{QStringLiteral("argv"),
          {QStringLiteral("make"), QStringLiteral("-j4"), QStringLiteral("all")},
          true},
         {QStringLiteral("cwd"), {QStringLiteral("/home/user/project")}, false}}};
    const longrun::JobSpec tests{
        QStringLiteral("command"),
        {{QStringLiteral("argv"),
          {QStringLiteral("ctest"), QStringLiteral("--output-on-failure")},
          true},
         {QStringLiteral("cwd"), {QStringLiteral("/home/user/project/build")}, false}}};
    controller.historyActions()->offer({make, tests, make});
    if (!shot.save(QStringLiteral("09-command-review"))
        || !shot.saveDark(colors, QStringLiteral("13-command-review-dark")))
        return 1;
    controller.historyActions()->dismissReview();

    controller.shutdown(1000);
    waitFor([&] { return !controller.hasActiveJobs(); }, 10000, "the shutdown");
    return 0;
}
