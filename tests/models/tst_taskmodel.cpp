// TaskModel on its own: rows, roles, counts and the monotone overall progress.

#include "models/taskmodel.h"

#include "jobs/actions.h"

#include <QtCore/QRandomGenerator>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace longrun;

class tst_TaskModel : public QObject
{
    Q_OBJECT

    static QList<JobSpec> specs(int n)
    {
        QList<JobSpec> list;
        for (int i = 0; i < n; ++i)
            list << JobSpec{QStringLiteral("primes"),
                            {JobParam{QStringLiteral("limit"), {QString::number(100 + i)}}}};
        return list;
    }

private slots:
    void rolesAndCounts()
    {
        TaskModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.addJobs(specs(3), 10);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.queued(), 3);
        QCOMPARE(model.rowOf(11), 1);
        QCOMPARE(model.rowOf(13), -1);
        const QModelIndex idx = model.index(1);
        QCOMPARE(idx.data(TaskModel::IdRole).toInt(), 11);
        QCOMPARE(idx.data(TaskModel::ParamsRole).toString(), QStringLiteral("limit=101"));
        QCOMPARE(idx.data(TaskModel::TitleRole).toString(), QStringLiteral("primes · limit=101"));
        QCOMPARE(idx.data(TaskModel::StateNameRole).toString(), QStringLiteral("Queued"));
        QCOMPARE(idx.data(TaskModel::CanCancelRole).toBool(), true);
        QCOMPARE(idx.data(TaskModel::CanRetryRole).toBool(), false);
        QCOMPARE(model.roleNames().value(TaskModel::StateKeyRole), QByteArray("stateKey"));

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setState(11, State::Starting);
        model.setState(11, State::Running);
        QCOMPARE(model.running(), 1);
        QCOMPARE(model.queued(), 2);
        model.applyProgress(11, 0.5, QStringLiteral("half"));
        const auto roles = changed.last().at(2).value<QList<int>>();
        QVERIFY(roles.contains(TaskModel::ProgressRole));
        QVERIFY(roles.contains(TaskModel::ProgressTextRole));
        QVERIFY(!roles.contains(TaskModel::StateRole)); // only what changed
        // Progress is clamped and never moves back.
        model.applyProgress(11, 0.2, std::nullopt);
        QCOMPARE(idx.data(TaskModel::ProgressRole).toDouble(), 0.5);
        model.applyProgress(11, 7.0, std::nullopt);
        QCOMPARE(idx.data(TaskModel::ProgressRole).toDouble(), 1.0);

        JobResult result;
        result.summary = QStringLiteral("25 primes");
        result.values.insert(QStringLiteral("count"), 25);
        model.finish(11, State::Succeeded, {}, {}, result);
        QCOMPARE(model.succeeded(), 1);
        QCOMPARE(idx.data(TaskModel::ResultSummaryRole).toString(), QStringLiteral("25 primes"));
        // A second terminal state is ignored.
        model.finish(11, State::Failed, QStringLiteral("late"), {}, std::nullopt);
        QCOMPARE(idx.data(TaskModel::StateRole).value<State>(), State::Succeeded);
        QCOMPARE(model.failed(), 0);

        model.finish(10, State::Failed, QStringLiteral("boom"), QStringLiteral("tail"),
                     std::nullopt);
        QCOMPARE(model.index(0).data(TaskModel::CanRetryRole).toBool(), true);
        model.requeue(10, 2);
        QCOMPARE(model.index(0).data(TaskModel::AttemptRole).toInt(), 2);
        QCOMPARE(model.index(0).data(TaskModel::ErrorRole).toString(), QString());
        QCOMPARE(model.queued(), 2);

        QCOMPARE(model.removeFinished(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf(12), 1);
    }

    void overallNeverDecreases_data()
    {
        QTest::addColumn<int>("seed");
        for (int seed = 1; seed <= 8; ++seed)
            QTest::addRow("seed %d", seed) << seed;
    }

