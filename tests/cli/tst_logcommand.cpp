// `longrun log ID` end to end: real `longrun --headless` runs of real command jobs write the
// logs, then the real binary prints them whole, by stream, by tail, while the job runs
// (--follow), and says clearly when there is nothing to print or the file was tampered with.

#include "procutil.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <QtTest/QTest>

using namespace longrun;

class tst_LogCommand : public QObject
{
    Q_OBJECT

    struct Run
    {
        int exitCode = -1;
        QStringList records; // the records printed, without their times
        QString err;
    };

    static QStringList recordsOf(const QByteArray &out)
    {
        static const QRegularExpression head(
            QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z "));
        QStringList records;
        for (const QByteArray &line : out.split('\n')) {
            if (line.isEmpty())
                continue;
            QString text = QString::fromUtf8(line);
            records << (head.match(text).hasMatch() ? text.mid(25) : QStringLiteral("?") + text);
        }
        return records;
    }

    static Run longrun(const QStringList &args)
    {
        QProcess process;
        process.start(qEnvironmentVariable("LONGRUN_APP"), args);
        process.closeWriteChannel();
        Run result;
        if (!process.waitForFinished(test::kHangMs)) {
            process.kill();
            process.waitForFinished(-1);
            return result;
        }
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        result.records = recordsOf(process.readAllStandardOutput());
        result.err = QString::fromUtf8(process.readAllStandardError());
        return result;
    }

    Run log(const QStringList &args) { return longrun(QStringList{"log"} + args + dataDir()); }
    [[nodiscard]] QStringList dataDir() const { return {"--data-dir", m_dir->path()}; }

    // Runs `jobs` headless in the test's data folder; their stored ids are 1, 2, ... in order.
    bool runJobs(const QStringList &jobs)
    {
        const Run run = longrun(QStringList{"--headless"} + dataDir() + jobs);
        return run.exitCode == 0;
    }

    void sql(const QString &statement)
    {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), "edit");
            db.setDatabaseName(QDir(m_dir->path()).filePath(QStringLiteral("history.db")));
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(statement));
        }
        QSqlDatabase::removeDatabase("edit");
    }

    // Whether the history holds the job `id` yet (a second reader, as the sqlite3 shell).
    [[nodiscard]] bool stored(int id) const
    {
        bool found = false;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), "look");
            db.setDatabaseName(QDir(m_dir->path()).filePath(QStringLiteral("history.db")));
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
            QSqlQuery query(db);
            found = db.open()
                    && query.exec(QStringLiteral("SELECT 1 FROM jobs WHERE id = %1").arg(id))
                    && query.next();
        }
        QSqlDatabase::removeDatabase("look");
        return found;
    }

    // Reads `follower` to its end; `seen` tells whether `first` came while `job` still ran.
    static QByteArray readFollower(QProcess &follower, const QProcess &job, const QByteArray &first,
                                   bool *seen)
    {
        QByteArray out;
        QElapsedTimer timer;
        timer.start();
        while (follower.state() != QProcess::NotRunning && timer.elapsed() < test::kHangMs) {
            follower.waitForReadyRead(50);
            out += follower.readAllStandardOutput();
            if (out.contains(first) && job.state() != QProcess::NotRunning)
                *seen = true;
        }
        return out + follower.readAllStandardOutput();
    }

    [[nodiscard]] QString logFile(int job) const
    {
        return QDir(m_dir->path()).filePath(QStringLiteral("logs/run1-job%1-1.log").arg(job));
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    static constexpr const char *kScript =
        "command:tty=false,argv=sh -c 'echo a; sleep 0.1; echo b >&2; sleep 0.1; echo c'";

private slots:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }

    void wholeLogByStreamAndTail()
    {
        QVERIFY(runJobs({kScript, "primes:limit=100"}));
        Run r = log({"1"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.records, (QStringList{"out a", "err b", "out c"}));
        QCOMPARE(r.err, QString());
        r = log({"1", "--stderr"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.records, QStringList{"err b"});
        r = log({"1", "--tail", "2"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.records, (QStringList{"err b", "out c"}));
        r = log({"1", "--tail", "1", "--stderr"});
        QCOMPARE(r.records, QStringList{"err b"});
        r = log({"1", "--tail", "10"});
        QCOMPARE(r.records, (QStringList{"out a", "err b", "out c"}));
    }

    void noLogOrNoJob()
    {
        QVERIFY(runJobs({"primes:limit=100"}));
        Run r = log({"1"});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.err, QStringLiteral("longrun: job 1 has no log: only a command job that "
                                       "printed something has one (and no job of a --no-history "
                                       "run)\n"));
        r = log({"99"});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.err,
                 QStringLiteral("longrun: no job 99 in the history of '%1'\n").arg(m_dir->path()));
        r = log({"x"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith(
                     "longrun: log takes a job's number (as the history shows it), not 'x'"),
                 qPrintable(r.err));
        QCOMPARE(longrun({"--tail", "2", "--headless", "primes"}).exitCode, 2);
    }

    // A --no-history run stores nothing, so it has no log either: no file at all.
    void noHistoryNoLog()
    {
        QCOMPARE(
            longrun(QStringList{"--headless", "--no-history"} + dataDir() + QStringList{kScript})
                .exitCode,
            0);
        QVERIFY(!QFileInfo::exists(QDir(m_dir->path()).filePath(QStringLiteral("logs"))));
        const Run r = log({"1"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith(QStringLiteral("longrun: no history in")), qPrintable(r.err));
    }

    // --follow prints lines as the job writes them and ends when its attempt ends.
    void followWhileRunning()
    {
        QProcess job;
        job.start(qEnvironmentVariable("LONGRUN_APP"),
                  QStringList{"--headless"} + dataDir()
                      + QStringList{"command:tty=false,argv=sh -c 'for i in 1 2 3 4; do echo "
                                    "line$i; sleep 0.5; done'"});
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(logFile(1)), test::kHangMs);
        QProcess follower;
        follower.start(qEnvironmentVariable("LONGRUN_APP"),
                       QStringList{"log", "1", "--follow"} + dataDir());
        bool sawFirstWhileRunning = false;
        const QByteArray out = readFollower(follower, job, "out line1", &sawFirstWhileRunning);
        QCOMPARE(follower.state(), QProcess::NotRunning);
        QVERIFY(sawFirstWhileRunning);
        QCOMPARE(follower.exitCode(), 0);
        QCOMPARE(recordsOf(out), (QStringList{"out line1", "out line2", "out line3", "out line4"}));
        QVERIFY(job.waitForFinished(test::kHangMs));
        QCOMPARE(job.exitCode(), 0);
    }

    // --follow on a job still queued waits for its attempt, then follows it to its end.
    void followQueuedJob()
    {
        QProcess job;
        job.start(
            qEnvironmentVariable("LONGRUN_APP"),
            QStringList{"--headless", "--concurrency", "1"} + dataDir()
                + QStringList{"sleep:seconds=1,steps=1",
                              "command:tty=false,argv=sh -c 'echo one; sleep 0.5; echo two'"});
        QTRY_VERIFY_WITH_TIMEOUT(stored(2), test::kHangMs);
        QProcess follower;
        follower.start(qEnvironmentVariable("LONGRUN_APP"),
                       QStringList{"log", "2", "--follow"} + dataDir());
        bool seen = false;
        const QByteArray out = readFollower(follower, job, "out one", &seen);
        QCOMPARE(follower.state(), QProcess::NotRunning);
        QCOMPARE(follower.exitCode(), 0);
        QVERIFY(seen);
        QCOMPARE(recordsOf(out), (QStringList{"out one", "out two"}));
        QVERIFY(job.waitForFinished(test::kHangMs));
        QCOMPARE(job.exitCode(), 0);
    }

    // A log edited or cut by hand: what is no record is skipped and said, never a crash.
    void editedLogIsSkippedNotFatal()
    {
        QVERIFY(runJobs({kScript}));
        QFile file(logFile(1));
        QVERIFY(file.open(QIODevice::Append));
        file.write("not a record\n" + QByteArray(3 * 1024 * 1024, 'x') + "\n2026-12-01T1");
        file.close();
        Run r = log({"1"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.records, (QStringList{"out a", "err b", "out c"}));
        QCOMPARE(r.err, QStringLiteral("longrun: 3 line(s) of the log of job 1 are not records "
                                       "of longrun (edited by hand?): skipped\n"));
        QVERIFY(file.resize(5));
        r = log({"1", "--tail", "3"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.records, QStringList());
        QVERIFY(file.resize(0));
        r = log({"1"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.records, QStringList());
    }

    // --keep-days: a later run deletes the old job with its log; the new run's own stays.
    void retentionDeletesTheLog()
    {
        QVERIFY(runJobs({kScript, kScript}));
        QVERIFY(QFileInfo::exists(logFile(1)));
        const qint64 old = QDateTime::currentMSecsSinceEpoch() - 2 * 24 * 3600 * 1000LL;
        sql(QStringLiteral("UPDATE jobs SET added_at = %1, finished_at = %1 WHERE id = 1")
                .arg(old));
        QCOMPARE(longrun(QStringList{"--headless", "--keep-days", "1"} + dataDir()
                         + QStringList{kScript})
                     .exitCode,
                 0);
        QCOMPARE(log({"1"}).exitCode, 1);
        QCOMPARE(log({"2"}).records, (QStringList{"out a", "err b", "out c"}));
        QCOMPARE(log({"3"}).records, (QStringList{"out a", "err b", "out c"}));
        QCOMPARE(QDir(m_dir->path() + "/logs").entryList(QDir::Files, QDir::Name),
                 (QStringList{"run1-job2-1.log", "run2-job1-1.log"}));
    }

    // Paths are data (issue #12): a stored log path that leads out of the data folder, or
    // through a link, is not read.
    void plantedPathIsNotRead()
    {
        QVERIFY(runJobs({kScript}));
        QTemporaryDir outside;
        const QString secret = QDir(outside.path()).filePath(QStringLiteral("secret.log"));
        QFile file(secret);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("2026-12-01T10:00:00.000Z out secret\n");
        file.close();
        sql(QStringLiteral("UPDATE attempts SET log_path = '%1'").arg(secret));
        Run r = log({"1"});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.records, QStringList());
        QVERIFY2(r.err.contains(QStringLiteral("is outside the data folder")), qPrintable(r.err));
        QVERIFY(QFile::link(secret, QDir(m_dir->path()).filePath(QStringLiteral("logs/l.log"))));
        sql(QStringLiteral("UPDATE attempts SET log_path = 'logs/l.log'"));
        r = log({"1"});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.records, QStringList());
        QVERIFY2(r.err.contains(QStringLiteral("is not a plain file of the data folder")),
                 qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(tst_LogCommand)
#include "tst_logcommand.moc"
