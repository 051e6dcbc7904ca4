// End to end through the real window: Main.qml from the app's resources, a real TaskController
// and real workers. Jobs are started and canceled (from their row and from the details pane) by
// mouse clicks on the controls a person would use, found by objectName. What the window
// remembers goes to a private settings folder, emptied before each test.

#include "control/taskcontroller.h"

#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtQml/QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>
#include <QtQuickControls2/QQuickStyle>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <csignal>
#include <memory>

Q_IMPORT_QML_PLUGIN(Longrun_BackendPlugin)
Q_IMPORT_QML_PLUGIN(Longrun_UiPlugin)

using longrun::State;
using longrun::TaskController;

namespace {
// A hang detector only (the ASan build on a busy machine is slow); see tests/backend/procutil.h.
constexpr int kHangMs = 60000;
} // namespace

class tst_UiE2e : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void startThroughCatalogAndCancelOne();
    void cancelFromTheDetailsPane_data();
    void cancelFromTheDetailsPane();
    void commandWithoutTerminal();
    void pathFieldsHaveBrowse();
    void closeWithoutJobsClosesAtOnce();
    void closeWithJobsAsksOnce();
    void interruptedJobsAreRequeued();
    void settingsComeBack();
    void historyOffIsSaid();
    void detailsSplitComesBack();
    void historyAfterRestartRerunsAndReviews();

private:
    // A controller (with the history in `dataDir` when given) and Main.qml on it.
    void openWindow(const QString &dataDir = {});
    void closeWindow();
    QQuickItem *item(const QString &objectName) const;
    void click(QQuickItem *target);
    void clickUp(const QString &spinBoxName);

    QTemporaryDir m_settingsDir;

    std::unique_ptr<TaskController> m_controller;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow *m_window = nullptr;
};

void tst_UiE2e::initTestCase()
{
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("longrun"));
    QCoreApplication::setApplicationName(QStringLiteral("longrun"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
}

void tst_UiE2e::init()
{
    QSettings().clear();
    openWindow();
}

void tst_UiE2e::openWindow(const QString &dataDir)
{
    m_controller = std::make_unique<TaskController>();
    TaskController::setInstance(m_controller.get());
    if (!dataDir.isEmpty()) {
        m_controller->setDataDirectory(dataDir);
        m_controller->openHistory(QStringLiteral("window"));
    }
    m_controller->reloadCatalog();
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    m_engine->load(QUrl(QStringLiteral("qrc:/qt/qml/Longrun/Ui/Main.qml")));
    QCOMPARE(m_engine->rootObjects().size(), 1);
    m_window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
    QVERIFY(m_window);
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->catalog()->indexOf(QStringLiteral("sleep")) >= 0,
                             kHangMs);
}

void tst_UiE2e::cleanup()
{
    closeWindow();
}

void tst_UiE2e::closeWindow()
{
    m_controller->cancelAll();
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->hasActiveJobs(), kHangMs);
    m_engine.reset();
    m_window = nullptr;
    TaskController::setInstance(nullptr);
    m_controller.reset();
}

namespace {
// Walks the item tree, since items a Repeater or a view creates are visual children only and
// QObject::findChild misses them. At each item: the item itself, then its direct QObject
// children (non-visual objects such as dialogs are children of the item they are declared in).
QObject *findObject(QQuickItem *parent, const QString &objectName)
{
    if (!parent)
        return nullptr;
    if (parent->objectName() == objectName)
        return parent;
    if (QObject *found = parent->findChild<QObject *>(objectName, Qt::FindDirectChildrenOnly))
        return found;
    for (QQuickItem *child : parent->childItems()) {
        if (QObject *found = findObject(child, objectName))
            return found;
    }
    return nullptr;
}
} // namespace

QQuickItem *tst_UiE2e::item(const QString &objectName) const
{
    if (auto *found = qobject_cast<QQuickItem *>(findObject(m_window->contentItem(), objectName)))
        return found;
    // Popups (the quit dialog) live in the overlay, which is not under the content item.
    return qobject_cast<QQuickItem *>(
        findObject(m_window->contentItem()->parentItem(), objectName));
}

