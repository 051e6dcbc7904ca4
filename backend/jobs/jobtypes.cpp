#include "jobs/jobtypes.h"

#include <QtCore/QRegularExpression>

#include <algorithm>
#include <utility>

namespace longrun {

void halveDensity(QList<QPointF> &points)
{
    qsizetype out = 0;
    for (qsizetype i = 0; i < points.size(); i += 2)
        points[out++] = points[i];
    points.resize(out);
}

QString stateDisplayName(State s)
{
    switch (s) {
    case State::Queued:
        return QObject::tr("Queued");
    case State::Starting:
        return QObject::tr("Starting");
    case State::Running:
        return QObject::tr("Running");
    case State::Paused:
        return QObject::tr("Paused");
    case State::Succeeded:
        return QObject::tr("Succeeded");
    case State::Failed:
        return QObject::tr("Failed");
    case State::Canceled:
        return QObject::tr("Canceled");
    case State::TimedOut:
        return QObject::tr("Timed out");
    }
    return {};
}

QString stateKey(State s)
{
    switch (s) {
    case State::Queued:
        return QStringLiteral("queued");
    case State::Starting:
        return QStringLiteral("starting");
    case State::Running:
        return QStringLiteral("running");
    case State::Paused:
        return QStringLiteral("paused");
    case State::Succeeded:
        return QStringLiteral("succeeded");
    case State::Failed:
        return QStringLiteral("failed");
    case State::Canceled:
        return QStringLiteral("canceled");
    case State::TimedOut:
        return QStringLiteral("timed_out");
    }
    return {};
}

QString cutText(const QString &text, qsizetype maxChars)
{
    if (text.size() <= maxChars)
        return text;
    qsizetype keep = std::max<qsizetype>(0, maxChars - 1);
    if (keep > 0 && text.at(keep - 1).isHighSurrogate())
        --keep;
    return text.left(keep) + QChar(0x2026);
}

QString shellQuote(QString word)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_@%+=:,./-]+$"));
    if (plain.match(word).hasMatch())
        return word;
    return QLatin1Char('\'') + word.replace(QLatin1Char('\''), QStringLiteral("'\\''"))
           + QLatin1Char('\'');
}

QString startFailureReason(const QString &processErrorString)
{
    const qsizetype colon = processErrorString.indexOf(QStringLiteral(": "));
    return colon >= 0 ? processErrorString.mid(colon + 2) : processErrorString;
}

const JobParam *JobSpec::param(QStringView key) const
{
    for (const JobParam &p : params) {
        if (p.key == key)
            return &p;
    }
    return nullptr;
}

JobParam *JobSpec::param(QStringView key)
{
    return const_cast<JobParam *>(std::as_const(*this).param(key));
}

QString JobSpec::describeParams() const
{
    QStringList parts;
    parts.reserve(params.size());
    for (const JobParam &p : params) {
        if (p.values.size() == 1 && !p.isList) {
            parts << p.key + QLatin1Char('=') + p.values.first();
        } else {
            QStringList words;
            for (const QString &v : p.values)
                words << shellQuote(v);
            parts << p.key + QLatin1Char('=') + words.join(QLatin1Char(' '));
        }
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace longrun
