#pragma once

// Test helpers: real processes, looked up in /proc. Header-only, no backend headers, shared by
// the worker and engine tests.

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QList>
#include <QtCore/QProcess>
#include <QtCore/QString>

#include <sys/types.h>
#include <unistd.h>

namespace longrun::test {

// How long a test waits for something that should happen soon before calling it a hang. Only a
// hang detector: generous, because the sanitizer builds on a busy 2-core machine run 5-20x
// slower. Timing requirements are asserted separately, with their own bounds.
inline constexpr int kHangMs = 60000;

// Writes `bytes` as the whole content of `path` (created or truncated); false if it could not.
[[nodiscard]] inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

struct ProcInfo
{
    pid_t pid = 0;
    pid_t ppid = 0;
    pid_t pgid = 0;
    char state = '?';
};

inline QList<ProcInfo> allProcesses()
{
    QList<ProcInfo> result;
    const QStringList entries =
        QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool ok = false;
        const int pid = entry.toInt(&ok);
        if (!ok)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
        const qsizetype close = line.lastIndexOf(')');
        if (close < 0)
            continue;
        const QList<QByteArray> fields = line.mid(close + 2).split(' ');
        if (fields.size() < 3)
            continue;
        ProcInfo info;
        info.pid = pid;
        info.state = fields.at(0).isEmpty() ? '?' : fields.at(0).at(0);
        info.ppid = fields.at(1).toInt();
        info.pgid = fields.at(2).toInt();
        if (info.state != 'Z') // a zombie is already dead, only not yet reaped
            result << info;
    }
    return result;
}

// Live processes in a process group.
inline QList<pid_t> groupMembers(pid_t pgid)
{
    QList<pid_t> members;
    for (const ProcInfo &p : allProcesses()) {
        if (p.pgid == pgid)
            members << p.pid;
    }
    return members;
}

inline int countInGroup(pid_t pgid)
{
    return static_cast<int>(groupMembers(pgid).size());
}

// Live descendants of a process (children, grandchildren, ...).
inline QList<pid_t> descendantsOf(pid_t root)
{
    const QList<ProcInfo> all = allProcesses();
    QList<pid_t> found;
    QList<pid_t> frontier{root};
    while (!frontier.isEmpty()) {
        const pid_t parent = frontier.takeFirst();
        for (const ProcInfo &p : all) {
            if (p.ppid == parent && !found.contains(p.pid)) {
                found << p.pid;
                frontier << p.pid;
            }
        }
    }
    return found;
}

// Which of these processes are still alive (zombies count as gone).
inline QList<pid_t> stillAlive(const QList<pid_t> &pids)
{
    QList<pid_t> alive;
    for (const ProcInfo &p : allProcesses()) {
        if (pids.contains(p.pid))
            alive << p.pid;
    }
    return alive;
}

// Live processes one of whose arguments is exactly `argument` (a marker the test chose, as in
// `sleep 300.5417`): what a job left behind, wherever it was re-parented.
inline QList<pid_t> withArgument(const QByteArray &argument)
{
    QList<pid_t> found;
    for (const ProcInfo &p : allProcesses()) {
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(p.pid));
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().split('\0').contains(argument))
            found << p.pid;
    }
    return found;
}

// The pid, as the test sees it, of the descendant of `root` that its own PID namespace calls
// `inner` (a command job's program prints pids of its namespace); 0 when there is none. Without
// a namespace the two are the same.
inline pid_t outerPid(pid_t root, pid_t inner)
{
    for (const pid_t pid : descendantsOf(root)) {
        QFile status(QStringLiteral("/proc/%1/status").arg(pid));
        if (!status.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("NSpid:") && line.simplified().split(' ').last().toInt() == inner)
                return pid;
        }
    }
    return 0;
}

inline QString workerPath()
{
    return qEnvironmentVariable("LONGRUN_WORKER");
}

inline QString helperPath(const QString &name)
{
    return QDir(qEnvironmentVariable("LONGRUN_TEST_HELPERS")).filePath(name);
}

// One run of the real `longrun` ($LONGRUN_APP) to its end.
struct AppRun
{
    int status = -1; // -1: it crashed, or hung and was killed
    QByteArray out;
    QString err;
};

// Runs `longrun ARGS` with no standard input, in `folder` (empty: ours) with `env` (empty:
// ours), and waits for it; one that hangs is killed.
inline AppRun runApp(const QStringList &args, const QString &folder = {},
                     const QProcessEnvironment &env = {})
{
    QProcess process;
    if (!folder.isEmpty())
        process.setWorkingDirectory(folder);
    if (!env.isEmpty())
        process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("LONGRUN_APP"), args);
    process.closeWriteChannel();
    AppRun run;
    if (!process.waitForFinished(kHangMs)) {
        process.kill();
        process.waitForFinished(-1);
        return run;
    }
    if (process.exitStatus() == QProcess::NormalExit)
        run.status = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

} // namespace longrun::test