void tst_UiE2e::click(QQuickItem *target)
{
    QVERIFY(target);
    QVERIFY(target->isVisible());
    QVERIFY(target->isEnabled());
    const QPoint centre =
        target->mapToScene(QPointF(target->width() / 2, target->height() / 2)).toPoint();
    QVERIFY(QRect(QPoint(0, 0), m_window->size()).contains(centre));
    QTest::mouseClick(m_window, Qt::LeftButton, {}, centre);
}

void tst_UiE2e::clickUp(const QString &spinBoxName)
{
    QQuickItem *box = item(spinBoxName);
    QVERIFY2(box, qPrintable(spinBoxName));
    auto *up = qvariant_cast<QObject *>(box->property("up"));
    QVERIFY(up);
    click(qvariant_cast<QQuickItem *>(up->property("indicator")));
}

void tst_UiE2e::startThroughCatalogAndCancelOne()
{
    const int jobs = 6;
    m_controller->setConcurrency(std::min(3, m_controller->maxConcurrency()));

    // The overall bar must never move back: record every value it takes.
    QList<double> samples;
    connect(m_controller->model(), &longrun::TaskModel::overallProgressChanged, this,
            [&] { samples << m_controller->model()->overallProgress(); });

    click(item(QStringLiteral("kind_sleep")));
    QQuickItem *seconds = item(QStringLiteral("field_sleep_seconds"));
    QVERIFY(seconds);
    seconds->setProperty("text", QStringLiteral("1.5"));
    item(QStringLiteral("field_sleep_steps"))->setProperty("text", QStringLiteral("15"));
    item(QStringLiteral("count_sleep"))->setProperty("value", jobs);
    click(item(QStringLiteral("startButton_sleep")));
    QCOMPARE(m_controller->model()->rowCount(), jobs);

    // Cancel the first job with its own Cancel button, while it runs.
    const int first = m_controller->model()->idAt(0);
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->model()->find(first)->state, State::Running, kHangMs);
    const QString cancelName = QStringLiteral("cancelButton_%1").arg(first);
    QTRY_VERIFY_WITH_TIMEOUT(item(cancelName) && item(cancelName)->isVisible(), kHangMs);
    click(item(cancelName));

    QTRY_COMPARE_WITH_TIMEOUT(m_controller->model()->find(first)->state, State::Canceled, kHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->model()->succeeded(), jobs - 1, kHangMs);
    QCOMPARE(m_controller->model()->canceled(), 1);
    for (int r = 1; r < jobs; ++r)
        QCOMPARE(m_controller->model()->at(r).state, State::Succeeded);
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->model()->overallProgress(), 1.0, kHangMs);
    QVERIFY(!samples.isEmpty());
    for (qsizetype i = 1; i < samples.size(); ++i)
        QVERIFY2(samples.at(i) >= samples.at(i - 1),
                 qPrintable(QStringLiteral("overall progress went from %1 to %2")
                                .arg(samples.at(i - 1))
                                .arg(samples.at(i))));

    // The window tells the same story: the batch bar and the row's state badge.
    QQuickItem *overall = item(QStringLiteral("overallProgress"));
    QVERIFY(overall);
    QCOMPARE(overall->property("value").toDouble(), 1.0);
    QQuickItem *row = item(QStringLiteral("job_%1").arg(first));
    QVERIFY(row);
    QCOMPARE(row->property("stateName").toString(), QStringLiteral("Canceled"));
}

void tst_UiE2e::cancelFromTheDetailsPane_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("wide: details beside the list") << QSize(1280, 800);
    QTest::newRow("small: details below the list") << QSize(800, 600);
}

