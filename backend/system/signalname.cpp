#include "system/signalname.h"

#include <cstring>

namespace longrun {

QString describeSignal(int signal)
{
    const char *abbrev = ::sigabbrev_np(signal);
    const char *text = ::strsignal(signal);
    if (!abbrev)
        return QStringLiteral("signal %1").arg(signal);
    return QStringLiteral("SIG%1 (%2)")
        .arg(QString::fromLatin1(abbrev), QString::fromLocal8Bit(text));
}

} // namespace longrun
