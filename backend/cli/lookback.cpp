#include "cli/lookback.h"

#include "cli/outputstream.h"
#include "store/datadir.h"
#include "store/historyreader.h"
#include "store/jobexport.h"
#include "store/jobjson.h"

#include <QtCore/QDateTime>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace longrun {

namespace {

// Jobs read per query while exporting: an export of 100,000 jobs never holds them all.
constexpr int kExportPage = 500;
// The widths of the history's free-text columns when standard output is not a terminal.
constexpr int kCommandWidth = 60;
constexpr int kResultWidth = 60;
constexpr int kMinTextWidth = 12;

QString dataDirectoryOf(const CliOptions &options)
{
    return options.dataDir.isEmpty() ? dataDirectoryFromEnvironment()
                                     : QFileInfo(options.dataDir).absoluteFilePath();
}

void say(const QString &message)
{
    OutputStream(stderr).write(QStringLiteral("longrun: %1\n").arg(message));
}

// A kind the history does not hold can match nothing: said as a usage error, with those it
// holds.
bool checkKind(HistoryReader &reader, const JobQuery &query, QString *error)
{
    if (query.kind.isEmpty())
        return true;
    const QStringList kinds = reader.kinds();
    if (kinds.contains(query.kind))
        return true;
    *error = kinds.isEmpty()
                 ? QStringLiteral("--kind '%1': the history holds no jobs yet").arg(query.kind)
                 : QStringLiteral("--kind '%1' is not a kind the history holds: %2")
                       .arg(query.kind, kinds.join(QStringLiteral(", ")));
    return false;
}

// Stored text shown in a terminal: one line, and no control character (an escape sequence in
// a job's error must not reach the terminal as one).
QString printable(const QString &text)
{
    QString line = text.section(u'\n', 0, 0);
    for (QChar &c : line) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            c = u' ';
    }
    return line;
}

QString localTime(qint64 ms)
{
    return ms > 0
               ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
               : QStringLiteral("-");
}

QString runtimeText(const StoredJob &job)
{
    if (job.startedAt <= 0 || job.finishedAt < job.startedAt)
        return QStringLiteral("-");
    const qint64 ms = job.finishedAt - job.startedAt;
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60'000)
        return QStringLiteral("%1 s").arg(static_cast<double>(ms) / 1000.0, 0, 'f', 1);
    const qint64 s = ms / 1000;
    if (s < 3600)
        return QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1h%2m").arg(s / 3600).arg(s / 60 % 60, 2, 10, QLatin1Char('0'));
}

// What a job came to, in one line: its summary, or why it did not succeed.
QString outcomeText(const StoredJob &job)
{
    if (job.state == u"succeeded" || job.error.isEmpty())
        return printable(job.summary);
    return printable(job.error);
}

int terminalColumns()
{
    winsize size{};
    if (::isatty(STDOUT_FILENO) != 1 || ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0)
        return 0;
    return size.ws_col;
}

// The history as a table: fixed columns as wide as their widest cell, then the command and
// the outcome cut to what the terminal leaves them (or to about 60 characters each).
QString historyTable(const QList<StoredJob> &jobs)
{
    const QStringList header{QStringLiteral("ID"),      QStringLiteral("RUN"),
                             QStringLiteral("STATE"),   QStringLiteral("KIND"),
                             QStringLiteral("COMMAND"), QStringLiteral("FINISHED"),
                             QStringLiteral("TIME"),    QStringLiteral("RESULT")};
    QList<QStringList> rows{header};
    for (const StoredJob &job : jobs)
        rows << QStringList{QString::number(job.id),
                            QString::number(job.runId),
                            job.state,
                            printable(job.spec.kind),
                            printable(jobCommandLine(job.spec)),
                            localTime(job.finishedAt),
                            runtimeText(job),
                            outcomeText(job)};
    QList<int> widths(header.size(), 0);
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], static_cast<int>(row.at(i).size()));
    }
    constexpr int kCommand = 4;
    constexpr int kResult = 7;
    int commandWidth = kCommandWidth;
    int resultWidth = kResultWidth;
    if (const int columns = terminalColumns(); columns > 0) {
        int fixed = 0;
        for (qsizetype i = 0; i < widths.size(); ++i)
            fixed += i == kCommand || i == kResult ? 2 : widths[i] + 2;
        const int left = std::max(2 * kMinTextWidth, columns - fixed);
        commandWidth = std::clamp(left / 2, kMinTextWidth, kCommandWidth);
        resultWidth = std::max(kMinTextWidth, left - commandWidth);
    }
    widths[kCommand] = std::min(widths[kCommand], commandWidth);
    QString text;
    for (const QStringList &row : std::as_const(rows)) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (i == kResult) {
                line += cutText(row.at(i), resultWidth);
                break;
            }
            line += cutText(row.at(i), widths[i]).leftJustified(widths[i]) + QStringLiteral("  ");
        }
        text += line.trimmed() + u'\n';
    }
    return text;
}