    // Random progress, random finish orders (any terminal state): the bar only goes up, and
    // the running sum equals a full rescan.
    void overallNeverDecreases()
    {
        QFETCH(int, seed);
        QRandomGenerator random(static_cast<quint32>(seed));
        TaskModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        const int n = 40;
        model.addJobs(specs(n), 1);
        double last = model.overallProgress();
        QCOMPARE(last, 0.0);
        for (int id = 1; id <= n; ++id)
            model.setState(id, State::Running);
        const State terminals[] = {State::Succeeded, State::Failed, State::Canceled,
                                   State::TimedOut};
        for (int step = 0; step < 2000; ++step) {
            const int id = 1 + static_cast<int>(random.bounded(n));
            if (random.bounded(10) == 0)
                model.finish(id, terminals[random.bounded(4)], {}, {}, std::nullopt);
            else
                model.applyProgress(id, random.generateDouble() * 1.2 - 0.1, std::nullopt);
            const double now = model.overallProgress();
            QVERIFY2(now >= last,
                     qPrintable(QString("%1 < %2 at step %3").arg(now).arg(last).arg(step)));
            last = now;
        }
        double rescan = 0;
        for (int r = 0; r < model.rowCount(); ++r) {
            const TaskRow &row = model.at(r);
            rescan += isTerminal(row.state) ? 1.0 : row.progress;
        }
        QVERIFY(std::abs(rescan / n - model.overallProgress()) < 1e-9);
        for (int id = 1; id <= n; ++id)
            model.finish(id, State::Canceled, {}, {}, std::nullopt);
        // Exactly 1, not "1 give or take a rounding" (QCOMPARE on doubles is fuzzy): a finished
        // batch shows 100%, and anything waiting for 1.0 sees it.
        QVERIFY2(model.overallProgress() == 1.0,
                 qPrintable(QString::number(model.overallProgress(), 'g', 17)));
        QCOMPARE(model.queued() + model.running() + model.paused(), 0);
        // A new batch (the controller says when) starts from zero; adding to a running batch
        // lowers the bar only by adding.
        model.resetBatch();
        model.addJobs(specs(2), 1000);
        QCOMPARE(model.overallProgress(), 0.0);
        QCOMPARE(model.batchSize(), 2);
        model.setState(1000, State::Running);
        model.applyProgress(1000, 1.0, std::nullopt);
        QCOMPARE(model.overallProgress(), 0.5);
        model.addJobs(specs(2), 2000);
        QCOMPARE(model.overallProgress(), 0.25);
    }

    void retryAddsAUnit()
    {
        TaskModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.addJobs(specs(2), 1);
        model.finish(1, State::Failed, QStringLiteral("x"), {}, std::nullopt);
        QCOMPARE(model.overallProgress(), 0.5);
        model.requeue(1, 2);
        // Two units done of three: the finished attempt still counts.
        QCOMPARE(model.batchSize(), 3);
        QVERIFY(std::abs(model.overallProgress() - 1.0 / 3.0) < 1e-12);
    }

    // Whatever the controller retries, the model stays in the batch it was told about: a
    // requeue after the last job finished adds a unit and keeps the finished ones.
    void requeueNeverStartsABatch()
    {
        TaskModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.addJobs(specs(2), 1);
        model.finish(1, State::Succeeded, {}, {}, std::nullopt);
        model.finish(2, State::Failed, QStringLiteral("x"), {}, std::nullopt);
        QCOMPARE(model.overallProgress(), 1.0);
        model.requeue(2, 2);
        QCOMPARE(model.batchSize(), 3);
        QCOMPARE(model.batchDone(), 2.0);
        QVERIFY(std::abs(model.overallProgress() - 2.0 / 3.0) < 1e-12);
        QCOMPARE(model.find(2)->attempt, 2);
        model.setState(2, State::Starting);
        model.finish(2, State::Failed, QStringLiteral("x"), {}, std::nullopt);
        QVERIFY(model.overallProgress() == 1.0);

        // Clearing rows leaves the batch's sums alone; only resetBatch() empties it.
        QCOMPARE(model.removeFinished(), 2);
        QVERIFY(model.overallProgress() == 1.0);
        QCOMPARE(model.batchSize(), 3);
        QSignalSpy overall(&model, &TaskModel::overallProgressChanged);
        model.resetBatch();
        QCOMPARE(overall.count(), 1);
        QCOMPARE(model.overallProgress(), 0.0);
        QCOMPARE(model.batchSize(), 0);
        QCOMPARE(model.batchDone(), 0.0);
    }

    void actionRoles_data()
    {
        QTest::addColumn<State>("state");
        QTest::addColumn<bool>("cancel");
        QTest::addColumn<bool>("pause");
        QTest::addColumn<bool>("resume");
        QTest::addColumn<bool>("retry");
        QTest::newRow("queued") << State::Queued << true << false << false << false;
        QTest::newRow("starting") << State::Starting << true << false << false << false;
        QTest::newRow("running") << State::Running << true << true << false << false;
        QTest::newRow("paused") << State::Paused << true << false << true << false;
        QTest::newRow("succeeded") << State::Succeeded << false << false << false << false;
        QTest::newRow("failed") << State::Failed << false << false << false << true;
        QTest::newRow("canceled") << State::Canceled << false << false << false << true;
        QTest::newRow("timed out") << State::TimedOut << false << false << false << true;
    }

