// The durability promise under SIGKILL: run a batch with `longrun --headless --json`, kill it
// with SIGKILL at a random moment, and check that every job it printed as finished is in the
// history with that state, that the database passes PRAGMA integrity_check, and that no process
// of the batch is left. Then `--resume` (killed too, now and then) until nothing is left to
// resume: every job of the batch has succeeded exactly once along its chain of reruns.

#include "procutil.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QRandomGenerator>
#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <QtTest/QTest>

#include <csignal>

using namespace longrun;

namespace {

constexpr int kKillsWanted = 50;  // kills across the whole test, of batches and of resumes
constexpr int kMaxBatches = 30;   // fresh batches, until enough kills happened
constexpr int kKilledResumes = 3; // the first resumes of a batch are killed too
constexpr int kJobsPerBatch = 12;

QString appPath()
{
    return qEnvironmentVariable("LONGRUN_APP");
}

// Every line of --json output that says a job finished: id -> state.
QHash<int, QString> finishedEvents(const QByteArray &out)
{
    QHash<int, QString> finished;
    for (const QByteArray &line : out.split('\n')) {
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        if (event.value(u"event").toString() == u"finished")
            finished.insert(event.value(u"id").toInt(), event.value(u"state").toString());
    }
    return finished;
}

class History
{
public:
    explicit History(const QString &dir)
        : m_name(QStringLiteral("crash-%1").arg(QRandomGenerator::global()->generate()))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(QDir(dir).filePath(QStringLiteral("history.db")));
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
        db.open();
    }
    ~History()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    QVariantList column(const QString &sql) const
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        QVariantList values;
        if (query.exec(sql)) {
            while (query.next())
                values << query.value(0);
        }
        return values;
    }
    QVariant one(const QString &sql) const
    {
        const QVariantList values = column(sql);
        return values.isEmpty() ? QVariant() : values.first();
    }

private:
    QString m_name;
};

} // namespace

class tst_Crash : public QObject
{
    Q_OBJECT

private slots:
    void killedAtRandomMoments();

private:
    // Starts longrun, kills it after `killAfterMs` (or lets it end when < 0), returns its stdout.
    QByteArray runLongrun(const QStringList &arguments, int killAfterMs, bool *killed);
    void checkReported(const QString &dir, const QByteArray &out);
    void checkNothingLeft(const QString &marker);

    int m_kills = 0;
};

QByteArray tst_Crash::runLongrun(const QStringList &arguments, int killAfterMs, bool *killed)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start(appPath(), arguments);
    if (!process.waitForStarted(test::kHangMs))
        return {};
    *killed = false;
    if (killAfterMs >= 0 && !process.waitForFinished(killAfterMs)) {
        ::kill(static_cast<pid_t>(process.processId()), SIGKILL);
        *killed = true;
        ++m_kills;
    }
    process.waitForFinished(test::kHangMs);
    return process.readAllStandardOutput();
}

void tst_Crash::checkReported(const QString &dir, const QByteArray &out)
{
    History history(dir);
    QCOMPARE(history.one(QStringLiteral("PRAGMA integrity_check")).toString(), u"ok");
    const qint64 run = history.one(QStringLiteral("SELECT max(id) FROM runs")).toLongLong();
    const QHash<int, QString> reported = finishedEvents(out);
    for (auto it = reported.begin(); it != reported.end(); ++it) {
        const QString stored = history
                                   .one(QStringLiteral("SELECT state FROM jobs WHERE run_id = %1 "
                                                       "AND seq = %2")
                                            .arg(run)
                                            .arg(it.key()))
                                   .toString();
        QVERIFY2(stored == it.value(), qPrintable(QStringLiteral("run %1 job %2: printed %3, "
                                                                 "stored '%4'")
                                                      .arg(run)
                                                      .arg(it.key())
                                                      .arg(it.value(), stored)));
    }
}

void tst_Crash::checkNothingLeft(const QString &marker)
{
    // The workers die with longrun (PR_SET_PDEATHSIG) and take their programs along.
    QElapsedTimer clock;
    clock.start();
    QStringList left;
    do {
        left.clear();
        for (const test::ProcInfo &p : test::allProcesses()) {
            QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(p.pid));
            if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains(marker.toUtf8()))
                left << QString::number(p.pid);
        }
        if (left.isEmpty())
            return;
        QTest::qWait(50);
    } while (clock.elapsed() < 5000);
    QFAIL(qPrintable(QStringLiteral("processes of the batch left: %1").arg(left.join(u' '))));
}

