// FrameTranslator: a worker's messages in, plain values out. Every protocol error, worded
// exactly; the progress range and its monotone clamp; the points kept; a result's values, image
// and texts cut to their caps. No process: the translator is pure.

#include "messages.h"
#include "runner/frametranslator.h"

#include <QtTest/QTest>

#include <cmath>
#include <limits>

using namespace longrun;
namespace proto = longrun::protocol;
using Kind = FrameTranslator::Translation::Kind;

namespace {

// "hello", "hello 99" (that protocol version), "progress 0.5", "data", "result", "error why".
proto::WorkerMessage message(const QString &word)
{
    const QString name = word.section(QLatin1Char(' '), 0, 0);
    const QString arg = word.section(QLatin1Char(' '), 1);
    if (name == u"hello") {
        proto::Hello hello;
        if (!arg.isEmpty())
            hello.protocolVersion = arg.toUInt();
        return hello;
    }
    if (name == u"progress") {
        const double fraction = arg == u"nan"    ? std::nan("")
                                : arg == u"inf"  ? std::numeric_limits<double>::infinity()
                                : arg == u"-inf" ? -std::numeric_limits<double>::infinity()
                                                 : arg.toDouble();
        return proto::Progress{fraction, "step"};
    }
    if (name == u"data")
        return proto::Data{"series", {{1.0, 2.0}}};
    if (name == u"result")
        return proto::Result{"done", {}, {}};
    return proto::Error{arg.toStdString()};
}

// Translates every message of "hello, progress 0.5, ..." and returns the last translation.
FrameTranslator::Translation translateAll(FrameTranslator &translator, const QString &script)
{
    FrameTranslator::Translation last;
    for (const QString &word : script.split(QStringLiteral(", ")))
        last = translator.translate(message(word));
    return last;
}

} // namespace

class tst_FrameTranslator : public QObject
{
    Q_OBJECT

private slots:
    void protocolErrors_data()
    {
        QTest::addColumn<QString>("messages");
        QTest::addColumn<QString>("error");
        QTest::newRow("progress first") << "progress 0.5"
                                        << "expected hello first, got progress";
        QTest::newRow("data first") << "data"
                                    << "expected hello first, got data";
        QTest::newRow("result first") << "result"
                                      << "expected hello first, got result";
        QTest::newRow("error first") << "error boom"
                                     << "expected hello first, got error";
        QTest::newRow("two hellos") << "hello, hello"
                                    << "a second hello";
        QTest::newRow("wrong version") << "hello 99"
                                       << "the worker speaks protocol 99, longrun speaks 1";
        QTest::newRow("version 0") << "hello 0"
                                   << "the worker speaks protocol 0, longrun speaks 1";
        QTest::newRow("progress after the result") << "hello, result, progress 0.5"
                                                   << "progress frame after the result";
        QTest::newRow("data after the result") << "hello, result, data"
                                               << "data frame after the result";
        QTest::newRow("hello after the result") << "hello, result, hello"
                                                << "hello frame after the result";
        QTest::newRow("a second result") << "hello, result, result"
                                         << "result frame after the result";
        QTest::newRow("error after the result") << "hello, result, error late"
                                                << "error frame after the result";
        QTest::newRow("progress after the error") << "hello, error boom, progress 0.5"
                                                  << "progress frame after the error";
        QTest::newRow("result after the error") << "hello, error boom, result"
                                                << "result frame after the error";
        QTest::newRow("a second error") << "hello, error boom, error again"
                                        << "error frame after the error";
        QTest::newRow("progress nan") << "hello, progress nan"
                                      << "progress nan is not a fraction from 0 to 1";
        QTest::newRow("progress inf") << "hello, progress inf"
                                      << "progress inf is not a fraction from 0 to 1";
        QTest::newRow("progress -inf") << "hello, progress -inf"
                                       << "progress -inf is not a fraction from 0 to 1";
        QTest::newRow("progress 1.5") << "hello, progress 1.5"
                                      << "progress 1.5 is not a fraction from 0 to 1";
        QTest::newRow("progress below 0") << "hello, progress -0.25"
                                          << "progress -0.25 is not a fraction from 0 to 1";
    }

