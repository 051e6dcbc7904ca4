// checksum: SHA-256 of a file through OpenSSL's EVP interface, 1 MiB at a time.

#include "job.h"
#include "text.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace longrun::worker {

namespace {

constexpr std::size_t kChunk = 1024 * 1024;

struct FdCloser
{
    int fd;
    ~FdCloser() { ::close(fd); }
};

struct ContextFree
{
    void operator()(EVP_MD_CTX *context) const { EVP_MD_CTX_free(context); }
};

protocol::Error failure(const char *what, const std::string &path, int error)
{
    return protocol::Error{std::string("checksum: ") + what + " '" + path
                           + "': " + std::strerror(error)};
}

std::string hexDigest(EVP_MD_CTX *context)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context, digest, &length);
    static constexpr char hex[] = "0123456789abcdef";
    std::string text;
    for (unsigned int i = 0; i < length; ++i) {
        text.push_back(hex[digest[i] >> 4]);
        text.push_back(hex[digest[i] & 0xf]);
    }
    return text;
}

bool sameTime(const timespec &a, const timespec &b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

// A hash of a file that changed while it was read is a hash of neither version: compares what
// the file was when it was opened with what was read and what it is now. Only a regular file
// can be compared so; a pipe or a device is what it streams. Returns how it changed, or "".
std::string howItChanged(int fd, const std::string &path, const struct stat &before,
                         std::uint64_t bytesRead)
{
    if (!S_ISREG(before.st_mode))
        return {};
    struct stat now = {};
    if (::fstat(fd, &now) != 0)
        return std::string("cannot stat it again: ") + std::strerror(errno);
    const auto sizeBefore = static_cast<std::uint64_t>(before.st_size);
    const auto sizeNow = static_cast<std::uint64_t>(now.st_size);
    if (bytesRead < sizeBefore || sizeNow < sizeBefore)
        return "it was truncated from " + formatBytes(sizeBefore) + " to "
               + formatBytes(std::min(bytesRead, sizeNow));
    if (bytesRead > sizeBefore || sizeNow > sizeBefore) {
        const std::uint64_t sizeAfter = std::max(bytesRead, sizeNow);
        return "it grew by " + formatBytes(sizeAfter - sizeBefore) + " to "
               + formatBytes(sizeAfter);
    }
    // Renamed over or deleted: what was read is whole, but it is no longer what the path names
    // (checked before the times, which an unlink changes too).
    struct stat named = {};
    if (::stat(path.c_str(), &named) != 0)
        return "it was removed";
    if (named.st_ino != now.st_ino || named.st_dev != now.st_dev)
        return "it was replaced by another file";
    if (!sameTime(now.st_mtim, before.st_mtim) || !sameTime(now.st_ctim, before.st_ctim))
        return "it was written to";
    return {};
}

} // namespace

Outcome runChecksum(const Args &args, Job &job)
{
    const std::string &path = args.text("path");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return failure("cannot open", path, errno);
    const FdCloser closer{fd};
    struct stat info = {};
    if (::fstat(fd, &info) != 0)
        return failure("cannot read", path, errno);
    if (S_ISDIR(info.st_mode))
        return failure("cannot read", path, EISDIR);
    // Only a regular file has a size known in advance; a pipe or device reports no progress.
    const std::uint64_t total =
        S_ISREG(info.st_mode) ? static_cast<std::uint64_t>(info.st_size) : 0;

    const std::unique_ptr<EVP_MD_CTX, ContextFree> context(EVP_MD_CTX_new());
    if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1)
        return protocol::Error{"checksum: OpenSSL cannot compute SHA-256"};

    std::vector<unsigned char> buffer(kChunk);
    std::uint64_t bytes = 0;
    for (;;) {
        job.checkCanceled();
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return failure("cannot read", path, errno);
        if (n == 0)
            break;
        EVP_DigestUpdate(context.get(), buffer.data(), static_cast<std::size_t>(n));
        bytes += static_cast<std::uint64_t>(n);
        if (!job.progressDue())
            continue;
        if (total > 0)
            job.progress(std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total)),
                         formatBytes(bytes) + " of " + formatBytes(total));
        else
            job.progress(0.0, formatBytes(bytes) + " read");
    }

    if (const std::string change = howItChanged(fd, path, info, bytes); !change.empty())
        return protocol::Error{"checksum: the file '" + path + "' changed while it was read ("
                               + change + "); run the job again once the file is still"};

    const std::string sha = hexDigest(context.get());
    job.progress(1.0, formatBytes(bytes) + " of " + formatBytes(bytes));

    protocol::Result result;
    // The whole digest: the CLI prints the summary, and a cut digest cannot be compared.
    result.summary = "sha256 " + sha + " of " + formatBytes(bytes);
    result.values.push_back(protocol::textValue("sha256", sha));
    result.values.push_back(protocol::intValue("bytes", static_cast<std::int64_t>(bytes)));
    result.values.push_back(protocol::textValue("path", path));
    return result;
}

} // namespace longrun::worker