// One job as a JSON line: the export's fields, then what only the history shows.
QByteArray historyLine(const StoredJob &job)
{
    QJsonObject object = exportObject(job);
    object.insert(QStringLiteral("params"),
                  QJsonDocument::fromJson(paramsToJson(job.spec).toUtf8()).array());
    object.insert(QStringLiteral("resumed"), job.resumed);
    object.insert(QStringLiteral("log_path"),
                  job.logPath.isEmpty() ? QJsonValue() : QJsonValue(job.logPath));
    object.insert(QStringLiteral("image_path"),
                  job.imagePath.isEmpty() ? QJsonValue() : QJsonValue(job.imagePath));
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

int history(HistoryReader &reader, const LookOptions &look)
{
    OutputStream out(stdout);
    const int matching = reader.count(look.query);
    const QList<StoredJob> jobs = reader.jobs(look.query);
    if (jobs.isEmpty()) {
        if (look.json)
            say(QStringLiteral("no jobs match"));
        else
            out.write(QStringLiteral("no jobs match\n"));
        return out.failed() ? kExitOutputError : kExitOk;
    }
    if (look.json) {
        QByteArray chunk;
        for (const StoredJob &job : jobs) {
            chunk += historyLine(job);
            if (chunk.size() > 64 * 1024)
                out.write(QString::fromUtf8(std::exchange(chunk, {})));
        }
        out.write(QString::fromUtf8(chunk));
    } else {
        out.write(historyTable(jobs));
        if (matching > jobs.size())
            out.write(QStringLiteral("%1 more: --limit/--since to see them\n")
                          .arg(matching - static_cast<int>(jobs.size())));
    }
    if (reader.skipped() > 0)
        say(QStringLiteral("%1 rows of the history could not be read and are not shown")
                .arg(reader.skipped()));
    return out.failed() ? kExitOutputError : kExitOk;
}

// Every selected job, a page at a time, newest first. Returns how many were written.
int writeExport(HistoryReader &reader, JobQuery query, ExportWriter &writer)
{
    int written = 0;
    query.limit = kExportPage;
    for (;;) {
        const int skippedBefore = reader.skipped();
        const QList<StoredJob> page = reader.jobs(query);
        for (const StoredJob &job : page)
            writer.add(job);
        written += static_cast<int>(page.size());
        // A short page is the last one (rows that did not parse count as read).
        if (page.isEmpty() || page.size() + reader.skipped() - skippedBefore < kExportPage)
            return written;
        query.beforeId = page.last().id;
    }
}

// FILE of --output: made new (O_EXCL), never through a symlink planted there (O_NOFOLLOW).
bool createExportFile(const QString &path, QFile &file, QString *error)
{
    const QByteArray name = QFile::encodeName(path);
    const int fd =
        ::open(name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = errno == EEXIST
                     ? QStringLiteral("'%1' already exists: export writes a new file only, never "
                                      "over a file or through a link (pick another name)")
                           .arg(path)
                     : QStringLiteral("cannot create '%1': %2").arg(path, describeError(errno));
        return false;
    }
    return file.open(fd, QIODevice::WriteOnly, QFileDevice::AutoCloseHandle);
}

int exportJobs(HistoryReader &reader, const LookOptions &look)
{
    QFile file;
    const bool toFile = !look.output.isEmpty();
    QString error;
    if (toFile && !createExportFile(look.output, file, &error)) {
        say(error);
        return kExitJobsFailed;
    }
    if (!toFile && !file.open(stdout, QIODevice::WriteOnly)) {
        say(QStringLiteral("cannot write to standard output"));
        return kExitOutputError;
    }
    ExportWriter writer(file, look.csv ? ExportFormat::Csv : ExportFormat::Json);
    writer.begin();
    const int count = writeExport(reader, look.query, writer);
    const bool ok = writer.end() && file.flush();
    if (!ok) {
        const QString where =
            toFile ? QStringLiteral("'%1'").arg(look.output) : QStringLiteral("standard output");
        say(QStringLiteral("cannot write the export to %1: %2").arg(where, file.errorString()));
        if (toFile) {
            // Ours (made above) and only half written: an export that stopped midway would
            // pass for a whole one.
            file.close();
            QFile::remove(look.output);
        }
        return toFile ? kExitJobsFailed : kExitOutputError;
    }
    say(QStringLiteral("exported %1 jobs%2: %3 (no logs, no stderr tails, no result values)")
            .arg(count)
            .arg(toFile ? QStringLiteral(" to '%1'").arg(look.output) : QString())
            .arg(exportFieldList()));
    if (reader.skipped() > 0)
        say(QStringLiteral("%1 rows of the history could not be read and are not in the export")
                .arg(reader.skipped()));
    return kExitOk;
}

} // namespace

int runLookBack(const CliOptions &options)
{
    ignoreSigpipe();
    HistoryReader reader;
    QString error;
    if (!reader.open(dataDirectoryOf(options), &error)) {
        say(error);
        return kExitJobsFailed;
    }
    if (!checkKind(reader, options.look.query, &error))
        return usageError(error);
    return options.command == Command::Export ? exportJobs(reader, options.look)
                                              : history(reader, options.look);
}

} // namespace longrun
