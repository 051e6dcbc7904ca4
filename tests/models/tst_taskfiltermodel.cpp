// TaskFilterModel: the job list filtered by state, as the window shows it.

#include "models/taskfiltermodel.h"
#include "models/taskmodel.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace longrun;

class tst_TaskFilterModel : public QObject
{
    Q_OBJECT

private slots:
    void filters_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QList<int>>("ids");
        QTest::newRow("all") << "all" << QList<int>{1, 2, 3, 4, 5, 6, 7};
        QTest::newRow("active") << "active" << QList<int>{1, 2, 3};
        QTest::newRow("queued") << "queued" << QList<int>{1};
        QTest::newRow("running") << "running" << QList<int>{2};
        QTest::newRow("paused") << "paused" << QList<int>{3};
        QTest::newRow("succeeded") << "succeeded" << QList<int>{4};
        QTest::newRow("failed includes timed out") << "failed" << QList<int>{5, 7};
        QTest::newRow("canceled") << "canceled" << QList<int>{6};
    }

    void filters()
    {
        QFETCH(QString, filter);
        QFETCH(QList<int>, ids);
        TaskModel model;
        TaskFilterModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.addJobs(QList<JobSpec>(7, JobSpec{QStringLiteral("sleep"), {}}), 1);
        model.setState(2, State::Running);
        model.setState(3, State::Running);
        model.setState(3, State::Paused);
        model.finish(4, State::Succeeded, {}, {}, std::nullopt);
        model.finish(5, State::Failed, QStringLiteral("x"), {}, std::nullopt);
        model.finish(6, State::Canceled, QStringLiteral("x"), {}, std::nullopt);
        model.finish(7, State::TimedOut, QStringLiteral("x"), {}, std::nullopt);

        QSignalSpy count(&proxy, &TaskFilterModel::countChanged);
        proxy.setFilter(filter);
        QList<int> shown;
        for (int r = 0; r < proxy.rowCount(); ++r)
            shown << proxy.idAt(r);
        QCOMPARE(shown, ids);
        QCOMPARE(proxy.count(), static_cast<int>(ids.size()));
        QCOMPARE(proxy.rowOfId(ids.last()), static_cast<int>(ids.size()) - 1);
        QCOMPARE(proxy.idAt(999), -1);

        // A state change moves a row in or out of the view.
        if (filter == u"active") {
            model.finish(2, State::Succeeded, {}, {}, std::nullopt);
            QCOMPARE(proxy.rowCount(), 2);
            QCOMPARE(proxy.rowOfId(2), -1);
            QVERIFY(count.count() >= 1);
        }
    }
};

QTEST_GUILESS_MAIN(tst_TaskFilterModel)
#include "tst_taskfiltermodel.moc"
