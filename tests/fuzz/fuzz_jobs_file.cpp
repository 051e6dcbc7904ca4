// libFuzzer target for the jobs-file parser and the CLI's JOB syntax: whatever a file or an
// argument holds, the result is either jobs that pass the catalog's checks, each with a Start
// request that fits in a frame, or one clear error that names the file. Never a crash, never a
// job the worker would refuse, never more jobs than the limit, never a key given twice
// silently. A quoted JOB value reads back as exactly the text that was quoted.
//
// An input that starts with "big:" has its first '@' replaced by 17 MiB of 'a': the only way
// for an input of a few KiB to reach a request larger than a frame.

#include "jobs/catalog.h"
#include "jobs/specbuilder.h"
#include "jobs/startrequest.h"

#include <QtCore/QFile>
#include <QtCore/QJsonDocument>

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

// A job that was accepted is one the worker accepts, in a frame the runner can send.
void checkAccepted(const JobSpec &spec)
{
    const KindSpec *kind = catalog().find(spec.kind);
    check(kind != nullptr);
    check(kind->check(spec.params).isEmpty());
    check(checkStartRequest(spec).isEmpty());
    check(startPayloadSize(spec) <= protocol::kMaxFrameSize);
}

void checkJobsFile(const QByteArray &bytes)
{
    QString error;
    const std::optional<QList<JobSpec>> specs =
        parseJobsJson(bytes, QStringLiteral("fuzz.json"), catalog(), &error);
    if (specs) {
        check(specs->size() <= kMaxJobs);
        for (const JobSpec &spec : *specs)
            checkAccepted(spec);
        // Written out again by Qt (one key each, its own escapes), it is accepted again: the
        // scan for keys given twice finds none where there are none.
        const QByteArray again = QJsonDocument::fromJson(bytes).toJson(QJsonDocument::Compact);
        QString againError;
        const auto reread =
            parseJobsJson(again, QStringLiteral("fuzz.json"), catalog(), &againError);
        check(reread && reread->size() == specs->size());
        return;
    }
    check(error.startsWith(QStringLiteral("fuzz.json: ")));
    // Only valid JSON can have a key given twice.
    if (error.contains(QStringLiteral("' is given twice"))) {
        QJsonParseError parseError;
        (void)QJsonDocument::fromJson(bytes, &parseError);
        check(parseError.error == QJsonParseError::NoError);
    }
}

void checkJobArgument(const QString &text)
{
    QString error;
    const std::optional<JobSpec> job = parseJobArgument(text, catalog(), &error);
    if (job)
        checkAccepted(*job);
    else
        check(!error.isEmpty());
}

// The quoting rule is transparent: a value quoted either way gives the same verdict and the
// same job as the value given to the builder itself.
void checkQuoting(const QString &value)
{
    const KindSpec *kind = catalog().find(QStringLiteral("checksum"));
    check(kind != nullptr);
    SpecBuilder builder(*kind);
    QString direct;
    check(builder.addText(QStringLiteral("path"), value, &direct));
    const std::optional<JobSpec> expected = builder.build(&direct);

    QString doubled = value;
    doubled.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    doubled.replace(QLatin1Char('"'), QStringLiteral("\\\""));
    QStringList texts{QStringLiteral("checksum:path=\"%1\"").arg(doubled)};
    if (!value.contains(QLatin1Char('\'')))
        texts << QStringLiteral("checksum:path='%1'").arg(value);
    for (const QString &text : texts) {
        QString error;
        const std::optional<JobSpec> job = parseJobArgument(text, catalog(), &error);
        check(job.has_value() == expected.has_value());
        if (job)
            check(*job == *expected);
        else
            check(error == direct);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    QByteArray bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    if (bytes.startsWith("big:")) {
        bytes.remove(0, 4);
        const qsizetype at = bytes.indexOf('@');
        if (at >= 0)
            bytes.replace(at, 1, QByteArray(17 * 1024 * 1024, 'a'));
    }
    checkJobsFile(bytes);
    const QString text = QString::fromUtf8(bytes);
    checkJobArgument(text);
    if (bytes.size() < 4096)
        checkQuoting(text);
    return 0;
}
