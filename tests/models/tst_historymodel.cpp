// The History view's model against real SQLite files written by a real HistoryStore: pages in
// order with none twice and none skipped, filters, a refresh on commit that keeps what is
// loaded, 100,000 stored jobs read a page at a time, and the delete of a run, which removes
// its rows and its files inside the data folder but never a planted path outside it.

#include "models/historymodel.h"
#include "procutil.h"
#include "store/datadir.h"
#include "store/historyreader.h"
#include "store/historystore.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QSet>
#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <sys/stat.h>

using namespace longrun;

namespace {

JobSpec primes(int limit)
{
    return JobSpec{QStringLiteral("primes"), {{QStringLiteral("limit"), {QString::number(limit)}}}};
}

JobSpec sleeper(int ms)
{
    return JobSpec{QStringLiteral("sleep"), {{QStringLiteral("ms"), {QString::number(ms)}}}};
}

StoreEvent added(int seq, const JobSpec &spec, qint64 at = QDateTime::currentMSecsSinceEpoch())
{
    StoreEvent e;
    e.type = StoreEvent::Type::Added;
    e.seq = seq;
    e.spec = spec;
    e.at = at;
    return e;
}

StoreEvent started(int seq)
{
    StoreEvent e;
    e.type = StoreEvent::Type::Started;
    e.seq = seq;
    e.attempt = 1;
    e.at = QDateTime::currentMSecsSinceEpoch();
    return e;
}

StoreEvent finished(int seq, State state, const QString &text, const QString &image = {})
{
    StoreEvent e;
    e.type = StoreEvent::Type::Finished;
    e.seq = seq;
    e.attempt = 1;
    e.state = state;
    e.at = QDateTime::currentMSecsSinceEpoch();
    (state == State::Succeeded ? e.summary : e.error) = text;
    e.imagePath = image;
    return e;
}

StoreEvent deletedRun(qint64 runId)
{
    StoreEvent e;
    e.type = StoreEvent::Type::DeletedRun;
    e.runId = runId;
    return e;
}

// Runs SQL with a connection of the test's own, as someone editing the file would.
bool sql(const QString &dir, const QString &statement)
{
    const QString name = QStringLiteral("tst-edit");
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(QDir(dir).filePath(QStringLiteral("history.db")));
        ok = db.open() && QSqlQuery(db).exec(statement);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

QList<qint64> ids(const HistoryModel &model)
{
    QList<qint64> out;
    for (int row = 0; row < model.rowCount(); ++row)
        out << model.index(row).data(HistoryModel::JobIdRole).toLongLong();
    return out;
}

// Fetches until the model has every row; false if a page never came.
bool fetchAll(HistoryModel &model)
{
    while (model.canFetchMore({})) {
        const int before = model.rowCount();
        model.fetchMore({});
        if (!QTest::qWaitFor([&] { return model.rowCount() > before || !model.canFetchMore({}); },
                             test::kHangMs))
            return false;
    }
    return !model.loading() || QTest::qWaitFor([&] { return !model.loading(); }, test::kHangMs);
}

// A closed run of `count` jobs: primes (succeeded), sleep (failed) and primes (canceled) in
// turn; returns its id.
qint64 storeRun(const QString &dir, int count, qint64 addedAt = 0)
{
    HistoryStore store;
    if (!store.openAndWait(dir, QStringLiteral("cli")))
        return 0;
    const qint64 at = addedAt > 0 ? addedAt : QDateTime::currentMSecsSinceEpoch();
    for (int seq = 1; seq <= count; ++seq)
        store.record(added(seq, seq % 3 == 2 ? sleeper(seq) : primes(seq), at));
    for (int seq = 1; seq <= count; ++seq) {
        store.record(started(seq));
        const State state = seq % 3 == 1   ? State::Succeeded
                            : seq % 3 == 2 ? State::Failed
                                           : State::Canceled;
        store.record(finished(seq, state,
                              state == State::Succeeded ? QStringLiteral("found %1").arg(seq)
                                                        : QStringLiteral("broke at %1").arg(seq)));
    }
    return store.flush(test::kHangMs) ? store.runId() : 0;
}

} // namespace

class tst_HistoryModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void pagesNewestFirstNoneTwiceNoneSkipped();
    void filters_data();
    void filters();
    void refreshOnCommitKeepsRows();
    void hundredThousandJobsArePaged();
    void deleteRemovesRowsAndOwnFilesOnly();
    void currentRunIsNotDeleted();
    void exportRefusesToReplace();

private:
    QTemporaryDir m_tmp;
    QString m_dir;
};

void tst_HistoryModel::init()
{
    static int n = 0;
    m_dir = m_tmp.filePath(QStringLiteral("data%1").arg(++n));
}

