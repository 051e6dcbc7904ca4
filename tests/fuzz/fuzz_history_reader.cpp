// libFuzzer target for what the history reads back (store/historyreader.cpp): a history.db
// edited by hand, or written by something else, may hold any value of any SQLite type in any
// column. The input fills the rows of a real database of the current schema (one SQLite file
// per input, in memory-backed /dev/shm when there is one); every reading the app and the CLI do
// then runs on it. A row that does not parse is skipped and counted, never a crash; what is
// read back is what a row holds, or nothing.
//
// The input is a sequence of cells: a type byte (0 NULL, 1 integer, 2 real, 3 text, 4 blob,
// taken modulo 5) then, but for NULL, a length byte and that many bytes (an integer or a real
// reads its bytes as text, as a hand-edited cell would be written). Cells fill the columns of
// runs, jobs and attempts rows in turn, so every column gets every kind of value.

#include "store/historyreader.h"
#include "store/schema.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace longrun;

namespace {

class Cells
{
public:
    Cells(const std::uint8_t *data, std::size_t size)
        : m_data(data)
        , m_size(size)
    {}
    [[nodiscard]] bool atEnd() const { return m_pos >= m_size; }
    QVariant next()
    {
        if (atEnd())
            return {};
        const int type = m_data[m_pos++] % 5;
        if (type == 0)
            return QVariant(QMetaType(QMetaType::QString));
        const std::size_t length = atEnd() ? 0 : m_data[m_pos++];
        const std::size_t n = std::min(length, m_size - m_pos);
        const QByteArray bytes(reinterpret_cast<const char *>(m_data + m_pos),
                               static_cast<qsizetype>(n));
        m_pos += n;
        switch (type) {
        case 1:
            return bytes.toLongLong();
        case 2:
            return bytes.toDouble();
        case 3:
            return QString::fromUtf8(bytes);
        default:
            return bytes;
        }
    }

private:
    const std::uint8_t *m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

// An expectation that does not hold: says which, then aborts (libFuzzer keeps the input).
void fail(int line)
{
    std::fprintf(stderr, "fuzz_history_reader.cpp:%d: expectation failed\n", line);
    std::abort();
}
#define check(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            fail(__LINE__);                                                                        \
    } while (false)

// Inserts rows into `table` until the cells run out (at most `maxRows`); a row SQLite refuses
// (a constraint) is left out, as it would be from a file.
void fill(QSqlDatabase &db, const char *table, int columns, Cells &cells, int maxRows)
{
    QStringList marks;
    for (int i = 0; i < columns; ++i)
        marks << QStringLiteral("?");
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT OR IGNORE INTO %1 VALUES (%2)")
                      .arg(QLatin1String(table), marks.join(u',')));
    for (int row = 0; row < maxRows && !cells.atEnd(); ++row) {
        for (int i = 0; i < columns; ++i)
            query.bindValue(i, cells.next());
        query.exec();
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    // Qt SQL finds its drivers through the application object.
    static QCoreApplication app(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    QTemporaryDir dir(QDir(QStringLiteral("/dev/shm")).exists()
                          ? QStringLiteral("/dev/shm/fuzz-XXXXXX")
                          : QString());
    check(dir.isValid());
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), "fuzz");
        db.setDatabaseName(QDir(dir.path()).filePath(QStringLiteral("history.db")));
        check(db.open());
        QString error;
        check(store::migrate(db, &error));
        Cells cells(data, size);
        db.transaction();
        // Table by table, with every column of the current schema (PRAGMA table_info order).
        fill(db, "runs", 8, cells, 2);
        fill(db, "jobs", 15, cells, 8);
        fill(db, "attempts", 11, cells, 8);
        db.commit();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("fuzz"));

    HistoryReader reader;
    QString error;
    if (!reader.open(dir.path(), &error))
        return 0;
    const std::optional<qint64> last = reader.lastRun();
    for (qint64 run : {last.value_or(0), qint64{1}, qint64{-1}}) {
        (void)reader.run(run);
        for (const StoredJob &job : reader.jobsOfRun(run)) {
            check(!job.spec.kind.isEmpty());
            check(reader.job(job.id).has_value());
            (void)reader.lastLog(job.id);
        }
    }
    (void)jobsToResume(reader.jobsOfRun(last.value_or(0)));
    (void)reader.interruptedJobs(0, 100);
    (void)reader.kinds();
    JobQuery query;
    query.limit = 5;
    int seen = 0;
    for (int page = 0; page < 10; ++page) {
        const QList<StoredJob> jobs = reader.jobs(query);
        seen += static_cast<int>(jobs.size());
        if (jobs.size() < query.limit)
            break;
        check(!query.beforeId || jobs.last().id < *query.beforeId);
        query.beforeId = jobs.last().id;
    }
    query.beforeId.reset();
    query.limit = 0;
    check(reader.count(query) >= seen);
    query.text = QStringLiteral("a%_\\");
    query.states = {QStringLiteral("failed"), QStringLiteral("x")};
    query.kind = QStringLiteral("primes");
    query.since = 1;
    (void)reader.jobs(query);
    (void)reader.count(query);
    return 0;
}
