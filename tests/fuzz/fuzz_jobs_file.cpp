// libFuzzer target for the jobs-file parser and the CLI's JOB syntax: whatever a file or an
// argument holds, the result is either jobs that pass the catalog's checks or one clear error
// that names the file. Never a crash, never a job the worker would refuse.

#include "jobs/catalog.h"

#include <QtCore/QFile>

#include <cstdint>
#include <cstdlib>

using namespace longrun;

namespace {

const Catalog &catalog()
{
    static const Catalog loaded = [] {
        QFile file(QStringLiteral(LONGRUN_FUZZ_CATALOG));
        if (!file.open(QIODevice::ReadOnly))
            std::abort();
        QString error;
        std::optional<Catalog> parsed = Catalog::parse(file.readAll(), &error);
        if (!parsed)
            std::abort();
        return *parsed;
    }();
    return loaded;
}

void check(bool condition)
{
    if (!condition)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));

    QString error;
    const std::optional<QList<JobSpec>> specs =
        parseJobsJson(bytes, QStringLiteral("fuzz.json"), catalog(), &error);
    if (specs) {
        for (const JobSpec &spec : *specs) {
            const KindSpec *kind = catalog().find(spec.kind);
            check(kind != nullptr);
            check(kind->check(spec.params).isEmpty());
        }
    } else {
        check(error.startsWith(QStringLiteral("fuzz.json: ")));
    }

    error.clear();
    const std::optional<JobSpec> job =
        parseJobArgument(QString::fromUtf8(bytes), catalog(), &error);
    if (job) {
        const KindSpec *kind = catalog().find(job->kind);
        check(kind != nullptr);
        check(kind->check(job->params).isEmpty());
    } else {
        check(!error.isEmpty());
    }
    return 0;
}