    void protocolErrors()
    {
        QFETCH(QString, messages);
        QFETCH(QString, error);
        FrameTranslator translator;
        const FrameTranslator::Translation t = translateAll(translator, messages);
        QCOMPARE(t.kind, Kind::ProtocolError);
        QCOMPARE(t.text, error);
    }

    void progressIsInRangeAndNeverGoesBack_data()
    {
        QTest::addColumn<QString>("messages");
        QTest::addColumn<double>("shown");
        QTest::newRow("one step") << "hello, progress 0.5" << 0.5;
        QTest::newRow("zero") << "hello, progress 0" << 0.0;
        QTest::newRow("one") << "hello, progress 1" << 1.0;
        QTest::newRow("forwards") << "hello, progress 0.2, progress 0.7" << 0.7;
        QTest::newRow("backwards is clamped") << "hello, progress 0.6, progress 0.4" << 0.6;
        QTest::newRow("a bad fraction changes nothing")
            << "hello, progress 0.3, progress 1.5, progress 0.1" << 0.3;
    }

    void progressIsInRangeAndNeverGoesBack()
    {
        QFETCH(QString, messages);
        QFETCH(double, shown);
        FrameTranslator translator;
        const FrameTranslator::Translation t = translateAll(translator, messages);
        QCOMPARE(t.kind, Kind::Progress);
        QCOMPARE(t.progress, shown);
        QCOMPARE(t.text, QStringLiteral("step"));
    }

    void orderIsTracked()
    {
        FrameTranslator translator;
        QVERIFY(!translator.helloSeen());
        QCOMPARE(translator.translate(message("progress 0.1")).kind, Kind::ProtocolError);
        QVERIFY(!translator.helloSeen()); // an error changes no state
        QCOMPARE(translator.translate(message("hello")).kind, Kind::Hello);
        QVERIFY(translator.helloSeen());
        const FrameTranslator::Translation result = translator.translate(message("result"));
        QCOMPARE(result.kind, Kind::Result);
        QCOMPARE(result.progress, 1.0);
        QVERIFY(translator.result());
        QVERIFY(!translator.workerError());
        QCOMPARE(translator.translate(message("data")).kind, Kind::ProtocolError);
        QCOMPARE(translator.takeResult()->summary, QStringLiteral("done"));

        FrameTranslator failing;
        QCOMPARE(translateAll(failing, "hello, progress 0.4, error it broke").kind, Kind::Error);
        QCOMPARE(failing.workerError(), std::optional<QString>(QStringLiteral("it broke")));
        QVERIFY(!failing.result());
    }

    void pointsKeepOnlyFiniteValues()
    {
        FrameTranslator translator;
        QCOMPARE(translator.translate(message("hello")).kind, Kind::Hello);
        const double inf = std::numeric_limits<double>::infinity();
        const proto::WorkerMessage data =
            proto::Data{"pi", {{1, 2}, {std::nan(""), 1}, {inf, 0}, {3, -inf}, {4, 5}}};
        const FrameTranslator::Translation t = translator.translate(data);
        QCOMPARE(t.kind, Kind::Points);
        QCOMPARE(t.points, (QList<QPointF>{{1, 2}, {4, 5}}));
        QCOMPARE(translator.translate(proto::WorkerMessage{proto::Data{}}).points.size(), 0);
    }

    void resultBecomesPlainValues()
    {
        FrameTranslator translator;
        QCOMPARE(translator.translate(message("hello")).kind, Kind::Hello);
        proto::Result result;
        result.summary = "664579 primes";
        result.values = {proto::intValue("count", 664579), proto::realValue("rate", 2.5),
                         proto::textValue("note", "caf\xc3\xa9"), proto::boolValue("ok", true)};
        result.image = proto::Image{2, 1, {1, 2, 3, 4, 5, 6}};
        QCOMPARE(translator.translate(proto::WorkerMessage{result}).kind, Kind::Result);
        const JobResult r = *translator.result();
        QCOMPARE(r.summary, QStringLiteral("664579 primes"));
        QCOMPARE(r.values.value("count"), QVariant::fromValue(qint64{664579}));
        QCOMPARE(r.values.value("rate"), QVariant(2.5));
        QCOMPARE(r.values.value("note"), QVariant(QStringLiteral("caf\u00e9")));
        QCOMPARE(r.values.value("ok"), QVariant(true));
        QCOMPARE(r.imageWidth, 2);
        QCOMPARE(r.imageHeight, 1);
        QCOMPARE(r.imageRgb, QByteArray("\x01\x02\x03\x04\x05\x06", 6));
    }