void tst_HistoryModel::pagesNewestFirstNoneTwiceNoneSkipped()
{
    QVERIFY(storeRun(m_dir, 250) > 0);
    QVERIFY(storeRun(m_dir, 200) > 0);
    HistoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setDataDirectory(m_dir);
    // (The tester fetches more itself whenever rows arrive.)
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 450, test::kHangMs);
    QCOMPARE(model.countText(), QStringLiteral("450 jobs"));
    QCOMPARE(model.kinds(), (QStringList{QStringLiteral("primes"), QStringLiteral("sleep")}));
    QVERIFY(fetchAll(model));
    QCOMPARE(model.rowCount(), 450);
    QVERIFY(!model.canFetchMore({}));

    HistoryReader reader;
    QString error;
    QVERIFY2(reader.open(m_dir, &error), qPrintable(error));
    JobQuery all;
    all.limit = 0;
    QList<qint64> expected;
    for (const StoredJob &job : reader.jobs(all))
        expected << job.id;
    QCOMPARE(ids(model), expected); // newest first, each once, none left out
    QCOMPARE(QSet<qint64>(expected.cbegin(), expected.cend()).size(), 450);

    // The newest row: the second run's last job, with its words.
    const QModelIndex top = model.index(0);
    QCOMPARE(top.data(HistoryModel::SeqRole).toInt(), 200);
    QCOMPARE(top.data(HistoryModel::KindRole).toString(), u"sleep");
    QCOMPARE(top.data(HistoryModel::StateKeyRole).toString(), u"failed");
    QCOMPARE(top.data(HistoryModel::StateTextRole).toString(), u"Failed");
    QCOMPARE(top.data(HistoryModel::CommandLineRole).toString(), u"sleep: ms=200");
    QCOMPARE(top.data(HistoryModel::MessageRole).toString(), u"broke at 200");
    QVERIFY(!top.data(HistoryModel::RuntimeTextRole).toString().isEmpty());
}

void tst_HistoryModel::filters_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("days");
    QTest::addColumn<int>("expected");
    // 30 jobs today (10 of each state) and 30 added 10 days ago.
    QTest::newRow("all") << QString() << QString() << QString() << 0 << 60;
    QTest::newRow("state") << QString() << QStringLiteral("failed") << QString() << 0 << 20;
    QTest::newRow("kind") << QString() << QString() << QStringLiteral("sleep") << 0 << 20;
    QTest::newRow("last 7 days") << QString() << QString() << QString() << 7 << 30;
    QTest::newRow("last 30 days") << QString() << QString() << QString() << 30 << 60;
    // "found 1", "found 10", ..., in both runs: seq 1, 10, 13, 16, 19 succeeded.
    QTest::newRow("text") << QStringLiteral("found 1") << QString() << QString() << 0 << 10;
    QTest::newRow("text matches params")
        << QStringLiteral("limit") << QString() << QString() << 0 << 40;
    QTest::newRow("all of them") << QStringLiteral("broke") << QStringLiteral("canceled")
                                 << QStringLiteral("primes") << 7 << 10;
    QTest::newRow("nothing") << QStringLiteral("no such text") << QString() << QString() << 0 << 0;
}

void tst_HistoryModel::filters()
{
    QFETCH(QString, text);
    QFETCH(QString, state);
    QFETCH(QString, kind);
    QFETCH(int, days);
    QFETCH(int, expected);
    const qint64 tenDaysAgo = QDateTime::currentMSecsSinceEpoch() - qint64{10} * 24 * 3600 * 1000;
    QVERIFY(storeRun(m_dir, 30, tenDaysAgo) > 0);
    QVERIFY(storeRun(m_dir, 30) > 0);
    HistoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setDataDirectory(m_dir);
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 60, test::kHangMs);
    QSignalSpy filterChanged(&model, &HistoryModel::filterChanged);
    model.setText(text);
    model.setState(state);
    model.setKind(kind);
    model.setDays(days);
    model.setDays(days); // unchanged: no signal, no read
    QCOMPARE(filterChanged.size(),
             int(!text.isEmpty()) + int(!state.isEmpty()) + int(!kind.isEmpty()) + int(days > 0));
    QTRY_VERIFY_WITH_TIMEOUT(!model.loading(), test::kHangMs);
    QCOMPARE(model.count(), expected);
    QCOMPARE(model.rowCount(), expected);
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row);
        if (!state.isEmpty())
            QCOMPARE(index.data(HistoryModel::StateKeyRole).toString(), state);
        if (!kind.isEmpty())
            QCOMPARE(index.data(HistoryModel::KindRole).toString(), kind);
    }
    QCOMPARE(model.countText(),
             expected == 1 ? QStringLiteral("1 job") : QStringLiteral("%1 jobs").arg(expected));
}

