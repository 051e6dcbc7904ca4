#pragma once

// OutputStream: text to stdout or stderr that notices when it cannot be written (a reader that
// closed the pipe, as `longrun ... | head` does; a full disk). After the first failure every
// later write is dropped, and the failure handler has been called once. Main thread only.
//
// A write to a pipe without reader fails with EPIPE only when SIGPIPE does not kill the process
// first: see ignoreSigpipe().

#include <QtCore/QString>

#include <cstdio>
#include <functional>

namespace longrun {

class OutputStream final
{
public:
    explicit OutputStream(FILE *file)
        : m_file(file)
    {}

    // Writes and flushes. Returns false when this or an earlier write failed.
    bool write(const QString &text);
    [[nodiscard]] bool failed() const { return m_error != 0; }
    // errno of the failed write.
    [[nodiscard]] int error() const { return m_error; }
    // Called once, on the first failure, with errno.
    void setFailureHandler(std::function<void(int error)> handler)
    {
        m_onFailure = std::move(handler);
    }

private:
    FILE *m_file;
    int m_error = 0;
    std::function<void(int)> m_onFailure;
};

// Makes SIGPIPE harmless for this process, so that a write to a closed pipe fails with EPIPE
// instead of killing longrun with its jobs still running. A handler that does nothing, not
// SIG_IGN: an ignored signal stays ignored across exec, and the programs of command jobs must
// get the SIGPIPE they expect.
void ignoreSigpipe();

// strerror(error) as a QString: "Broken pipe".
[[nodiscard]] QString describeError(int error);

} // namespace longrun
