#include "store/owner.h"

#include <QtCore/QFile>

namespace longrun {

namespace {

QByteArray readSmallFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.read(4096);
}

} // namespace

QString processIdentity(pid_t pid)
{
    const QByteArray stat = readSmallFile(QStringLiteral("/proc/%1/stat").arg(pid));
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return {};
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    // Field 22 (starttime) is the 20th after the name.
    if (fields.size() < 20)
        return {};
    static const QByteArray boot =
        readSmallFile(QStringLiteral("/proc/sys/kernel/random/boot_id")).trimmed();
    return QString::fromLatin1(boot + ':' + fields.at(19));
}

} // namespace longrun