void tst_UiE2e::cancelFromTheDetailsPane()
{
    // The details pane has buttons of its own: pick a running job by clicking its row, then stop
    // it with the pane's Cancel, which is in sight without scrolling in either layout. The other
    // job runs on.
    QFETCH(QSize, size);
    m_window->resize(size);
    QTRY_COMPARE(m_window->size(), size);
    QVERIFY(m_controller->start(QStringLiteral("sleep"),
                                {{QStringLiteral("seconds"), QStringLiteral("30")},
                                 {QStringLiteral("steps"), QStringLiteral("300")}},
                                2));
    const int id = m_controller->model()->idAt(0);
    const int other = m_controller->model()->idAt(1);
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->model()->find(id)->state, State::Running, kHangMs);
    // A second attempt with its progress text: the tallest the pane gets for a running job.
    QVERIFY(m_controller->cancel(id));
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->model()->find(id)->state, State::Canceled, kHangMs);
    QVERIFY(m_controller->retry(id));
    QCOMPARE(m_controller->model()->find(id)->attempt, 2);
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->model()->find(id)->state, State::Running, kHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->model()->find(id)->progressText.isEmpty(), kHangMs);
    click(item(QStringLiteral("job_%1").arg(id)));
    QCOMPARE(item(QStringLiteral("jobListPane"))->property("currentJobId").toInt(), id);

    const QString cancelName = QStringLiteral("details_cancelButton_%1").arg(id);
    QTRY_VERIFY_WITH_TIMEOUT(item(cancelName) && item(cancelName)->isVisible(), kHangMs);
    QQuickItem *cancel = item(cancelName);
    QQuickItem *details = item(QStringLiteral("jobDetails"));
    QVERIFY(details);
    const QPointF centre = cancel->mapToItem(details, {cancel->width() / 2, cancel->height() / 2});
    QVERIFY2(details->contains(centre), "the pane shows its Cancel without scrolling");
    click(cancel);

    QTRY_COMPARE_WITH_TIMEOUT(m_controller->model()->find(id)->state, State::Canceled, kHangMs);
    QVERIFY(!longrun::isTerminal(m_controller->model()->find(other)->state));
    QTRY_COMPARE(item(QStringLiteral("detailsStateBadge"))->property("text").toString(),
                 QStringLiteral("Canceled"));
    QTRY_VERIFY(item(QStringLiteral("details_retryButton_%1").arg(id))->isVisible());
    QVERIFY(!cancel->isVisible());
}

void tst_UiE2e::commandWithoutTerminal()
{
    // Typed into the command field, "On a terminal" unticked by a click, started with Run.
    QQuickItem *field = item(QStringLiteral("commandField"));
    QVERIFY(field);
    field->setProperty(
        "text", QStringLiteral("sh -c 'if [ -t 1 ]; then echo terminal; else echo pipe; fi'"));
    QQuickItem *terminal = item(QStringLiteral("commandTerminalCheck"));
    QVERIFY(terminal);
    QCOMPARE(terminal->property("checked").toBool(), true);
    click(terminal);
    QCOMPARE(terminal->property("checked").toBool(), false);
    QSignalSpy finished(m_controller.get(), &TaskController::jobFinished);
    click(item(QStringLiteral("runCommandButton")));
    QCOMPARE(m_controller->model()->rowCount(), 1);
    QCOMPARE(field->property("text").toString(), QString()); // cleared once started
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kHangMs);
    const longrun::TaskRow &row = m_controller->model()->at(0);
    QCOMPARE(row.state, State::Succeeded);
    QVERIFY2(row.params.endsWith(QStringLiteral("tty=false")), qPrintable(row.params));
    QCOMPARE(row.resultValues.value(QStringLiteral("output_tail")).toString(),
             QStringLiteral("pipe"));
}

void tst_UiE2e::pathFieldsHaveBrowse()
{
    // A path parameter (checksum's file) can be picked with the mouse, not only typed.
    click(item(QStringLiteral("kind_checksum")));
    QQuickItem *browse = item(QStringLiteral("browse_checksum_path"));
    QVERIFY(browse);
    QTRY_VERIFY(browse->isVisible());
    QVERIFY(browse->isEnabled());
    // Number fields have none.
    click(item(QStringLiteral("kind_primes")));
    QQuickItem *numberBrowse = item(QStringLiteral("browse_primes_limit"));
    QVERIFY(numberBrowse);
    QVERIFY(!numberBrowse->isVisible());

    // The dialogs open (their QML implementation is installed) and close again.
    click(item(QStringLiteral("kind_checksum")));
    for (const auto &[button, dialogName] :
         {std::pair{QStringLiteral("browse_checksum_path"),
                    QStringLiteral("pathDialog_checksum_path")},
          std::pair{QStringLiteral("cwdBrowseButton"), QStringLiteral("cwdDialog")}}) {
        QObject *dialog = findObject(m_window->contentItem(), dialogName);
        QVERIFY2(dialog, qPrintable(dialogName));
        QVERIFY(!dialog->property("visible").toBool());
        click(item(button));
        QTRY_VERIFY2(dialog->property("visible").toBool(), qPrintable(dialogName));
        QVERIFY(QMetaObject::invokeMethod(dialog, "reject"));
        QTRY_VERIFY(!dialog->property("visible").toBool());
    }
}