    void textsAreCutToTheirCaps()
    {
        FrameTranslator translator;
        QCOMPARE(translator.translate(message("hello")).kind, Kind::Hello);
        const FrameTranslator::Translation progress =
            translator.translate(proto::Progress{0.5, std::string(5000, 'p')});
        QCOMPARE(progress.text, QString(1024, QLatin1Char('p')) + QChar(0x2026));

        proto::Result result;
        result.summary = std::string(1023, 's') + "\xc3\xa9"; // the cap falls inside the é
        for (int i = 0; i < 300; ++i)
            result.values.push_back(proto::intValue("v" + std::to_string(i), i));
        result.values.push_back(proto::textValue("ignored", "past the 256th"));
        QCOMPARE(translator.translate(proto::WorkerMessage{result}).kind, Kind::Result);
        const JobResult r = *translator.result();
        QCOMPARE(r.summary, QString(1023, QLatin1Char('s')) + QChar(0x2026));
        QCOMPARE(r.values.size(), 256);
        QVERIFY(!r.values.contains(QStringLiteral("ignored")));

        FrameTranslator failing;
        QCOMPARE(failing.translate(message("hello")).kind, Kind::Hello);
        const FrameTranslator::Translation error =
            failing.translate(proto::Error{std::string(70000, 'e')});
        QCOMPARE(error.text.size(), 64 * 1024 + 1);
        QCOMPARE(*failing.workerError(), error.text);
    }

    // A command's exit as its worker's Error gives it; what no wait status can hold is dropped.
    void programExit_data()
    {
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<int>("signal");
        QTest::addColumn<int>("expectedCode"); // -1: none
        QTest::addColumn<int>("expectedSignal");
        QTest::newRow("exit 3") << 3 << 0 << 3 << -1;
        QTest::newRow("exit 255") << 255 << 0 << 255 << -1;
        QTest::newRow("signal 9") << -1 << 9 << -1 << 9;
        QTest::newRow("an old worker: neither") << -1 << 0 << -1 << -1;
        QTest::newRow("exit 256") << 256 << 0 << -1 << -1;
        QTest::newRow("signal 65") << -1 << 65 << -1 << -1;
        QTest::newRow("negative signal") << 2 << -9 << 2 << -1;
    }

    void programExit()
    {
        QFETCH(int, exitCode);
        QFETCH(int, signal);
        QFETCH(int, expectedCode);
        QFETCH(int, expectedSignal);
        FrameTranslator translator;
        QCOMPARE(translator.translate(message("hello")).kind, Kind::Hello);
        QCOMPARE(translator.translate(proto::Error{"failed", exitCode, signal}).kind, Kind::Error);
        QCOMPARE(translator.programExitCode().value_or(-1), expectedCode);
        QCOMPARE(translator.programSignal().value_or(-1), expectedSignal);
    }

    void fromWorker_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("maxBytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("fits") << QByteArray("abc") << 3 << "abc";
        QTest::newRow("cut and marked") << QByteArray("abcd") << 3 << "abc\u2026";
        QTest::newRow("on a character boundary") << QByteArray("ab\xe2\x82\xac") << 4 << "ab\u2026";
        QTest::newRow("ill-formed bytes replaced") << QByteArray("a\xff") << 5 << "a\ufffd";
        QTest::newRow("empty") << QByteArray() << 0 << "";
    }

    void fromWorker()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, maxBytes);
        QFETCH(QString, expected);
        QCOMPARE(
            FrameTranslator::fromWorker(text.toStdString(), static_cast<std::size_t>(maxBytes)),
            expected);
    }
};

QTEST_GUILESS_MAIN(tst_FrameTranslator)
#include "tst_frametranslator.moc"
