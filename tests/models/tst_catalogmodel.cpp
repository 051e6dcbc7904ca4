// CatalogModel: the worker's catalog loaded in the background, and field validation for the UI.

#include "models/catalogmodel.h"
#include "procutil.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace longrun;

class tst_CatalogModel : public QObject
{
    Q_OBJECT

private slots:
    void loadsInTheBackground()
    {
        CatalogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy loaded(&model, &CatalogModel::loaded);
        model.load({test::workerPath(), {}});
        QVERIFY(model.loading());
        QVERIFY(loaded.wait(10000));
        QVERIFY(!model.loading());
        QCOMPARE(model.rowCount(), 7);
        const int primes = model.indexOf("primes");
        QVERIFY(primes >= 0);
        const QModelIndex idx = model.index(primes);
        QCOMPARE(idx.data(CatalogModel::NameRole).toString(), QStringLiteral("primes"));
        const QVariantList params = idx.data(CatalogModel::ParamsRole).toList();
        QCOMPARE(params.size(), 1);
        const QVariantMap limit = params.first().toMap();
        QCOMPARE(limit.value("name").toString(), QStringLiteral("limit"));
        QCOMPARE(limit.value("type").toString(), QStringLiteral("int"));
        QCOMPARE(limit.value("defaultText").toString(), QStringLiteral("10000000"));
        QCOMPARE(limit.value("min").toDouble(), 2.0);
        QVERIFY(model.worker().startsWith("longrun-worker"));
    }

    void failsClearly()
    {
        CatalogModel model;
        QSignalSpy error(&model, &CatalogModel::errorChanged);
        model.load({"/nonexistent/longrun-worker", {}});
        QVERIFY(error.wait(10000));
        QVERIFY2(model.error().startsWith("cannot start the worker '/nonexistent/longrun-worker'"),
                 qPrintable(model.error()));
        QCOMPARE(model.rowCount(), 0);
    }

    void checkParam_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("problem");
        QTest::newRow("ok") << "primes"
                            << "limit"
                            << "1000"
                            << "";
        QTest::newRow("empty means default") << "primes"
                                             << "limit"
                                             << ""
                                             << "";
        QTest::newRow("not a number")
            << "primes"
            << "limit"
            << "12x"
            << "parameter 'limit' must be an integer from 2 to 1000000000000, got '12x'";
        QTest::newRow("required") << "checksum"
                                  << "path"
                                  << ""
                                  << "parameter 'path' is required";
        QTest::newRow("argv") << "command"
                              << "argv"
                              << ""
                              << "parameter 'argv' needs a command to run";
        QTest::newRow("choice") << "fault"
                                << "mode"
                                << "abort"
                                << "";
        QTest::newRow("unknown") << "primes"
                                 << "nope"
                                 << "1"
                                 << "unknown parameter";
    }

    void checkParam()
    {
        QFETCH(QString, kind);
        QFETCH(QString, name);
        QFETCH(QString, text);
        QFETCH(QString, problem);
        CatalogModel model;
        QString error;
        const auto catalog = Catalog::load({test::workerPath(), {}}, &error);
        QVERIFY2(catalog, qPrintable(error));
        model.setCatalog(*catalog);
        QCOMPARE(model.checkParam(kind, name, text), problem);
    }
};

QTEST_GUILESS_MAIN(tst_CatalogModel)
#include "tst_catalogmodel.moc"