void tst_UiE2e::closeWithoutJobsClosesAtOnce()
{
    QVERIFY(!m_controller->hasActiveJobs());
    QVERIFY(m_window->isVisible());
    m_window->close();
    QTRY_VERIFY(!m_window->isVisible());
    QVERIFY(!m_controller->shuttingDown());
}

void tst_UiE2e::closeWithJobsAsksOnce()
{
    QVERIFY(m_controller->start(QStringLiteral("sleep"),
                                {{QStringLiteral("seconds"), QStringLiteral("30")}}, 2));
    QSignalSpy finished(m_controller.get(), &TaskController::shutdownFinished);
    QObject *dialog = m_window->findChild<QObject *>(QStringLiteral("quitDialog"));
    QVERIFY(dialog);

    // "Keep running": nothing stops, the window stays.
    m_window->close();
    QVERIFY(m_window->isVisible());
    QTRY_VERIFY(dialog->property("opened").toBool());
    m_window->close(); // a second close while asking does not ask twice or quit
    click(item(QStringLiteral("keepRunningButton")));
    QTRY_VERIFY(!dialog->property("visible").toBool());
    QVERIFY(m_controller->hasActiveJobs());
    QVERIFY(!m_controller->shuttingDown());

    // "Cancel jobs and quit": the controller shuts down without the GUI waiting on a worker.
    m_window->close();
    QTRY_VERIFY(dialog->property("opened").toBool());
    click(item(QStringLiteral("quitAndCancelButton")));
    QVERIFY(m_controller->shuttingDown());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kHangMs);
    QVERIFY(!m_controller->hasActiveJobs());
}

void tst_UiE2e::interruptedJobsAreRequeued()
{
    // A history with two interrupted jobs: a real `longrun --headless`, killed with SIGKILL
    // while both run.
    QTemporaryDir data;
    QVERIFY(data.isValid());
    QProcess app;
    app.start(qEnvironmentVariable("LONGRUN_APP"),
              {QStringLiteral("--headless"), QStringLiteral("--json"),
               QStringLiteral("--concurrency"), QStringLiteral("2"), QStringLiteral("--data-dir"),
               data.path(), QStringLiteral("sleep:seconds=1"),
               QStringLiteral("sleep:seconds=1.2")});
    QVERIFY(app.waitForStarted(kHangMs));
    QByteArray out;
    const auto bothRunning = [&] {
        out += app.readAllStandardOutput();
        return out.count(R"("state":"running")") == 2;
    };
    QTRY_VERIFY_WITH_TIMEOUT(bothRunning(), kHangMs);
    ::kill(static_cast<pid_t>(app.processId()), SIGKILL);
    QVERIFY(app.waitForFinished(kHangMs));
    QVERIFY2(!out.contains(R"("event":"finished")"), out.constData());

    // The window of the next start offers them.
    closeWindow();
    openWindow(data.path());
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->interruptedCount(), 2, kHangMs);
    QQuickItem *banner = item(QStringLiteral("interruptedBanner"));
    QVERIFY(banner);
    QTRY_VERIFY(banner->isVisible());
    QCOMPARE(item(QStringLiteral("interruptedText"))->property("text").toString(),
             QStringLiteral("2 jobs were interrupted when longrun last stopped"));
    QQuickItem *requeue = item(QStringLiteral("requeueInterruptedButton"));
    QVERIFY(requeue);
    QCOMPARE(requeue->property("text").toString(), QStringLiteral("Requeue interrupted"));

    QSignalSpy finished(m_controller.get(), &TaskController::jobFinished);
    click(requeue);
    QCOMPARE(m_controller->model()->rowCount(), 2);
    QCOMPARE(m_controller->interruptedCount(), 0);
    QTRY_VERIFY(!banner->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, kHangMs);
    QStringList params;
    for (int r = 0; r < 2; ++r) {
        const longrun::TaskRow &row = m_controller->model()->at(r);
        QCOMPARE(row.state, State::Succeeded);
        QCOMPARE(row.spec.kind, QStringLiteral("sleep"));
        params << row.params;
    }
    params.sort();
    QCOMPARE(params, (QStringList{QStringLiteral("seconds=1"), QStringLiteral("seconds=1.2")}));
}

