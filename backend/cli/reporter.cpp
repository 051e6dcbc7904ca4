#include "cli/reporter.h"

#include "cli/outputstream.h"

#include <csignal>

namespace longrun {

Reporter::Reporter(const TaskController &controller, OutputStream &out, OutputStream &err)
    : m_controller(controller)
    , m_model(controller.model())
    , m_out(out)
    , m_err(err)
{}

void Reporter::onOutputError(int error)
{
    m_err.write(QStringLiteral("longrun: cannot write to standard output (%1), canceling all "
                               "jobs\n")
                    .arg(describeError(error)));
}

QString signalName(int signal)
{
    const char *abbrev = ::sigabbrev_np(signal);
    return abbrev ? QStringLiteral("SIG") + QString::fromLatin1(abbrev)
                  : QStringLiteral("signal %1").arg(signal);
}

} // namespace longrun