// Every page loaded (the tester fetches them), then the store commits new jobs and a change to
// a loaded one: the new ones come on top, the change is applied in place, and the rows loaded
// below the newest page stay, in their order, with no reset.
void tst_HistoryModel::refreshOnCommitKeepsRows()
{
    QVERIFY(storeRun(m_dir, 450) > 0);
    HistoryStore store;
    QVERIFY(store.openAndWait(m_dir, QStringLiteral("window")));
    store.record(added(1, primes(7)));
    QVERIFY(store.flush(test::kHangMs));

    HistoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    connect(&store, &HistoryStore::committed, &model, &HistoryModel::storeCommitted);
    model.setDataDirectory(m_dir);
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 451, test::kHangMs);
    QVERIFY(fetchAll(model));
    QCOMPARE(model.rowCount(), 451);
    const QList<qint64> before = ids(model);
    QCOMPARE(model.index(0).data(HistoryModel::StateKeyRole).toString(), u"queued");

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    store.record(started(1));
    store.record(finished(1, State::Succeeded, QStringLiteral("4 primes up to 7")));
    for (int seq = 2; seq <= 4; ++seq)
        store.record(added(seq, sleeper(seq)));
    QVERIFY(store.flush(test::kHangMs));
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 454, test::kHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 454, test::kHangMs);
    QCOMPARE(reset.size(), 0);
    QVERIFY(!changed.isEmpty());
    QCOMPARE(ids(model).mid(3), before);
    QCOMPARE(model.index(3).data(HistoryModel::StateKeyRole).toString(), u"succeeded");
    QCOMPARE(model.index(3).data(HistoryModel::MessageRole).toString(), u"4 primes up to 7");
    QCOMPARE(model.index(0).data(HistoryModel::SeqRole).toInt(), 4);
    QVERIFY(!model.canFetchMore({}));
}

// 100,000 stored jobs: the first page and each fetchMore bring one page, never everything.
// (How long a page takes is measured by tests/bench/bench_history.cpp, not here.)
void tst_HistoryModel::hundredThousandJobsArePaged()
{
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(m_dir, QStringLiteral("cli")));
        for (int seq = 1; seq <= 100000; ++seq)
            store.record(added(seq, primes(seq)));
        QVERIFY(store.flush(test::kHangMs));
    }
    // No QAbstractItemModelTester here: it fetches more itself whenever rows arrive, and would
    // load all 100,000 (the other tests run it on the same code).
    HistoryModel model;
    model.setDataDirectory(m_dir);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), HistoryModel::kPageSize, test::kHangMs);
    QCOMPARE(model.count(), 100000);
    QCOMPARE(model.countText(), QStringLiteral("%1 jobs").arg(QLocale().toString(100000)));
    for (int page = 2; page <= 5; ++page) {
        model.fetchMore({});
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), page * HistoryModel::kPageSize, test::kHangMs);
        QTRY_VERIFY_WITH_TIMEOUT(!model.loading(), test::kHangMs);
        QCOMPARE(model.rowCount(), page * HistoryModel::kPageSize);
    }
    QCOMPARE(model.index(0).data(HistoryModel::SeqRole).toInt(), 100000);
    QCOMPARE(model.index(999).data(HistoryModel::SeqRole).toInt(), 99001);
    // A search for one job among them.
    model.setText(QStringLiteral("\"77777\""));
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 1, test::kHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, test::kHangMs);
    QCOMPARE(model.index(0).data(HistoryModel::SeqRole).toInt(), 77777);
}