void tst_Crash::killedAtRandomMoments()
{
    QRandomGenerator random(20261201);
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("data"));
    int batches = 0;
    for (int batch = 0; batch < kMaxBatches && m_kills < kKillsWanted; ++batch, ++batches) {
        const QString marker = QStringLiteral("crash-marker-%1").arg(batch);
        QStringList arguments{QStringLiteral("--headless"),    QStringLiteral("--json"),
                              QStringLiteral("--data-dir"),    dir,
                              QStringLiteral("--concurrency"), QStringLiteral("4")};
        for (int j = 0; j < kJobsPerBatch; ++j) {
            switch (j % 3) {
            case 0:
                arguments << QStringLiteral("sleep:seconds=0.%1,steps=3").arg(1 + j % 4);
                break;
            case 1:
                arguments << QStringLiteral("primes:limit=%1").arg(100000 * (j + 1));
                break;
            default:
                arguments << QStringLiteral("command:argv=sh -c 'sleep 0.1' %1").arg(marker);
                break;
            }
        }
        bool killed = false;
        const QByteArray out =
            runLongrun(arguments, static_cast<int>(random.bounded(100, 900)), &killed);
        checkReported(dir, out);
        checkNothingLeft(marker);
        // Resume until nothing is left; each resume may be killed too, while kills are wanted.
        for (int round = 0; round < 20; ++round) {
            const int killAfter =
                round < kKilledResumes ? static_cast<int>(random.bounded(30, 400)) : -1;
            const QByteArray resumed =
                runLongrun({QStringLiteral("--headless"), QStringLiteral("--json"),
                            QStringLiteral("--data-dir"), dir, QStringLiteral("--resume")},
                           killAfter, &killed);
            checkReported(dir, resumed);
            checkNothingLeft(marker);
            if (!killed && resumed.isEmpty())
                break; // "nothing to resume": stdout stays empty
        }
    }
    QVERIFY2(m_kills >= kKillsWanted, qPrintable(QString::number(m_kills)));

    // Every job of every batch succeeded exactly once along its chain of reruns: a job that was
    // not rerun ended here, and the reruns of one job never both succeeded.
    History history(dir);
    QCOMPARE(history.one(QStringLiteral("PRAGMA integrity_check")).toString(), u"ok");
    const QVariantList firstRuns = history.column(
        QStringLiteral("SELECT id FROM jobs WHERE resumed_from IS NULL ORDER BY id"));
    // A batch killed before its jobs were stored (one transaction) left none: nothing of it
    // had started or been reported.
    QVERIFY(firstRuns.size() % kJobsPerBatch == 0);
    QVERIFY2(firstRuns.size() >= 4 * kJobsPerBatch, qPrintable(QString::number(firstRuns.size())));
    for (const QVariant &root : firstRuns) {
        const QString chain =
            QStringLiteral("WITH RECURSIVE chain(id, state) AS (SELECT id, state FROM jobs "
                           "WHERE id = %1 UNION ALL SELECT jobs.id, jobs.state FROM jobs JOIN "
                           "chain ON jobs.resumed_from = chain.id) ")
                .arg(root.toLongLong());
        const int succeeded = history
                                  .one(chain
                                       + QStringLiteral("SELECT count(*) FROM chain WHERE state = "
                                                        "'succeeded'"))
                                  .toInt();
        const int open = history
                             .one(chain
                                  + QStringLiteral("SELECT count(*) FROM chain WHERE state IN "
                                                   "('queued', 'starting', 'running', 'paused')"))
                             .toInt();
        QStringList states;
        for (const QVariant &state :
             history.column(chain + QStringLiteral("SELECT state || ' (' || id || ')' FROM chain")))
            states << state.toString();
        QVERIFY2(
            succeeded == 1 && open == 0,
            qPrintable(QStringLiteral("job %1: %2 succeeded, %3 unfinished along its reruns: %4")
                           .arg(root.toLongLong())
                           .arg(succeeded)
                           .arg(open)
                           .arg(states.join(QStringLiteral(", ")))));
    }
    qInfo("%d kills in %d batches survived, 0 jobs lost", m_kills, batches);
}

QTEST_GUILESS_MAIN(tst_Crash)
#include "tst_crash.moc"
