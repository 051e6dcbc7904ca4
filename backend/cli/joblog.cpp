#include "cli/joblog.h"

#include "cli/outputstream.h"
#include "control/taskcontroller.h"
#include "store/jobexport.h"

#include <QtCore/QFile>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace longrun {

namespace {

// An existing FILE, opened without following a link and without blocking on a FIFO, kept only
// when it is a regular file of ours. Returns the descriptor (at its end), or -1 with the reason.
int openExisting(const QString &path, const QByteArray &name, bool *empty, QString *error)
{
    // Looked at first for a clear message; what counts is the fstat() of what was opened.
    struct stat seen = {};
    if (::lstat(name.constData(), &seen) == 0 && !S_ISLNK(seen.st_mode) && !S_ISREG(seen.st_mode)) {
        *error = QStringLiteral("--joblog '%1' is refused: not a regular file").arg(path);
        return -1;
    }
    const int fd = ::open(name.constData(),
                          O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *error = errno == ELOOP
                     ? QStringLiteral("--joblog '%1' is a symlink: refused (a joblog is written "
                                      "only to a regular file of yours)")
                           .arg(path)
                     : QStringLiteral("--joblog '%1' cannot be opened: %2")
                           .arg(path, describeError(errno));
        return -1;
    }
    struct stat st = {};
    QString problem;
    if (::fstat(fd, &st) != 0)
        problem = describeError(errno);
    else if (!S_ISREG(st.st_mode))
        problem = QStringLiteral("not a regular file");
    else if (st.st_uid != ::geteuid())
        problem = QStringLiteral("it belongs to another user");
    if (!problem.isEmpty()) {
        ::close(fd);
        *error = QStringLiteral("--joblog '%1' is refused: %2").arg(path, problem);
        return -1;
    }
    // Writes block again (a regular file never would, but the flag has no business staying).
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    *empty = st.st_size == 0;
    return fd;
}

QString oneLine(QString text)
{
    text.replace(u'\n', QStringLiteral("\\n"));
    text.replace(u'\r', QStringLiteral("\\r"));
    text.replace(u'\t', QStringLiteral("\\t"));
    return text;
}

} // namespace

JobLog::~JobLog()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool JobLog::open(const QString &given, QString *error)
{
    // parallel's "+FILE" (append) is what a plain FILE does here anyway.
    const QString path = given.startsWith(u'+') && given.size() > 1 ? given.mid(1) : given;
    const QByteArray name = QFile::encodeName(path);
    bool empty = true;
    int fd =
        ::open(name.constData(),
               O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0 && errno == EEXIST)
        fd = openExisting(path, name, &empty, error);
    else if (fd < 0)
        *error =
            QStringLiteral("--joblog '%1' cannot be created: %2").arg(path, describeError(errno));
    if (fd < 0)
        return false;
    m_fd = fd;
    m_path = path;
    if (empty)
        write(kHeader);
    if (m_failed) {
        *error = QStringLiteral("--joblog '%1' cannot be written").arg(path);
        return false;
    }
    return true;
}

QByteArray JobLog::line(const Attempt &attempt)
{
    const double start = static_cast<double>(attempt.startedAt) / 1000.0;
    const double runtime =
        static_cast<double>(std::max<qint64>(0, attempt.finishedAt - attempt.startedAt)) / 1000.0;
    // As a wait status says it: a signal leaves the exit status 0.
    const int exitValue = attempt.exitCode ? *attempt.exitCode : attempt.signal ? 0 : -1;
    return QByteArray::number(attempt.seq) + "\t:\t" + QByteArray::number(start, 'f', 3) + '\t'
           + QString::asprintf("%10.3f", runtime).toLatin1() + "\t0\t0\t"
           + QByteArray::number(exitValue) + '\t' + QByteArray::number(attempt.signal.value_or(0))
           + '\t' + oneLine(attempt.command).toUtf8() + '\n';
}

void JobLog::follow(TaskController &controller)
{
    const auto ended = [this, &controller](int id) {
        const TaskController::AttemptRecord last = controller.lastAttempt(id);
        const TaskRow *row = controller.model()->find(id);
        // An attempt that never started has no line (parallel logs the jobs it ran); each one
        // that did has exactly one, though a canceled retry ends the job after its line.
        if (!row || last.attempt == 0 || last.finishedAt == 0
            || m_written.value(id) >= last.attempt)
            return;
        m_written.insert(id, last.attempt);
        add({id, last.startedAt, last.finishedAt, last.exitCode, last.signal,
             jobCommandLine(row->spec)});
    };
    QObject::connect(&controller, &TaskController::jobFinished, &m_context,
                     [ended](int id, State) { ended(id); });
    QObject::connect(&controller, &TaskController::jobRetrying, &m_context,
                     [ended](int id, State, const QString &) { ended(id); });
}

void JobLog::add(const Attempt &attempt)
{
    if (m_fd >= 0)
        write(line(attempt));
}

void JobLog::write(const QByteArray &bytes)
{
    if (m_failed)
        return;
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n =
            ::write(m_fd, bytes.constData() + done, static_cast<std::size_t>(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            m_failed = true;
            if (m_onFailure)
                m_onFailure(QStringLiteral("cannot write to the joblog '%1' (%2); the jobs go on")
                                .arg(m_path, describeError(n < 0 ? errno : ENOSPC)));
            return;
        }
        done += n;
    }
}

} // namespace longrun