// A deleted run takes its rows and the files it names inside the data folder; a path planted
// in the database that leads outside (absolute, "..", a link, the database itself) is left.
void tst_HistoryModel::deleteRemovesRowsAndOwnFilesOnly()
{
    const QString outside =
        m_tmp.filePath(QStringLiteral("outside-%1.txt").arg(QFileInfo(m_dir).fileName()));
    const QString images = QDir(m_dir).filePath(QStringLiteral("images"));
    const QString logs = QDir(m_dir).filePath(QStringLiteral("logs"));
    QString error;
    QVERIFY(prepareDataDirectory(images, &error));
    QVERIFY(prepareDataDirectory(logs, &error));
    auto plant = [](const QString &path) {
        QFile file(path);
        return file.open(QIODevice::WriteOnly) && file.write("keep") == 4;
    };
    QVERIFY(plant(outside));
    const QString image = QDir(images).filePath(QStringLiteral("run-1.png"));
    const QString log = QDir(logs).filePath(QStringLiteral("job-1.log"));
    const QString link = QDir(images).filePath(QStringLiteral("link.png"));
    QVERIFY(plant(image));
    QVERIFY(plant(log));
    QVERIFY(QFile::link(outside, link));

    qint64 doomed = 0;
    {
        HistoryStore store;
        QVERIFY(store.openAndWait(m_dir, QStringLiteral("window")));
        doomed = store.runId();
        const QStringList paths = {
            image, outside, link, QDir(m_dir).filePath(QStringLiteral("history.db")),
            QStringLiteral("logs/../../%1").arg(QFileInfo(outside).fileName())};
        for (int seq = 1; seq <= paths.size(); ++seq) {
            store.record(added(seq, primes(seq)));
            store.record(started(seq));
            store.record(finished(seq, State::Succeeded, QStringLiteral("ok"), paths.at(seq - 1)));
        }
        QVERIFY(store.flush(test::kHangMs));
    }
    QVERIFY(sql(m_dir, QStringLiteral("UPDATE attempts SET log_path = 'logs/job-1.log'"
                                      " WHERE job_id = (SELECT min(id) FROM jobs)")));
    QVERIFY(sql(m_dir, QStringLiteral("UPDATE attempts SET log_path = '%1'"
                                      " WHERE job_id = (SELECT max(id) FROM jobs)")
                           .arg(outside)));
    const qint64 kept = storeRun(m_dir, 3);
    QVERIFY(kept > 0);

    HistoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setDataDirectory(m_dir);
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 8, test::kHangMs);

    HistoryStore store;
    QVERIFY(store.openAndWait(m_dir, QStringLiteral("window")));
    store.record(deletedRun(doomed));
    QVERIFY(store.flush(test::kHangMs));
    model.reload();
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 3, test::kHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 3, test::kHangMs);
    for (int row = 0; row < 3; ++row)
        QCOMPARE(model.index(row).data(HistoryModel::RunIdRole).toLongLong(), kept);

    QVERIFY(!QFileInfo::exists(image));
    QVERIFY(!QFileInfo::exists(log));
    QVERIFY(QFileInfo(link).isSymLink());
    QFile left(outside);
    QVERIFY(left.open(QIODevice::ReadOnly));
    QCOMPARE(left.readAll(), QByteArray("keep"));
    QVERIFY(QFileInfo::exists(QDir(m_dir).filePath(QStringLiteral("history.db"))));
    HistoryReader reader;
    QVERIFY2(reader.open(m_dir, &error), qPrintable(error));
    QVERIFY(!reader.run(doomed));
    QVERIFY(reader.run(kept));
}

// The run that writes (this one, or another longrun's that still runs) is never deleted.
void tst_HistoryModel::currentRunIsNotDeleted()
{
    HistoryStore store;
    QVERIFY(store.openAndWait(m_dir, QStringLiteral("window")));
    store.record(added(1, primes(10)));
    store.record(deletedRun(store.runId()));
    QVERIFY(store.flush(test::kHangMs));
    QVERIFY(store.isOn());
    HistoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setDataDirectory(m_dir);
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 1, test::kHangMs);
    QCOMPARE(model.rowCount(), 1);
}

// The shown jobs as CSV, into a new owner-only file; a name that exists, or a planted link, is
// refused and left as it was.
void tst_HistoryModel::exportRefusesToReplace()
{
    QVERIFY(storeRun(m_dir, 6) > 0);
    HistoryModel model;
    model.setDataDirectory(m_dir);
    model.setKind(QStringLiteral("sleep"));
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 2, test::kHangMs);
    QSignalSpy done(&model, &HistoryModel::exportFinished);
    const QString path =
        m_tmp.filePath(QStringLiteral("export-%1.csv").arg(QFileInfo(m_dir).fileName()));
    model.exportTo(QUrl::fromLocalFile(path), QStringLiteral("csv"));
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, test::kHangMs);
    QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
    QCOMPARE(done.at(0).at(1).toString(), QStringLiteral("2 job(s) exported to %1").arg(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QVERIFY(lines.at(0).startsWith("id,"));
    QCOMPARE(lines.size(), 4); // the header, two jobs, the last newline
    QVERIFY(lines.at(1).contains("sleep: ms=5"));
    QVERIFY(lines.at(2).contains("sleep: ms=2"));
    QCOMPARE(QFileInfo(path).permissions() & 0x0077, QFileDevice::Permissions());

    model.exportTo(QUrl::fromLocalFile(path), QStringLiteral("json"));
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 2, test::kHangMs);
    QVERIFY(!done.at(1).at(0).toBool());
    QVERIFY(done.at(1).at(1).toString().contains(u"exists already"));
    const QString link =
        m_tmp.filePath(QStringLiteral("link-%1.json").arg(QFileInfo(m_dir).fileName()));
    QVERIFY(QFile::link(path, link));
    model.exportTo(QUrl::fromLocalFile(link), QStringLiteral("json"));
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 3, test::kHangMs);
    QVERIFY(!done.at(2).at(0).toBool());
    file.seek(0);
    QVERIFY(file.readAll().startsWith("id,"));
}

QTEST_GUILESS_MAIN(tst_HistoryModel)
#include "tst_historymodel.moc"
