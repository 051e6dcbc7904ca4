// The real window under load (issue 5: "stays fluid with 1,000 jobs in the list and 8 running
// that flood progress"). Loads qrc:/qt/qml/Longrun/Ui/Main.qml with the real TaskController,
// queues 1,000 jobs that each flood 200,000 progress frames (tests/helpers/fakeworker flood,
// given as the worker), runs them 8 at a time, and meanwhile scrolls the job list every 16 ms
// and clicks a row every 250 ms, as a person would. Measured, on the GUI thread:
//   - lateness of a 1 ms precise timer,
//   - the time each click takes to be handled (press + release, the row selected),
//   - the gap between rendered frames.
// Baseline: the same 1,000 rows, the same scrolling and clicking, for the same time, with
// nothing running. Prints one JSON line {"name", "unit", "samples"} per figure, like
// bench_engine; report.py turns them into the table.
//
//   bench_ui FAKEWORKER [jobs]

#include "control/taskcontroller.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>
#include <QtQuickControls2/QQuickStyle>
#include <QtTest/QTest>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

Q_IMPORT_QML_PLUGIN(Longrun_BackendPlugin)
Q_IMPORT_QML_PLUGIN(Longrun_UiPlugin)

namespace {

using Clock = std::chrono::steady_clock;

double msBetween(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double, std::milli>(b - a).count();
}

void emitFigure(const std::string &name, const std::string &unit,
                const std::vector<double> &samples)
{
    std::string line = "{\"name\": \"" + name + "\", \"unit\": \"" + unit + "\", \"samples\": [";
    for (std::size_t i = 0; i < samples.size(); ++i)
        line += (i ? ", " : "") + std::to_string(samples[i]);
    line += "]}\n";
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
}

struct Samples
{
    std::vector<double> timer;  // ms late
    std::vector<double> clicks; // ms to handle
    std::vector<double> frames; // ms between frames
};

// Drives the window like a person for as long as `running` says, recording everything.
class Session final : public QObject
{
public:
    Session(QQuickWindow *window, QQuickItem *list)
        : m_window(window)
        , m_list(list)
    {
        m_probe.setTimerType(Qt::PreciseTimer);
        m_probe.setInterval(1);
        connect(&m_probe, &QTimer::timeout, this, [this] {
            const auto now = Clock::now();
            if (m_lastTick != Clock::time_point{})
                m_samples.timer.push_back(std::max(0.0, msBetween(m_lastTick, now) - 1.0));
            m_lastTick = now;
        });
        m_scroll.setInterval(16);
        connect(&m_scroll, &QTimer::timeout, this, [this] {
            const double contentHeight = m_list->property("contentHeight").toDouble();
            const double height = m_list->height();
            double y = m_list->property("contentY").toDouble() + 40.0;
            if (y > contentHeight - height)
                y = 0.0;
            m_list->setProperty("contentY", y);
        });
        m_click.setInterval(250);
        connect(&m_click, &QTimer::timeout, this, [this] {
            // A row near the top of the visible part of the list, away from its buttons.
            const QPointF inList(m_list->width() * 0.35, 30.0 + 58.0 * (m_clicks++ % 5));
            const QPoint at = m_list->mapToScene(inList).toPoint();
            const auto start = Clock::now();
            QTest::mouseClick(m_window, Qt::LeftButton, {}, at);
            m_samples.clicks.push_back(msBetween(start, Clock::now()));
        });
        connect(window, &QQuickWindow::frameSwapped, this, [this] {
            const auto now = Clock::now();
            if (m_lastFrame != Clock::time_point{})
                m_samples.frames.push_back(msBetween(m_lastFrame, now));
            m_lastFrame = now;
        });
    }

    Samples run(const std::function<bool()> &done, int maxMs)
    {
        m_samples = {};
        m_lastTick = m_lastFrame = {};
        m_probe.start();
        m_scroll.start();
        m_click.start();
        QElapsedTimer timer;
        timer.start();
        while (!done() && timer.elapsed() < maxMs)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        m_probe.stop();
        m_scroll.stop();
        m_click.stop();
        return std::move(m_samples);
    }

private:
    QQuickWindow *m_window;
    QQuickItem *m_list;
    QTimer m_probe;
    QTimer m_scroll;
    QTimer m_click;
    Clock::time_point m_lastTick{};
    Clock::time_point m_lastFrame{};
    int m_clicks = 0;
    Samples m_samples;
};

} // namespace

int main(int argc, char **argv)
{
    // The software renderer: the same on every machine, GPU or not, and the slowest, so the
    // figures are an upper bound.
    if (qEnvironmentVariableIsEmpty("QT_QUICK_BACKEND")
        && qgetenv("QT_QPA_PLATFORM") == "offscreen")
        qputenv("QT_QUICK_BACKEND", "software");
    QGuiApplication app(argc, argv);
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
    if (argc < 2) {
        std::fputs("usage: bench_ui FAKEWORKER [jobs]\n", stderr);
        return 2;
    }
    const int jobs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1000;

    longrun::TaskController controller;
    longrun::TaskController::setInstance(&controller);
    controller.setConcurrency(8);
    controller.reloadCatalog();

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Longrun/Ui/Main.qml")));
    auto *window = engine.rootObjects().isEmpty()
                       ? nullptr
                       : qobject_cast<QQuickWindow *>(engine.rootObjects().first());
    auto *list = window ? window->findChild<QQuickItem *>(QStringLiteral("jobList")) : nullptr;
    if (!window || !list) {
        std::fputs("bench_ui: the window or its job list did not load\n", stderr);
        return 1;
    }
    window->resize(1280, 800);
    window->show();
    if (!QTest::qWaitForWindowExposed(window)) {
        std::fputs("bench_ui: the window was never exposed\n", stderr);
        return 1;
    }

    // Every job floods: the fake worker sends 200,000 progress frames and a result.
    controller.setWorkerLaunch({QString::fromLocal8Bit(argv[1]), {QStringLiteral("flood")}});
    QList<longrun::JobSpec> specs(jobs, longrun::JobSpec{QStringLiteral("sleep"), {}});
    Session session(window, list);
    const auto start = Clock::now();
    controller.enqueue(specs);
    const Samples loaded =
        session.run([&controller] { return !controller.hasActiveJobs(); }, 600000);
    const double loadedMs = msBetween(start, Clock::now());
    if (controller.model()->succeeded() != jobs) {
        std::fprintf(stderr, "bench_ui: %d of %d flood jobs succeeded\n",
                     controller.model()->succeeded(), jobs);
        return 1;
    }
    // Baseline: the same rows, scrolling and clicking, nothing running.
    const Samples idle =
        session.run([] { return false; }, static_cast<int>(std::min(loadedMs, 20000.0)));

    emitFigure("ui.timer.load", "ms", loaded.timer);
    emitFigure("ui.timer.idle", "ms", idle.timer);
    emitFigure("ui.click.load", "ms", loaded.clicks);
    emitFigure("ui.click.idle", "ms", idle.clicks);
    emitFigure("ui.frame.load", "ms", loaded.frames);
    emitFigure("ui.frame.idle", "ms", idle.frames);
    emitFigure("ui.load.duration", "s", {loadedMs / 1000.0});
    emitFigure("ui.load.jobs", "jobs", {static_cast<double>(jobs)});
    return 0;
}