void tst_UiE2e::settingsComeBack()
{
    // The knobs changed with the mouse and the window's size are back in a new window on a new
    // controller; the defaults before, to be sure the values are not the defaults.
    const int concurrency = m_controller->concurrency() + 2;
    QVERIFY(m_controller->maxConcurrency() >= concurrency);
    QCOMPARE(m_controller->retries(), 0);
    QCOMPARE(m_controller->timeoutSeconds(), 0.0);
    clickUp(QStringLiteral("concurrencyBox"));
    clickUp(QStringLiteral("concurrencyBox"));
    clickUp(QStringLiteral("retriesBox"));
    clickUp(QStringLiteral("timeoutBox"));
    QCOMPARE(m_controller->concurrency(), concurrency);
    QCOMPARE(m_controller->retries(), 1);
    QCOMPARE(m_controller->timeoutSeconds(), 10.0);
    const QSize size(770, 550); // within the offscreen screen (800x600), above the minimum
    m_window->resize(size);
    QTRY_COMPARE(m_window->size(), size);

    closeWindow();
    openWindow();
    QCOMPARE(m_controller->concurrency(), concurrency);
    QCOMPARE(m_controller->retries(), 1);
    QCOMPARE(m_controller->timeoutSeconds(), 10.0);
    QCOMPARE(item(QStringLiteral("concurrencyBox"))->property("value").toInt(), concurrency);
    QCOMPARE(m_window->size(), size);
}

void tst_UiE2e::historyOffIsSaid()
{
    // A data folder that cannot be one (a plain file): the window works on without a history,
    // the banner says why and the batch bar says "History off" for as long as it is.
    QQuickItem *label = item(QStringLiteral("historyOffLabel"));
    QVERIFY(label);
    QVERIFY(!label->isVisible());
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString notAFolder = tmp.filePath(QStringLiteral("file"));
    QFile file(notAFolder);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();

    closeWindow();
    openWindow(notAFolder);
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->historyProblem().isEmpty(), kHangMs);
    label = item(QStringLiteral("historyOffLabel"));
    QTRY_VERIFY(label->isVisible());
    QCOMPARE(label->property("text").toString(), QStringLiteral("History off"));
    QVERIFY(item(QStringLiteral("errorBannerText"))
                ->property("text")
                .toString()
                .contains(m_controller->historyProblem()));
}

void tst_UiE2e::detailsSplitComesBack()
{
    // The narrow layout: the details pane below the list. Its handle dragged up with the mouse
    // makes the pane taller, and a new window has it as tall.
    QVERIFY(!m_window->property("wide").toBool()); // the offscreen screen is 800 wide
    QQuickItem *details = item(QStringLiteral("jobDetails"));
    QVERIFY(details);
    const qreal before = details->height();
    const QPoint handle = details->mapToScene(QPointF(details->width() / 2, -2)).toPoint();
    QTest::mousePress(m_window, Qt::LeftButton, {}, handle);
    for (int dy = 10; dy <= 80; dy += 10)
        QTest::mouseMove(m_window, handle - QPoint(0, dy));
    QTest::mouseRelease(m_window, Qt::LeftButton, {}, handle - QPoint(0, 80));
    QTRY_VERIFY(details->height() > before + 40);
    const qreal dragged = details->height();

    closeWindow();
    openWindow();
    details = item(QStringLiteral("jobDetails"));
    QTRY_COMPARE(details->height(), dragged);
}

