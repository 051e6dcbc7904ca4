#include "cli/outputstream.h"

#include <cerrno>
#include <csignal>
#include <cstring>

namespace longrun {

bool OutputStream::write(const QString &text)
{
    if (m_error != 0)
        return false;
    const QByteArray bytes = text.toLocal8Bit();
    errno = 0;
    const std::size_t size = static_cast<std::size_t>(bytes.size());
    const bool ok =
        std::fwrite(bytes.constData(), 1, size, m_file) == size && std::fflush(m_file) == 0;
    if (ok)
        return true;
    // A stream error without errno (it should not happen on Linux) is still an I/O error.
    m_error = errno != 0 ? errno : EIO;
    std::clearerr(m_file);
    if (m_onFailure)
        m_onFailure(m_error);
    return false;
}

QString describeError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

namespace {
void doNothing(int) {}
} // namespace

void ignoreSigpipe()
{
    struct sigaction action = {};
    action.sa_handler = doNothing;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGPIPE, &action, nullptr);
}

} // namespace longrun
