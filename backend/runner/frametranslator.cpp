#include "runner/frametranslator.h"

#include "text.h"

#include <cmath>

namespace longrun {

namespace proto = longrun::protocol;
using Kind = FrameTranslator::Translation::Kind;

namespace {

FrameTranslator::Translation protocolError(QString what)
{
    FrameTranslator::Translation t;
    t.kind = Kind::ProtocolError;
    t.text = std::move(what);
    return t;
}

QVariant toVariant(const proto::Value &v)
{
    switch (v.type) {
    case proto::Value::Type::Int:
        return QVariant::fromValue(qint64{v.integer});
    case proto::Value::Type::Real:
        return v.real;
    case proto::Value::Type::Text:
        return FrameTranslator::fromWorker(v.text, FrameTranslator::kMaxTextBytes);
    case proto::Value::Type::Bool:
        return v.integer != 0;
    }
    return {};
}

} // namespace

QString FrameTranslator::fromWorker(const std::string &text, std::size_t maxBytes)
{
    if (text.size() <= maxBytes)
        return QString::fromStdString(text);
    const std::string_view cut = proto::cutUtf8(text, maxBytes);
    return QString::fromUtf8(cut.data(), static_cast<qsizetype>(cut.size())) + QChar(0x2026);
}

FrameTranslator::Translation FrameTranslator::translate(const proto::WorkerMessage &message)
{
    const QLatin1String name(proto::messageName(message));
    if (!m_helloSeen && !std::holds_alternative<proto::Hello>(message))
        return protocolError(QStringLiteral("expected hello first, got %1").arg(name));
    if (m_result || m_workerError)
        return protocolError(
            QStringLiteral("%1 frame after the %2")
                .arg(name, m_result ? QStringLiteral("result") : QStringLiteral("error")));
    if (const auto *m = std::get_if<proto::Hello>(&message))
        return hello(*m);
    if (const auto *m = std::get_if<proto::Progress>(&message))
        return progress(*m);
    if (const auto *m = std::get_if<proto::Result>(&message))
        return result(*m);
    Translation t;
    if (std::holds_alternative<proto::OutputChunk>(message)) {
        // For the attempt's log: the caller hands the chunk itself to its AttemptLog.
        t.kind = Kind::Output;
    } else if (const auto *m = std::get_if<proto::Data>(&message)) {
        t.kind = Kind::Points;
        for (const proto::Point &p : m->points) {
            if (std::isfinite(p.x) && std::isfinite(p.y))
                t.points.append(QPointF(p.x, p.y));
        }
    } else {
        const auto &error = std::get<proto::Error>(message);
        t.kind = Kind::Error;
        t.text = fromWorker(error.message, kMaxTextBytes);
        m_workerError = t.text;
        // 0..255 is what a wait status holds; signal numbers stop at SIGRTMAX (64).
        if (error.signal > 0 && error.signal <= 64)
            m_programSignal = error.signal;
        else if (error.exitCode >= 0 && error.exitCode <= 255)
            m_programExitCode = error.exitCode;
    }
    return t;
}

FrameTranslator::Translation FrameTranslator::hello(const proto::Hello &m)
{
    if (m_helloSeen)
        return protocolError(QStringLiteral("a second hello"));
    if (m.protocolVersion != proto::kProtocolVersion)
        return protocolError(QStringLiteral("the worker speaks protocol %1, longrun speaks %2")
                                 .arg(m.protocolVersion)
                                 .arg(proto::kProtocolVersion));
    m_helloSeen = true;
    Translation t;
    t.kind = Kind::Hello;
    return t;
}

FrameTranslator::Translation FrameTranslator::progress(const proto::Progress &m)
{
    if (!std::isfinite(m.fraction) || m.fraction < 0.0 || m.fraction > 1.0)
        return protocolError(
            QStringLiteral("progress %1 is not a fraction from 0 to 1").arg(m.fraction));
    m_progress = std::max(m_progress, m.fraction);
    Translation t;
    t.kind = Kind::Progress;
    t.progress = m_progress;
    t.text = fromWorker(m.text, kMaxLabelBytes);
    return t;
}

FrameTranslator::Translation FrameTranslator::result(const proto::Result &m)
{
    JobResult result;
    result.summary = fromWorker(m.summary, kMaxLabelBytes);
    for (const proto::Value &v : m.values) {
        if (result.values.size() >= kMaxResultValues)
            break;
        result.values.insert(fromWorker(v.key, kMaxLabelBytes), toVariant(v));
    }
    result.imageWidth = static_cast<int>(m.image.width);
    result.imageHeight = static_cast<int>(m.image.height);
    result.imageRgb = QByteArray(reinterpret_cast<const char *>(m.image.rgb.data()),
                                 static_cast<qsizetype>(m.image.rgb.size()));
    m_result = std::move(result);
    m_progress = 1.0;
    Translation t;
    t.kind = Kind::Result;
    t.progress = 1.0;
    return t;
}

} // namespace longrun
