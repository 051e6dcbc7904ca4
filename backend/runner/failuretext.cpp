#include "runner/failuretext.h"

#include <QtCore/QStringList>

#include <cstring>

namespace longrun {

QString describeExit(const WorkerExit &exit, std::size_t pendingFrameBytes)
{
    if (exit.crashed)
        return QStringLiteral("the worker was killed by %1").arg(describeSignal(exit.code));
    if (pendingFrameBytes > 0)
        return QStringLiteral("protocol error: the worker exited in the middle of a frame "
                              "(%1 bytes of it arrived)")
            .arg(pendingFrameBytes);
    if (exit.code != 0)
        return QStringLiteral("the worker exited with code %1 without a result").arg(exit.code);
    return QStringLiteral("the worker exited (code 0) without sending a result");
}

QString withStderrLines(QString error, const QString &stderrTail)
{
    if (stderrTail.isEmpty())
        return error;
    QStringList lines = stderrTail.split(QLatin1Char('\n'));
    if (lines.size() > 3)
        lines = lines.mid(lines.size() - 3);
    return error + QStringLiteral("\nstderr: ") + lines.join(QStringLiteral("\n"));
}

} // namespace longrun