    // The roles are the rules of jobs/actions.h, which TaskController's actions follow too.
    void actionRoles()
    {
        QFETCH(State, state);
        QFETCH(bool, cancel);
        QFETCH(bool, pause);
        QFETCH(bool, resume);
        QFETCH(bool, retry);
        TaskModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.addJobs(specs(1), 1);
        if (state != State::Queued)
            model.setState(1, State::Starting);
        if (state != State::Queued && state != State::Starting)
            model.setState(1, State::Running);
        if (state == State::Paused)
            model.setState(1, State::Paused);
        if (isTerminal(state))
            model.finish(1, state, {}, {}, std::nullopt);
        const QModelIndex idx = model.index(0);
        QCOMPARE(idx.data(TaskModel::StateRole).value<State>(), state);
        QCOMPARE(idx.data(TaskModel::CanCancelRole).toBool(), cancel);
        QCOMPARE(idx.data(TaskModel::CanPauseRole).toBool(), pause);
        QCOMPARE(idx.data(TaskModel::CanResumeRole).toBool(), resume);
        QCOMPARE(idx.data(TaskModel::CanRetryRole).toBool(), retry);
        QCOMPARE(idx.data(TaskModel::IsTerminalRole).toBool(), isTerminal(state));
        QCOMPARE(canCancel(state), cancel);
        QCOMPARE(canPause(state), pause);
        QCOMPARE(canResume(state), resume);
        QCOMPARE(canRetry(state), retry);
    }

    void unitsDoneNeverDecrease_data()
    {
        QTest::addColumn<int>("seed");
        for (int seed = 1; seed <= 6; ++seed)
            QTest::addRow("seed %d", seed) << seed;
    }

    // Random progress, finishes and requeues (new attempts): every attempt is a unit of the
    // batch, the units done never go down, and the bar falls only when a unit is added.
    void unitsDoneNeverDecrease()
    {
        QFETCH(int, seed);
        QRandomGenerator random(static_cast<quint32>(seed));
        TaskModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        const int n = 20;
        model.addJobs(specs(n), 1);
        for (int id = 1; id <= n; ++id) {
            model.setState(id, State::Starting);
            model.setState(id, State::Running);
        }
        const State terminals[] = {State::Succeeded, State::Failed, State::Canceled,
                                   State::TimedOut};
        int units = n;
        double lastDone = 0.0;
        double lastOverall = 0.0;
        for (int step = 0; step < 1500; ++step) {
            const int id = 1 + static_cast<int>(random.bounded(n));
            const TaskRow &row = *model.find(id);
            const int sizeBefore = model.batchSize();
            if (isTerminal(row.state)) {
                if (random.bounded(4) == 0) {
                    model.requeue(id, row.attempt + 1);
                    ++units;
                    model.setState(id, State::Starting);
                    model.setState(id, State::Running);
                }
            } else if (random.bounded(10) == 0) {
                model.finish(id, terminals[random.bounded(4)], {}, {}, std::nullopt);
            } else {
                model.applyProgress(id, random.generateDouble() * 1.2 - 0.1, std::nullopt);
            }
            QCOMPARE(model.batchSize(), units);
            const double done = model.batchDone();
            const double overall = model.overallProgress();
            QVERIFY2(done >= lastDone - 1e-9,
                     qPrintable(QString("%1 < %2 at step %3").arg(done).arg(lastDone).arg(step)));
            if (model.batchSize() == sizeBefore)
                QVERIFY2(overall >= lastOverall, qPrintable(QString("step %1").arg(step)));
            QVERIFY(std::abs(overall - done / units) < 1e-9);
            lastDone = done;
            lastOverall = overall;
        }
        for (int id = 1; id <= n; ++id)
            model.finish(id, State::Canceled, {}, {}, std::nullopt);
        QVERIFY(model.overallProgress() == 1.0);
    }

    void seriesIsBounded()
    {
        TaskModel model;
        model.addJobs(specs(1), 1);
        QList<QPointF> points;
        for (int i = 0; i < 10000; ++i)
            points << QPointF(i, i);
        model.appendPoints(1, points);
        const auto series = model.index(0).data(TaskModel::SeriesRole).value<QList<QPointF>>();
        QVERIFY(series.size() <= TaskModel::kMaxSeriesPoints);
        QVERIFY(series.size() >= TaskModel::kMaxSeriesPoints / 2);
        QCOMPARE(series.first(), QPointF(0, 0)); // the start of the history stays
    }

    void manyRows()
    {
        TaskModel model;
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.addJobs(specs(10000), 1);
        QCOMPARE(inserted.count(), 1); // one insertion for the whole batch
        QCOMPARE(model.rowCount(), 10000);
        QCOMPARE(model.rowOf(7777), 7776);
    }

    void formatting()
    {
        QCOMPARE(formatDuration(0), QStringLiteral("0 ms"));
        QCOMPARE(formatDuration(420), QStringLiteral("420 ms"));
        QCOMPARE(formatDuration(4240), QStringLiteral("4.2s"));
        QCOMPARE(formatDuration(42000), QStringLiteral("42s"));
        QCOMPARE(formatDuration(65000), QStringLiteral("1:05"));
        QCOMPARE(formatDuration(3723000), QStringLiteral("1:02:03"));
    }
};

QTEST_GUILESS_MAIN(tst_TaskModel)
#include "tst_taskmodel.moc"