// A window runs a primes job and a command; the next window (same data folder) shows both in the
// History view. The primes job reruns at once; the command is shown for review first, and runs
// only when confirmed (issue #12).
void tst_UiE2e::historyAfterRestartRerunsAndReviews()
{
    QTemporaryDir data;
    QVERIFY(data.isValid());
    closeWindow();
    openWindow(data.path());
    QSignalSpy finished(m_controller.get(), &TaskController::jobFinished);
    QVERIFY(m_controller->start(QStringLiteral("primes"), {{QStringLiteral("limit"), 1000}}));
    QVERIFY(m_controller->startCommand(QStringLiteral("echo 'from history'"), data.path()));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, kHangMs);
    QCOMPARE(m_controller->model()->at(0).state, State::Succeeded);
    QCOMPARE(m_controller->model()->at(1).state, State::Succeeded);

    closeWindow();
    openWindow(data.path());
    QCOMPARE(m_controller->model()->rowCount(), 0);
    click(item(QStringLiteral("historyTab")));
    QQuickItem *history = item(QStringLiteral("historyView"));
    QTRY_VERIFY(history->isVisible());
    QQuickItem *count = item(QStringLiteral("historyCount"));
    QTRY_COMPARE_WITH_TIMEOUT(count->property("text").toString(), QStringLiteral("2 jobs"),
                              kHangMs);
    QQuickItem *list = item(QStringLiteral("historyList"));
    QTRY_COMPARE_WITH_TIMEOUT(list->property("count").toInt(), 2, kHangMs);

    // The older row is the primes job: selected with the mouse, rerun without a question.
    QQuickItem *primesRow = nullptr;
    QQuickItem *commandRow = nullptr;
    QTRY_VERIFY(primesRow = item(QStringLiteral("history_1")));
    QTRY_VERIFY(commandRow = item(QStringLiteral("history_2")));
    QCOMPARE(primesRow->property("commandLine").toString(), QStringLiteral("primes: limit=1000"));
    QVERIFY(commandRow->property("commandLine").toString().startsWith(u"echo 'from history'"));
    QSignalSpy errors(m_controller.get(), &TaskController::errorOccurred);
    QSignalSpy rerunFinished(m_controller.get(), &TaskController::jobFinished);
    click(primesRow);
    QQuickItem *title = item(QStringLiteral("historyDetailsTitle"));
    QTRY_VERIFY(title->property("text").toString().endsWith(u"job 1 · primes"));
    click(item(QStringLiteral("historyRerunButton")));
    QTRY_COMPARE_WITH_TIMEOUT(rerunFinished.size() + errors.size(), 1, kHangMs);
    QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));
    QCOMPARE(m_controller->model()->at(0).spec.kind, QStringLiteral("primes"));
    QCOMPARE(m_controller->model()->at(0).state, State::Succeeded);
    QCOMPARE(item(QStringLiteral("viewTabs"))->property("currentIndex").toInt(), 0);
    QObject *review = m_window->findChild<QObject *>(QStringLiteral("commandReview"));
    QVERIFY(review);
    QVERIFY(!review->property("visible").toBool());

    // The command: its review comes first; Cancel runs nothing.
    click(item(QStringLiteral("historyTab")));
    QTRY_COMPARE_WITH_TIMEOUT(list->property("count").toInt(), 3, kHangMs);
    QTRY_VERIFY(commandRow = item(QStringLiteral("history_2")));
    click(commandRow);
    QTRY_VERIFY(title->property("text").toString().endsWith(u"job 2 · command"));
    // Its log, shown in the window: the record of what it printed.
    click(item(QStringLiteral("historyDetailsShowLog")));
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("historyDetailsLogText"))
                                 ->property("text")
                                 .toString()
                                 .contains(u"Z out from history"),
                             kHangMs);
    click(item(QStringLiteral("historyRerunButton")));
    QTRY_VERIFY_WITH_TIMEOUT(review->property("visible").toBool(), kHangMs);
    QCOMPARE(review->property("title").toString(), QStringLiteral("Run 1 command?"));
    QCOMPARE(item(QStringLiteral("commandReviewPrograms"))->property("text").toString(),
             QStringLiteral("echo"));
    QCOMPARE(item(QStringLiteral("commandReviewFolders"))->property("text").toString(),
             data.path());
    QCOMPARE(m_controller->model()->rowCount(), 1);
    click(item(QStringLiteral("commandReviewCancel")));
    QTRY_VERIFY(!review->property("visible").toBool());
    QVERIFY(!m_controller->historyActions()->reviewPending());
    QCOMPARE(m_controller->model()->rowCount(), 1);

    // Again, and Run: now it runs, as the stored job's rerun.
    click(item(QStringLiteral("historyRerunButton")));
    QTRY_VERIFY_WITH_TIMEOUT(review->property("visible").toBool(), kHangMs);
    click(item(QStringLiteral("commandReviewRun")));
    QTRY_VERIFY(!review->property("visible").toBool());
    QTRY_COMPARE_WITH_TIMEOUT(rerunFinished.size(), 2, kHangMs);
    QCOMPARE(m_controller->model()->rowCount(), 2);
    QCOMPARE(m_controller->model()->at(1).spec.kind, QStringLiteral("command"));
    QCOMPARE(m_controller->model()->at(1).state, State::Succeeded);
}

QTEST_MAIN(tst_UiE2e)

#include "tst_ui_e2e.moc"
