// Tests of the wire protocol (backend/protocol): every message survives a round trip bit for bit,
// the incremental FrameDecoder waits on every truncated prefix and ends any malformed input in
// one sticky error without allocating for what a hostile length or size prefix claims.

#include "framing.h"
#include "messages.h"

#include <QByteArray>
#include <QString>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// ---- counting global operator new / delete ----------------------------------------------
//
// The decoder promises never to allocate for what a size prefix claims, only for bytes that
// actually arrived. Replacing the global allocation functions lets the test measure that: every
// block carries its size in a header, so the live total and its peak are exact.

namespace {

std::atomic<std::size_t> g_liveBytes{0};
std::atomic<std::size_t> g_peakBytes{0};

constexpr std::size_t kHeaderSize = alignof(std::max_align_t);
static_assert(kHeaderSize >= sizeof(std::size_t));

void *countedAllocate(std::size_t size)
{
    void *raw = std::malloc(size + kHeaderSize);
    if (!raw)
        throw std::bad_alloc();
    std::memcpy(raw, &size, sizeof size);
    const std::size_t live = g_liveBytes.fetch_add(size) + size;
    std::size_t peak = g_peakBytes.load();
    while (live > peak && !g_peakBytes.compare_exchange_weak(peak, live)) {
    }
    return static_cast<char *>(raw) + kHeaderSize;
}

void countedFree(void *p) noexcept
{
    if (!p)
        return;
    char *raw = static_cast<char *>(p) - kHeaderSize;
    std::size_t size = 0;
    std::memcpy(&size, raw, sizeof size);
    g_liveBytes.fetch_sub(size);
    std::free(raw);
}

// Highest number of bytes allocated on top of what was live when the probe was made.
class AllocationPeak final
{
public:
    AllocationPeak()
        : m_baseline(g_liveBytes.load())
    {
        g_peakBytes.store(m_baseline);
    }
    [[nodiscard]] std::size_t bytes() const { return g_peakBytes.load() - m_baseline; }

private:
    std::size_t m_baseline;
};

} // namespace

void *operator new(std::size_t size)
{
    return countedAllocate(size);
}
void *operator new[](std::size_t size)
{
    return countedAllocate(size);
}
void operator delete(void *p) noexcept
{
    countedFree(p);
}
void operator delete[](void *p) noexcept
{
    countedFree(p);
}
void operator delete(void *p, std::size_t) noexcept
{
    countedFree(p);
}
void operator delete[](void *p, std::size_t) noexcept
{
    countedFree(p);
}

namespace {

using namespace longrun::protocol;

// ---- helpers ----------------------------------------------------------------------------

double fromBits(std::uint64_t bits)
{
    return std::bit_cast<double>(bits);
}

// A complete, bit-exact description of a message: two messages are equal exactly when their
// dumps are. Doubles are written as their bit patterns so that NaN payloads and -0.0 count.
class Dumper final
{
public:
    std::string out;

    void num(std::uint64_t v) { out += std::to_string(v) + ' '; }
    void sig(std::int64_t v) { out += std::to_string(v) + ' '; }
    void real(double v)
    {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "0x%016llx ",
                      static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(v)));
        out += buffer;
    }
    void text(const std::string &s)
    {
        out += '"';
        for (const char c : s) {
            const auto u = static_cast<unsigned char>(c);
            if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned>(u));
                out += buffer;
            } else {
                out += c;
            }
        }
        out += "\" ";
    }

    void operator()(const Hello &m)
    {
        out += "Hello ";
        num(m.protocolVersion);
        num(m.pid);
        text(m.worker);
    }
    void operator()(const Progress &m)
    {
        out += "Progress ";
        real(m.fraction);
        text(m.text);
    }
    void operator()(const Data &m)
    {
        out += "Data ";
        text(m.series);
        num(m.points.size());
        for (const Point &p : m.points) {
            real(p.x);
            real(p.y);
        }
    }
    void operator()(const Result &m)
    {
        out += "Result ";
        text(m.summary);
        num(m.values.size());
        for (const Value &v : m.values) {
            text(v.key);
            num(static_cast<std::uint8_t>(v.type));
            sig(v.integer);
            real(v.real);
            text(v.text);
        }
        num(m.image.width);
        num(m.image.height);
        num(m.image.rgb.size());
        for (const std::uint8_t b : m.image.rgb)
            num(b);
    }
    void operator()(const Error &m)
    {
        out += "Error ";
        text(m.message);
        sig(m.exitCode);
        sig(m.signal);
    }
    void operator()(const Start &m)
    {
        out += "Start ";
        text(m.kind);
        num(m.params.size());
        for (const Param &p : m.params) {
            text(p.key);
            num(p.values.size());
            for (const std::string &v : p.values)
                text(v);
        }
    }
    void operator()(const Cancel &m)
    {
        out += "Cancel ";
        num(m.reserved);
    }
    void operator()(const OutputChunk &m)
    {
        out += "OutputChunk ";
        num(m.stream);
        num(m.atMs);
        text(m.bytes);
        num(m.dropped);
        num(m.limit);
    }
};

template<class Message>
QByteArray dump(const Message &message)
{
    Dumper dumper;
    std::visit(dumper, message);
    return QByteArray::fromStdString(dumper.out);
}

template<class Message>
std::vector<Message> drain(FrameDecoder<Message> &decoder)
{
    std::vector<Message> messages;
    while (std::optional<Message> message = decoder.next())
        messages.push_back(std::move(*message));
    return messages;
}

template<class Message>
QByteArrayList dumps(const std::vector<Message> &messages)
{
    QByteArrayList list;
    for (const Message &m : messages)
        list.append(dump(m));
    return list;
}

// QTest prints QByteArray and QString on a mismatch, std::string not at all.
QByteArray qba(const std::string &s)
{
    return QByteArray::fromStdString(s);
}

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

std::string payloadOf(const std::string &frame)
{
    return frame.substr(4);
}

std::uint32_t lengthPrefix(std::string_view frame)
{
    std::uint32_t n = 0;
    for (int i = 3; i >= 0; --i)
        n = n << 8 | static_cast<unsigned char>(frame[static_cast<std::size_t>(i)]);
    return n;
}

// Writes PortableBinary bytes by hand (little endian, as the writer's header byte 1 says), to
// build frames the encoder would never produce.
class Bytes final
{
public:
    std::string data;

    Bytes &u8(std::uint8_t v)
    {
        data.push_back(static_cast<char>(v));
        return *this;
    }
    Bytes &u32(std::uint32_t v) { return little(v, 4); }
    Bytes &i32(std::int32_t v) { return little(static_cast<std::uint32_t>(v), 4); }
    Bytes &u64(std::uint64_t v) { return little(v, 8); }
    Bytes &i64(std::int64_t v) { return little(static_cast<std::uint64_t>(v), 8); }
    Bytes &f64(double v) { return little(std::bit_cast<std::uint64_t>(v), 8); }
    Bytes &str(std::string_view s)
    {
        u64(s.size());
        data.append(s);
        return *this;
    }
    Bytes &raw(std::string_view s)
    {
        data.append(s);
        return *this;
    }
    // Archive header (little-endian writer), variant index and the message's class version.
    Bytes &message(std::int32_t index, std::uint32_t version = 1)
    {
        return u8(1).i32(index).u32(version);
    }

    [[nodiscard]] std::string frame() const { return frameOf(data); }

    static std::string frameOf(std::string_view payload)
    {
        Bytes prefix;
        prefix.u32(static_cast<std::uint32_t>(payload.size()));
        return prefix.data + std::string(payload);
    }

private:
    Bytes &little(std::uint64_t v, int n)
    {
        for (int i = 0; i < n; ++i)
            data.push_back(static_cast<char>(static_cast<unsigned char>(v >> (8 * i))));
        return *this;
    }
};

// ---- sample messages --------------------------------------------------------------------

Image testImage(std::uint32_t width, std::uint32_t height)
{
    Image image;
    image.width = width;
    image.height = height;
    image.rgb.resize(std::size_t{width} * height * 3);
    for (std::size_t i = 0; i < image.rgb.size(); ++i)
        image.rgb[i] = static_cast<std::uint8_t>(i * 37 + i / 256);
    return image;
}

Data dataWithPoints(std::size_t n)
{
    Data data;
    data.series = "residual";
    data.points.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double x = static_cast<double>(i);
        data.points.push_back({x * 0.5 - 3.0, std::sin(x) * 1e300 / (x + 1.0)});
    }
    return data;
}

std::vector<std::pair<const char *, WorkerMessage>> workerSamples()
{
    Result full;
    full.summary = "664579 primes <= 10000000";
    full.values = {
        intValue("count", 664579),
        intValue("min", std::numeric_limits<std::int64_t>::min()),
        intValue("max", std::numeric_limits<std::int64_t>::max()),
        realValue("pi", 3.141592653589793),
        realValue("nan", fromBits(0x7ff8'0000'0000'0bad)),
        realValue("-inf", -std::numeric_limits<double>::infinity()),
        textValue("utf8", "gr\xc3\xbc\xc3\x9f \xe2\x9c\x93"),
        textValue("nul", std::string("a\0b", 3)),
        textValue("", ""),
        boolValue("yes", true),
        boolValue("no", false),
    };
    full.image = testImage(7, 5);

    Result bare;

    return {
        {"hello", Hello{kProtocolVersion, 4242, "longrun-worker 0.1.0"}},
        {"hello default", Hello{}},
        {"hello extremes", Hello{0xffff'ffffu, 0xffff'ffffu, std::string(1000, 'w')}},
        {"progress", Progress{0.5, "segment 12 of 100"}},
        {"progress 0", Progress{0.0, ""}},
        {"progress -0", Progress{-0.0, ""}},
        {"progress quiet NaN", Progress{std::numeric_limits<double>::quiet_NaN(), "nan"}},
        {"progress NaN payload", Progress{fromBits(0x7ff8'0000'dead'beefull), ""}},
        {"progress negative NaN", Progress{fromBits(0xfff8'0000'0000'0001ull), ""}},
        {"progress signalling NaN", Progress{fromBits(0x7ff0'0000'0000'0001ull), ""}},
        {"progress +inf", Progress{std::numeric_limits<double>::infinity(), ""}},
        {"progress -inf", Progress{-std::numeric_limits<double>::infinity(), ""}},
        {"progress denormal", Progress{std::numeric_limits<double>::denorm_min(), ""}},
        {"progress max", Progress{std::numeric_limits<double>::max(), ""}},
        {"data empty", Data{}},
        {"data 200 points", dataWithPoints(200)},
        {"result every value type and an image", full},
        {"result empty", bare},
        {"error", Error{"worker crashed: std::bad_alloc"}},
        {"error empty", Error{}},
        {"error binary", Error{std::string("\0\xff\x01 \xe2\x82\xac", 7)}},
        {"error exit code", Error{"exited with code 3", 3, 0}},
        {"error signal", Error{"killed by signal 9", Error::kNoExitCode, 9}},
        {"output", OutputChunk{OutputChunk::Out, 1796119200123, "hello\nwor", 0, 0}},
        {"output binary stderr",
         OutputChunk{OutputChunk::Err, 0, std::string("\0\xff\r\n", 4), 0, 0}},
        {"output note", OutputChunk{OutputChunk::Err, 1, "", 12345678, 16u << 20}},
    };
}

std::vector<std::pair<const char *, ParentMessage>> parentSamples()
{
    Start start;
    start.kind = "command";
    start.params = {
        Param{"argv", {"/bin/sh", "-c", "echo \"hi there\"; exit 3", "", std::string("\0", 1)}},
        Param{"limit", {"10000000"}},
        Param{"none", {}},
        Param{"", {""}},
    };
    Start many;
    many.kind = "many";
    for (int i = 0; i < 60; ++i)
        many.params.push_back(Param{"p" + std::to_string(i), {std::to_string(i), "x", "yz"}});

    return {
        {"start", start},           {"start no params", Start{"primes", {}}},
        {"start default", Start{}}, {"start 60 params", many},
        {"cancel", Cancel{}},       {"cancel reserved", Cancel{0xab}},
    };
}

template<class Message>
std::vector<std::pair<const char *, Message>> samples()
{
    if constexpr (std::is_same_v<Message, WorkerMessage>)
        return workerSamples();
    else
        return parentSamples();
}

// Everything one decoder produced from one input, for comparing two ways of feeding it.
struct Outcome
{
    QByteArrayList messages;
    QString error;
    std::size_t pending = 0;
};

// Feeds `input` in the given chunk sizes (cycled), draining after every chunk, and checks the
// invariants that hold whatever the input: after an error nothing more comes out, the error
// never changes, and the decoder never sits on a complete frame.
template<class Message>
Outcome feedChecked(std::string_view input, const std::vector<std::size_t> &chunks, bool &ok)
{
    FrameDecoder<Message> decoder;
    Outcome outcome;
    std::string firstError;
    std::size_t at = 0;
    std::size_t chunk = 0;
    ok = true;
    while (at < input.size()) {
        const std::size_t n = std::min(chunks[chunk++ % chunks.size()], input.size() - at);
        decoder.feed(input.substr(at, n));
        at += n;
        while (std::optional<Message> message = decoder.next()) {
            if (decoder.hasError() || !firstError.empty())
                ok = false;
            outcome.messages.append(dump(*message));
        }
        if (decoder.hasError()) {
            if (decoder.error().empty() || decoder.pendingBytes() != 0)
                ok = false;
            if (firstError.empty())
                firstError = decoder.error();
            else if (decoder.error() != firstError)
                ok = false;
        } else if (decoder.pendingBytes() >= 4) {
            // Waiting is only allowed while the announced frame is incomplete.
            const std::string_view tail = input.substr(at - decoder.pendingBytes());
            if (std::size_t{lengthPrefix(tail)} + 4 <= decoder.pendingBytes())
                ok = false;
        }
    }
    if (decoder.next().has_value())
        ok = false;
    outcome.error = QString::fromStdString(decoder.error());
    outcome.pending = decoder.pendingBytes();
    return outcome;
}

} // namespace

class tst_Protocol : public QObject
{
    Q_OBJECT

private slots:
    void workerRoundTrip_data() { addSampleRows<WorkerMessage>(); }
    void workerRoundTrip() { roundTrip<WorkerMessage>(); }
    void parentRoundTrip_data() { addSampleRows<ParentMessage>(); }
    void parentRoundTrip() { roundTrip<ParentMessage>(); }

    void largeDataRoundTrip();
    void concatenatedFrames();
    void wireLayout();
    void errorOfAnOldWorker();

    void workerTruncation_data() { addSampleRows<WorkerMessage>(); }
    void workerTruncation() { truncation<WorkerMessage>(); }
    void parentTruncation_data() { addSampleRows<ParentMessage>(); }
    void parentTruncation() { truncation<ParentMessage>(); }

    void pendingBytes_data();
    void pendingBytes();

    void hostileInput_data();
    void hostileInput();
    void oversizedFrameRejectedFromPrefixAlone_data();
    void oversizedFrameRejectedFromPrefixAlone();
    void errorIsSticky();
    void allocationProbeCounts();
    void hostileSizesDoNotAllocate_data();
    void hostileSizesDoNotAllocate();
    void randomGarbage_data();
    void randomGarbage();

    void listOfTooManyItems();
    void encodeRefusesOversizedMessage_data();
    void encodeRefusesOversizedMessage();
    void messageNames();

private:
    template<class Message>
    void addSampleRows();
    template<class Message>
    void roundTrip();
    template<class Message>
    void truncation();
};

template<class Message>
void tst_Protocol::addSampleRows()
{
    QTest::addColumn<Message>("message");
    for (auto &[name, message] : samples<Message>())
        QTest::newRow(name) << message;
}

template<class Message>
void tst_Protocol::roundTrip()
{
    QFETCH(Message, message);
    const QByteArray expected = dump(message);

    const std::string frame = encodeFrame(message);
    QCOMPARE_GE(frame.size(), std::size_t{4 + 1 + 4});
    QCOMPARE(std::size_t{lengthPrefix(frame)}, frame.size() - 4);
    QCOMPARE(frame[4], '\1'); // the archive header: written on a little-endian machine

    std::string appended = "xyz";
    appendFrame(appended, message);
    QCOMPARE(qba(appended), qba("xyz" + frame));

    QCOMPARE(dump(decodePayload<Message>(payloadOf(frame))), expected);

    // Whole frame in one feed.
    FrameDecoder<Message> whole;
    whole.feed(frame);
    QCOMPARE(whole.pendingBytes(), frame.size());
    std::optional<Message> decoded = whole.next();
    QVERIFY(decoded.has_value());
    QCOMPARE(dump(*decoded), expected);
    QVERIFY(!whole.next().has_value());
    QVERIFY(!whole.hasError());
    QCOMPARE(whole.pendingBytes(), std::size_t{0});

    // One byte at a time: nothing until the very last byte.
    FrameDecoder<Message> bytewise;
    for (std::size_t i = 0; i + 1 < frame.size(); ++i) {
        bytewise.feed(&frame[i], 1);
        if (bytewise.next().has_value() || bytewise.hasError())
            QFAIL(qPrintable(QString("decoder gave an outcome after %1 of %2 bytes: %3")
                                 .arg(i + 1)
                                 .arg(frame.size())
                                 .arg(QString::fromStdString(bytewise.error()))));
    }
    bytewise.feed(&frame.back(), 1);
    decoded = bytewise.next();
    QVERIFY(decoded.has_value());
    QCOMPARE(dump(*decoded), expected);
    QVERIFY(!bytewise.next().has_value());
    QVERIFY(!bytewise.hasError());
    QCOMPARE(bytewise.pendingBytes(), std::size_t{0});
}

void tst_Protocol::largeDataRoundTrip()
{
    // About 4 MiB: as many points as one message may hold, decoded from chunks of odd sizes.
    const WorkerMessage message = dataWithPoints(kMaxListElements);
    const std::string frame = encodeFrame(message);
    QCOMPARE_LT(frame.size(), std::size_t{kMaxFrameSize});
    QCOMPARE_GT(frame.size(), std::size_t{kMaxListElements * 16});

    WorkerFrameDecoder decoder;
    std::size_t got = 0;
    for (std::size_t at = 0; at < frame.size(); at += 4099) {
        decoder.feed(std::string_view(frame).substr(at, 4099));
        while (std::optional<WorkerMessage> decoded = decoder.next()) {
            ++got;
            QCOMPARE(dump(*decoded), dump(message));
        }
        QVERIFY2(!decoder.hasError(), decoder.error().c_str());
    }
    QCOMPARE(got, std::size_t{1});
    QCOMPARE(decoder.pendingBytes(), std::size_t{0});
}

void tst_Protocol::concatenatedFrames()
{
    // Worker side: every sample twice, in one buffer.
    std::string stream;
    QByteArrayList expected;
    for (int round = 0; round < 2; ++round) {
        for (auto &[name, message] : workerSamples()) {
            appendFrame(stream, message);
            expected.append(dump(message));
        }
    }
    WorkerFrameDecoder decoder;
    decoder.feed(stream);
    QCOMPARE(dumps(drain(decoder)), expected);
    QVERIFY(!decoder.hasError());
    QCOMPARE(decoder.pendingBytes(), std::size_t{0});

    // The same stream in random chunk sizes, and one byte at a time, gives the same messages.
    std::mt19937 random(20240601);
    std::uniform_int_distribution<std::size_t> size(1, 300);
    std::vector<std::size_t> chunks(64);
    for (std::size_t &c : chunks)
        c = size(random);
    bool ok = false;
    Outcome chunked = feedChecked<WorkerMessage>(stream, chunks, ok);
    QVERIFY(ok);
    QCOMPARE(chunked.messages, expected);
    QCOMPARE(chunked.error, QString());
    Outcome bytewise = feedChecked<WorkerMessage>(stream, {1}, ok);
    QVERIFY(ok);
    QCOMPARE(bytewise.messages, expected);

    // Parent side.
    std::string parentStream;
    QByteArrayList parentExpected;
    for (auto &[name, message] : parentSamples()) {
        parentStream += encodeFrame(message);
        parentExpected.append(dump(message));
    }
    ParentFrameDecoder parent;
    parent.feed(parentStream);
    QCOMPARE(dumps(drain(parent)), parentExpected);
    QVERIFY(!parent.hasError());
    Outcome parentBytewise = feedChecked<ParentMessage>(parentStream, {1}, ok);
    QVERIFY(ok);
    QCOMPARE(parentBytewise.messages, parentExpected);
}

// Frames compared as QByteArray, so that a mismatch prints the bytes.
#define QCOMPARE_FRAME(actual, expected) QCOMPARE(qba(actual), qba(expected))

// An Error of version 1 (a worker from before exit statuses) reads as "exit not known".
void tst_Protocol::errorOfAnOldWorker()
{
    WorkerFrameDecoder decoder;
    decoder.feed(Bytes().message(4, 1).str("old").frame());
    const std::optional<WorkerMessage> decoded = decoder.next();
    QVERIFY2(!decoder.hasError(), decoder.error().c_str());
    QVERIFY(decoded && std::holds_alternative<Error>(*decoded));
    const Error &error = std::get<Error>(*decoded);
    QCOMPARE(error.message, std::string("old"));
    QCOMPARE(error.exitCode, Error::kNoExitCode);
    QCOMPARE(error.signal, 0);
    QCOMPARE(decoder.pendingBytes(), std::size_t{0});
}

void tst_Protocol::wireLayout()
{
    // The hand-written bytes the hostile tests start from are exactly what the encoder writes:
    // a type's class version precedes its first instance only.
    QCOMPARE_FRAME(encodeFrame(WorkerMessage{Hello{1, 77, "w"}}),
                   Bytes().message(0).u32(1).u32(77).str("w").frame());
    QCOMPARE_FRAME(encodeFrame(WorkerMessage{Progress{0.25, "p"}}),
                   Bytes().message(1).f64(0.25).str("p").frame());

    Data data;
    data.series = "s";
    data.points = {{1.0, 2.0}, {3.0, 4.0}};
    QCOMPARE_FRAME(
        encodeFrame(WorkerMessage{data}),
        Bytes().message(2).str("s").u64(2).u32(1).f64(1.0).f64(2.0).f64(3.0).f64(4.0).frame());

    Result result;
    result.summary = "r";
    result.values = {intValue("i", -5), boolValue("b", true)};
    result.image = testImage(1, 1);
    QCOMPARE_FRAME(encodeFrame(WorkerMessage{result}),
                   Bytes()
                       .message(3)
                       .str("r")
                       .u64(2)
                       .u32(1) // Value version
                       .str("i")
                       .u8(0)
                       .i64(-5)
                       .f64(0.0)
                       .str("")
                       .str("b")
                       .u8(3)
                       .i64(1)
                       .f64(0.0)
                       .str("")
                       .u32(1) // Image version
                       .u32(1)
                       .u32(1)
                       .u64(3)
                       .raw(std::string(result.image.rgb.begin(), result.image.rgb.end()))
                       .frame());
    QCOMPARE_FRAME(encodeFrame(WorkerMessage{Error{"e"}}),
                   Bytes().message(4, 2).str("e").i32(-1).i32(0).frame());
    QCOMPARE_FRAME(encodeFrame(WorkerMessage{Error{"e", 3, 9}}),
                   Bytes().message(4, 2).str("e").i32(3).i32(9).frame());

    QCOMPARE_FRAME(
        encodeFrame(ParentMessage{Start{"k", {Param{"a", {"x", "y"}}}}}),
        Bytes().message(0).str("k").u64(1).u32(1).str("a").u64(2).str("x").str("y").frame());
    QCOMPARE_FRAME(encodeFrame(ParentMessage{Cancel{9}}), Bytes().message(1).u8(9).frame());
}

#undef QCOMPARE_FRAME

template<class Message>
void tst_Protocol::truncation()
{
    QFETCH(Message, message);
    const std::string frame = encodeFrame(message);

    // Every proper prefix of a frame in a fresh decoder: nothing yet, no error, all pending.
    for (std::size_t k = 0; k < frame.size(); ++k) {
        FrameDecoder<Message> decoder;
        decoder.feed(std::string_view(frame).substr(0, k));
        const bool gotMessage = decoder.next().has_value();
        if (gotMessage || decoder.hasError() || decoder.pendingBytes() != k)
            QFAIL(qPrintable(QString("prefix of %1 of %2 bytes: message %3, error \"%4\", "
                                     "pending %5")
                                 .arg(k)
                                 .arg(frame.size())
                                 .arg(gotMessage)
                                 .arg(QString::fromStdString(decoder.error()))
                                 .arg(decoder.pendingBytes())));
        decoder.feed(std::string_view(frame).substr(k));
        const std::optional<Message> decoded = decoder.next();
        QVERIFY(decoded.has_value());
        QCOMPARE(dump(*decoded), dump(message));
    }

    // Every proper prefix of a payload, decoded as if it were the whole payload, throws and
    // says it is truncated.
    const std::string payload = payloadOf(frame);
    for (std::size_t k = 0; k < payload.size(); ++k) {
        std::string what;
        try {
            (void)decodePayload<Message>(std::string_view(payload).substr(0, k));
        } catch (const std::runtime_error &e) {
            what = e.what();
        }
        const std::string expected = k == 0 ? "empty frame" : "truncated message";
        if (what.find(expected) == std::string::npos)
            QFAIL(qPrintable(QString("payload prefix of %1 of %2 bytes: \"%3\", expected \"%4\"")
                                 .arg(k)
                                 .arg(payload.size())
                                 .arg(QString::fromStdString(what))
                                 .arg(QString::fromStdString(expected))));
    }

    // A frame whose length prefix is honest about a payload that is itself cut short.
    if (payload.size() > 2) {
        FrameDecoder<Message> decoder;
        decoder.feed(Bytes::frameOf(std::string_view(payload).substr(0, payload.size() - 1)));
        QVERIFY(!decoder.next().has_value());
        QVERIFY(decoder.hasError());
        QVERIFY2(decoder.error().starts_with("frame 1: truncated message (Failed to read"),
                 decoder.error().c_str());
    }
}

void tst_Protocol::pendingBytes_data()
{
    QTest::addColumn<int>("frames");
    QTest::addColumn<int>("tail");
    QTest::addColumn<int>("expectedPending");

    // The stream: Hello, Progress, Error frames, then `tail` bytes of another Progress frame.
    QTest::newRow("no frames, empty") << 0 << 0 << 0;
    QTest::newRow("no frames, 1 byte") << 0 << 1 << 1;
    QTest::newRow("no frames, prefix only") << 0 << 4 << 4;
    QTest::newRow("no frames, 9 bytes") << 0 << 9 << 9;
    QTest::newRow("3 frames") << 3 << 0 << 0;
    QTest::newRow("3 frames, 3 bytes") << 3 << 3 << 3;
    QTest::newRow("3 frames, prefix only") << 3 << 4 << 4;
    QTest::newRow("3 frames, all but 1 byte") << 3 << -1 << -1;
}

void tst_Protocol::pendingBytes()
{
    QFETCH(int, frames);
    QFETCH(int, tail);
    QFETCH(int, expectedPending);

    const std::vector<WorkerMessage> all = {Hello{1, 2, "w"}, Progress{0.5, "half"}, Error{"boom"}};
    std::string stream;
    for (int i = 0; i < frames; ++i)
        appendFrame(stream, all[static_cast<std::size_t>(i)]);
    const std::string last = encodeFrame(WorkerMessage{Progress{0.75, "three quarters"}});
    const std::size_t tailSize = tail < 0 ? last.size() - 1 : static_cast<std::size_t>(tail);
    const std::size_t pending =
        expectedPending < 0 ? last.size() - 1 : static_cast<std::size_t>(expectedPending);
    stream += last.substr(0, tailSize);

    WorkerFrameDecoder decoder;
    decoder.feed(stream);
    QCOMPARE(drain(decoder).size(), static_cast<std::size_t>(frames));
    QVERIFY(!decoder.hasError());
    QCOMPARE(decoder.pendingBytes(), pending);

    // The tail completes into the last message.
    decoder.feed(std::string_view(last).substr(tailSize));
    const std::optional<WorkerMessage> completed = decoder.next();
    QVERIFY(completed.has_value());
    QCOMPARE(dump(*completed), dump(WorkerMessage{Progress{0.75, "three quarters"}}));
    QCOMPARE(decoder.pendingBytes(), std::size_t{0});
}

void tst_Protocol::hostileInput_data()
{
    QTest::addColumn<bool>("parent");
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<int>("messagesBefore");
    QTest::addColumn<QString>("expectedError");

    const auto add = [](const char *name, bool parent, const std::string &stream,
                        int messagesBefore, const std::string &error) {
        QTest::newRow(name) << parent << QByteArray::fromStdString(stream) << messagesBefore
                            << QString::fromStdString(error);
    };
    const std::string valid = encodeFrame(WorkerMessage{Hello{1, 1, "w"}});
    const std::string validParent = encodeFrame(ParentMessage{Cancel{}});
    const std::string limit = std::to_string(kMaxFrameSize);
    const std::string overLimit = std::to_string(std::uint64_t{kMaxFrameSize} + 1);

    // Length prefixes.
    add("length over the limit", false, Bytes().u32(kMaxFrameSize + 1).data, 0,
        "frame 1 announces " + overLimit + " bytes, more than the limit of " + limit);
    add("length over the limit, second frame", false,
        valid + Bytes().u32(kMaxFrameSize + 1).data + "rest", 1,
        "frame 2 announces " + overLimit + " bytes, more than the limit of " + limit);
    add("length 0xffffffff", true, Bytes().u32(0xffff'ffffu).data, 0,
        "frame 1 announces 4294967295 bytes, more than the limit of " + limit);
    add("zero length", false, Bytes().u32(0).data, 0, "frame 1 is empty");
    add("zero length after a frame", true, validParent + Bytes().u32(0).data + "x", 1,
        "frame 2 is empty");

    // Archive header and variant index.
    add("header byte 2", false, Bytes().u8(2).i32(0).u32(1).frame(), 0,
        "frame 1: bad archive header byte 2");
    add("header byte 255", true, Bytes().u8(255).frame(), 0,
        "frame 1: bad archive header byte 255");
    add("header only", false, Bytes().u8(1).frame(), 0,
        "frame 1: truncated message (Failed to read 4 bytes from input stream! Read 0)");
    // The first index past the variant (5 until OutputChunk was appended).
    add("worker index past the last", false,
        Bytes().message(static_cast<std::int32_t>(std::variant_size_v<WorkerMessage>)).frame(), 0,
        "frame 1: Invalid 'index' selector when deserializing std::variant");
    add("worker index INT32_MAX", false,
        Bytes().message(std::numeric_limits<std::int32_t>::max()).frame(), 0,
        "frame 1: Invalid 'index' selector when deserializing std::variant");
    add("worker index -1", false, Bytes().message(-1).frame(), 0,
        "frame 1: Error traversing variant during load");
    add("worker index INT32_MIN", false,
        Bytes().message(std::numeric_limits<std::int32_t>::min()).frame(), 0,
        "frame 1: Error traversing variant during load");
    add("parent index 2", true, Bytes().message(2).frame(), 0,
        "frame 1: Invalid 'index' selector when deserializing std::variant");
    add("parent index -1", true, Bytes().message(-1).frame(), 0,
        "frame 1: Error traversing variant during load");

    // Class versions.
    const auto version = [](const char *type, std::uint32_t v) {
        return std::string("frame 1: ") + type + " message version " + std::to_string(v)
               + " is not supported (this build knows 1 to 1)";
    };
    add("Hello version 0", false, Bytes().message(0, 0).u32(1).u32(1).str("w").frame(), 0,
        version("Hello", 0));
    add("Hello version 2", false, Bytes().message(0, 2).u32(1).u32(1).str("w").frame(), 0,
        version("Hello", 2));
    add("Progress version 2", false, Bytes().message(1, 2).f64(0.5).str("").frame(), 0,
        version("Progress", 2));
    add("Point version 0", false, Bytes().message(2).str("s").u64(1).u32(0).f64(1).f64(2).frame(),
        0, version("Point", 0));
    add("Value version 2", false,
        Bytes().message(3).str("").u64(1).u32(2).str("k").u8(0).i64(1).f64(0).str("").frame(), 0,
        version("Value", 2));
    add("Image version 0", false,
        Bytes().message(3).str("").u64(0).u32(0).u32(0).u32(0).u64(0).frame(), 0,
        version("Image", 0));
    add("Error version 3", false, Bytes().message(4, 3).str("e").i32(0).i32(0).frame(), 0,
        std::string("frame 1: Error message version 3 is not supported (this build knows 1 to 2)"));
    add("Start version 0", true, Bytes().message(0, 0).str("k").u64(0).frame(), 0,
        version("Start", 0));
    add("Param version 2", true, Bytes().message(0).str("k").u64(1).u32(2).str("a").u64(0).frame(),
        0, version("Param", 2));
    add("Cancel version 2", true, Bytes().message(1, 2).u8(0).frame(), 0, version("Cancel", 2));

    // Field values.
    const auto valueOfType = [](std::uint8_t type) {
        return Bytes()
            .message(3)
            .str("")
            .u64(1)
            .u32(1)
            .str("k")
            .u8(type)
            .i64(0)
            .f64(0)
            .str("")
            .u32(1)
            .u32(0)
            .u32(0)
            .u64(0)
            .frame();
    };
    add("value type 4", false, valueOfType(4), 0, "frame 1: unknown value type 4");
    add("value type 255", false, valueOfType(255), 0, "frame 1: unknown value type 255");
    add("output stream 3", false, Bytes().message(5).u8(3).u64(0).str("x").u64(0).u64(0).frame(), 0,
        "frame 1: unknown output stream 3");
    add("output stream 0", false, Bytes().message(5).u8(0).u64(0).str("").u64(0).u64(0).frame(), 0,
        "frame 1: unknown output stream 0");
    add("image 2x2 with 11 bytes", false,
        Bytes()
            .message(3)
            .str("")
            .u64(0)
            .u32(1)
            .u32(2)
            .u32(2)
            .u64(11)
            .raw(std::string(11, 'p'))
            .frame(),
        0, "frame 1: image of 2x2 has 11 bytes of pixels");
    add("image 0x5 with 3 bytes", false,
        Bytes().message(3).str("").u64(0).u32(1).u32(0).u32(5).u64(3).raw("abc").frame(), 0,
        "frame 1: image of 0x5 has 3 bytes of pixels");
    add("image 65536x65536 with no bytes", false,
        Bytes().message(3).str("").u64(0).u32(1).u32(65536).u32(65536).u64(0).frame(), 0,
        "frame 1: image of 65536x65536 has 0 bytes of pixels");
    {
        // Consistent sizes but more pixels than any image may have (about 12 MiB of frame).
        const std::uint32_t height = kMaxImagePixels + 1;
        add("image over the pixel limit", false,
            Bytes()
                .message(3)
                .str("")
                .u64(0)
                .u32(1)
                .u32(1)
                .u32(height)
                .u64(std::uint64_t{height} * 3)
                .raw(std::string(std::size_t{height} * 3, 'x'))
                .frame(),
            0,
            "frame 1: image of 1x" + std::to_string(height) + " has "
                + std::to_string(std::uint64_t{height} * 3) + " bytes of pixels");
    }

    // Trailing bytes inside the frame.
    add("1 trailing byte", false, Bytes().message(4).str("e").u8(0).frame(), 0,
        "frame 1: 1 unexpected bytes after the message");
    add("100 trailing bytes, second frame", true,
        validParent + Bytes().message(1).u8(0).raw(std::string(100, '\0')).frame(), 1,
        "frame 2: 100 unexpected bytes after the message");

    // Size prefixes that lie.
    add("string size 2^60", false, Bytes().message(4).u64(1ull << 60).raw("abc").frame(), 0,
        "frame 1: string of 1152921504606846976 bytes is larger than a frame");
    add("string size 2^33", false, Bytes().message(4).u64(1ull << 33).raw("abc").frame(), 0,
        "frame 1: string of 8589934592 bytes is larger than a frame");
    add("string size 2^64-1", true, Bytes().message(0).u64(~0ull).frame(), 0,
        "frame 1: string of 18446744073709551615 bytes is larger than a frame");
    add("string size at the limit, 3 bytes there", false,
        Bytes().message(4).u64(kMaxFrameSize).raw("abc").frame(), 0,
        "frame 1: truncated message (Failed to read 65536 bytes from input stream! Read 3)");
    add("point list size 2^60", false, Bytes().message(2).str("s").u64(1ull << 60).frame(), 0,
        "frame 1: list of 1152921504606846976 elements is longer than a frame");
    add("argv size 2^60", true,
        Bytes().message(0).str("k").u64(1).u32(1).str("argv").u64(1ull << 60).frame(), 0,
        "frame 1: list of 1152921504606846976 elements is longer than a frame");
    add("pixel list size 2^60", false,
        Bytes().message(3).str("").u64(0).u32(1).u32(1).u32(1).u64(1ull << 60).frame(), 0,
        "frame 1: list of 1152921504606846976 elements is longer than a frame");
    add("params size at the frame limit", true,
        Bytes().message(0).str("k").u64(kMaxFrameSize).frame(), 0,
        "frame 1: list of 16777216 items is longer than the limit of 262144");
    add("params size at the list limit, none there", true,
        Bytes().message(0).str("k").u64(kMaxListElements).frame(), 0,
        "frame 1: truncated message (Failed to read 4 bytes from input stream! Read 0)");
}

void tst_Protocol::hostileInput()
{
    QFETCH(bool, parent);
    QFETCH(QByteArray, stream);
    QFETCH(int, messagesBefore);
    QFETCH(QString, expectedError);

    const std::string input = stream.toStdString();
    const auto check = [&](auto decoderTag, std::size_t chunk) {
        using Message = decltype(decoderTag);
        bool ok = false;
        const Outcome outcome = feedChecked<Message>(input, {chunk}, ok);
        QVERIFY2(ok, "an invariant broke while feeding");
        QCOMPARE(outcome.messages.size(), messagesBefore);
        QCOMPARE(outcome.error, expectedError);
        QCOMPARE(outcome.pending, std::size_t{0});
    };
    for (const std::size_t chunk : {input.size(), std::size_t{1}, std::size_t{7}}) {
        if (parent)
            check(ParentMessage{}, chunk);
        else
            check(WorkerMessage{}, chunk);
        if (QTest::currentTestFailed())
            return;
    }
}

void tst_Protocol::oversizedFrameRejectedFromPrefixAlone_data()
{
    QTest::addColumn<std::uint32_t>("maxFrameSize");
    QTest::addColumn<std::uint32_t>("announced");
    QTest::addColumn<bool>("rejected");

    QTest::newRow("default limit, limit + 1") << kMaxFrameSize << kMaxFrameSize + 1 << true;
    QTest::newRow("default limit, exactly the limit") << kMaxFrameSize << kMaxFrameSize << false;
    QTest::newRow("default limit, 2^32 - 1") << kMaxFrameSize << 0xffff'ffffu << true;
    QTest::newRow("limit 100, 101") << 100u << 101u << true;
    QTest::newRow("limit 100, 100") << 100u << 100u << false;
}

void tst_Protocol::oversizedFrameRejectedFromPrefixAlone()
{
    QFETCH(std::uint32_t, maxFrameSize);
    QFETCH(std::uint32_t, announced);
    QFETCH(bool, rejected);

    const std::string prefix = Bytes().u32(announced).data;
    WorkerFrameDecoder decoder(maxFrameSize);
    // Three bytes say nothing yet.
    decoder.feed(std::string_view(prefix).substr(0, 3));
    QVERIFY(!decoder.next().has_value());
    QVERIFY(!decoder.hasError());
    QCOMPARE(decoder.pendingBytes(), std::size_t{3});

    decoder.feed(std::string_view(prefix).substr(3));
    QVERIFY(!decoder.next().has_value());
    QCOMPARE(decoder.hasError(), rejected);
    if (rejected) {
        QCOMPARE(qs(decoder.error()),
                 qs("frame 1 announces " + std::to_string(announced)
                    + " bytes, more than the limit of " + std::to_string(maxFrameSize)));
        QCOMPARE(decoder.pendingBytes(), std::size_t{0});
    } else {
        QCOMPARE(decoder.pendingBytes(), std::size_t{4});
    }
}

void tst_Protocol::errorIsSticky()
{
    const std::string valid = encodeFrame(WorkerMessage{Hello{1, 1, "w"}});
    WorkerFrameDecoder decoder;
    decoder.feed(valid + Bytes().u32(0).data + valid);
    QCOMPARE(drain(decoder).size(), std::size_t{1});
    QCOMPARE(qs(decoder.error()), "frame 2 is empty");
    QCOMPARE(decoder.pendingBytes(), std::size_t{0});

    // Valid frames after the error change nothing: no message, same error, nothing buffered.
    for (int i = 0; i < 3; ++i) {
        decoder.feed(valid);
        decoder.feed(valid.data(), valid.size());
        QVERIFY(!decoder.next().has_value());
        QVERIFY(decoder.hasError());
        QCOMPARE(qs(decoder.error()), "frame 2 is empty");
        QCOMPARE(decoder.pendingBytes(), std::size_t{0});
    }

    // Same for the parent side, failing on a bad variant index.
    ParentFrameDecoder parent;
    parent.feed(Bytes().message(7).frame());
    QVERIFY(!parent.next().has_value());
    const std::string error = parent.error();
    QVERIFY(!error.empty());
    parent.feed(encodeFrame(ParentMessage{Cancel{}}));
    QVERIFY(!parent.next().has_value());
    QCOMPARE(qs(parent.error()), qs(error));
    QCOMPARE(parent.pendingBytes(), std::size_t{0});
}

void tst_Protocol::allocationProbeCounts()
{
    // The probe itself: a valid frame with a 1 MiB string must show at least two copies of it
    // (the decoder's buffer and the decoded string), or the bounds below would prove nothing.
    const std::string frame = encodeFrame(WorkerMessage{Error{std::string(1 << 20, 'e')}});
    std::size_t peak = 0;
    bool gotMessage = false;
    {
        const AllocationPeak probe;
        WorkerFrameDecoder decoder;
        decoder.feed(frame);
        gotMessage = decoder.next().has_value();
        peak = probe.bytes();
    }
    QVERIFY(gotMessage);
    QCOMPARE_GE(peak, 2 * (std::size_t{1} << 20));
}

void tst_Protocol::hostileSizesDoNotAllocate_data()
{
    QTest::addColumn<bool>("parent");
    QTest::addColumn<QByteArray>("frame");

    const auto add = [](const char *name, bool parent, const std::string &frame) {
        QTest::newRow(name) << parent << QByteArray::fromStdString(frame);
    };
    add("string size 2^60", false, Bytes().message(4).u64(1ull << 60).raw("abc").frame());
    add("string size 2^33", false, Bytes().message(4).u64(1ull << 33).raw("abc").frame());
    add("string size 2^33 in a 1 MiB frame", false,
        Bytes().message(4).u64(1ull << 33).raw(std::string(1 << 20, 's')).frame());
    add("string size at the limit", false,
        Bytes().message(4).u64(kMaxFrameSize).raw("abc").frame());
    add("key size at the limit", true,
        Bytes().message(0).str("k").u64(1).u32(1).u64(kMaxFrameSize).raw("abc").frame());
    add("point list size 2^60", false, Bytes().message(2).str("s").u64(1ull << 60).frame());
    add("point list size at the limit", false,
        Bytes().message(2).str("s").u64(kMaxFrameSize).u32(1).f64(1).f64(2).frame());
    add("value list size 2^60", false, Bytes().message(3).str("").u64(1ull << 60).frame());
    add("argv size 2^60", true,
        Bytes().message(0).str("k").u64(1).u32(1).str("argv").u64(1ull << 60).frame());
    add("argv size at the limit", true,
        Bytes().message(0).str("k").u64(1).u32(1).str("argv").u64(kMaxFrameSize).str("x").frame());
    add("pixel list size 2^60", false,
        Bytes().message(3).str("").u64(0).u32(1).u32(1).u32(1).u64(1ull << 60).frame());
    add("pixel list size at the limit", false,
        Bytes()
            .message(3)
            .str("")
            .u64(0)
            .u32(1)
            .u32(1)
            .u32(1)
            .u64(kMaxFrameSize)
            .raw("rgb")
            .frame());
}

void tst_Protocol::hostileSizesDoNotAllocate()
{
    QFETCH(bool, parent);
    QFETCH(QByteArray, frame);

    const std::string input = frame.toStdString();
    bool gotMessage = false;
    std::string error;
    std::size_t peak = 0;
    {
        // Nothing but the decoder runs inside the probe: no QTest macros, no Qt strings.
        const AllocationPeak probe;
        if (parent) {
            ParentFrameDecoder decoder;
            decoder.feed(input);
            gotMessage = decoder.next().has_value();
            error = decoder.error();
        } else {
            WorkerFrameDecoder decoder;
            decoder.feed(input);
            gotMessage = decoder.next().has_value();
            error = decoder.error();
        }
        peak = probe.bytes();
    }
    QVERIFY(!gotMessage);
    QVERIFY(!error.empty());
    const bool expectedText = error.find("larger than a frame") != std::string::npos
                              || error.find("longer than a frame") != std::string::npos
                              || error.find("longer than the limit") != std::string::npos
                              || error.find("truncated message") != std::string::npos;
    QVERIFY2(expectedText, error.c_str());
    const std::size_t bound = 2 * input.size() + (std::size_t{1} << 20);
    QVERIFY2(peak < bound, qPrintable(QString("peak %1 bytes for a %2 byte frame (bound %3): %4")
                                          .arg(peak)
                                          .arg(input.size())
                                          .arg(bound)
                                          .arg(QString::fromStdString(error))));
}

void tst_Protocol::randomGarbage_data()
{
    QTest::addColumn<int>("firstSeed");
    QTest::addColumn<int>("seeds");
    QTest::addColumn<bool>("mutateValidFrames");

    for (int first = 1; first <= 1000; first += 250) {
        const QByteArray from = QByteArray::number(first);
        const QByteArray to = QByteArray::number(first + 249);
        QTest::newRow("garbage, seeds " + from + ".." + to) << first << 250 << false;
        QTest::newRow("mutated frames, seeds " + from + ".." + to) << first << 250 << true;
    }
}

void tst_Protocol::randomGarbage()
{
    QFETCH(int, firstSeed);
    QFETCH(int, seeds);
    QFETCH(bool, mutateValidFrames);

    // Valid traffic to mutate: pure garbage almost never gets past the header byte.
    std::string workerTraffic;
    for (auto &[name, message] : workerSamples())
        appendFrame(workerTraffic, message);
    std::string parentTraffic;
    for (auto &[name, message] : parentSamples())
        appendFrame(parentTraffic, message);

    for (int seed = firstSeed; seed < firstSeed + seeds; ++seed) {
        std::mt19937 random(static_cast<std::mt19937::result_type>(seed));
        const auto below = [&random](std::size_t n) {
            return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
        };
        for (const bool parent : {false, true}) {
            std::string input;
            if (mutateValidFrames) {
                const std::string &traffic = parent ? parentTraffic : workerTraffic;
                const std::size_t begin = below(traffic.size() / 2);
                input = traffic.substr(begin, 1 + below(traffic.size() - begin));
                // Realign on a frame boundary half of the time, so mutations reach the payload.
                if (seed % 2 == 0)
                    input = traffic.substr(0, input.size());
                const std::size_t flips = 1 + below(8);
                for (std::size_t i = 0; i < flips; ++i) {
                    const std::size_t at = below(input.size());
                    input[at] = static_cast<char>(below(256));
                }
            } else {
                input.resize(below(4096));
                for (char &c : input)
                    c = static_cast<char>(below(256));
                // Give some of them a plausible length prefix and archive header.
                if (input.size() > 5 && seed % 3 != 0) {
                    const std::string prefix =
                        Bytes().u32(static_cast<std::uint32_t>(below(input.size() - 3))).u8(1).data;
                    input.replace(0, prefix.size(), prefix);
                }
            }
            std::vector<std::size_t> chunks(1 + below(16));
            for (std::size_t &c : chunks)
                c = 1 + below(below(2) == 0 ? 8 : 1024);

            const auto feed = [parent, &input](const std::vector<std::size_t> &sizes, bool &ok) {
                return parent ? feedChecked<ParentMessage>(input, sizes, ok)
                              : feedChecked<WorkerMessage>(input, sizes, ok);
            };
            bool chunkedOk = false;
            bool wholeOk = false;
            const Outcome chunked = feed(chunks, chunkedOk);
            const Outcome whole = feed({input.size() + 1}, wholeOk);
            if (!chunkedOk || !wholeOk)
                QFAIL(qPrintable(QString("seed %1 (%2): an invariant broke, chunked %3, whole %4")
                                     .arg(seed)
                                     .arg(parent)
                                     .arg(chunkedOk)
                                     .arg(wholeOk)));
            // How the bytes were cut never changes the outcome.
            if (chunked.messages != whole.messages || chunked.error != whole.error
                || chunked.pending != whole.pending)
                QFAIL(qPrintable(QString("seed %1 (%2): chunked and whole feeds differ: "
                                         "%3 vs %4 messages, \"%5\" vs \"%6\"")
                                     .arg(seed)
                                     .arg(parent)
                                     .arg(chunked.messages.size())
                                     .arg(whole.messages.size())
                                     .arg(chunked.error, whole.error)));
            // Either an error with nothing pending, or messages and a tail that is too short.
            if (!whole.error.isEmpty() && whole.pending != 0)
                QFAIL(qPrintable(QString("seed %1: error with bytes pending").arg(seed)));
        }
    }
}

void tst_Protocol::encodeRefusesOversizedMessage_data()
{
    QTest::addColumn<bool>("parent");
    QTest::addColumn<int>("bytes");

    // Payload sizes around the limit: header 1 + index 4 + version 4 + string size 8 = 17, and
    // 8 more: an Error's exit code and signal, a Start's number of params.
    QTest::newRow("error text at the limit") << false << int(kMaxFrameSize) - 17 - 8;
    QTest::newRow("error text 1 over") << false << int(kMaxFrameSize) - 16 - 8;
    QTest::newRow("error text of the limit") << false << int(kMaxFrameSize);
    QTest::newRow("start kind at the limit") << true << int(kMaxFrameSize) - 17 - 8;
    QTest::newRow("start kind 1 over") << true << int(kMaxFrameSize) - 16 - 8;
}

void tst_Protocol::encodeRefusesOversizedMessage()
{
    QFETCH(bool, parent);
    QFETCH(int, bytes);

    const std::string text(static_cast<std::size_t>(bytes), 'x');
    const std::string before = encodeFrame(WorkerMessage{Hello{}});
    std::string batch = before;
    std::string what;
    bool threw = false;
    try {
        if (parent)
            appendFrame(batch, ParentMessage{Start{text, {}}});
        else
            appendFrame(batch, WorkerMessage{Error{text}});
    } catch (const std::length_error &e) {
        threw = true;
        what = e.what();
    }
    const std::size_t payload = 17 + 8 + text.size();
    const bool fits = payload <= kMaxFrameSize;
    QCOMPARE(threw, !fits);
    if (fits) {
        QCOMPARE(batch.size(), before.size() + 4 + payload);
        // The largest legal frame goes through the decoder too.
        const std::string last = batch.substr(before.size());
        std::size_t decoded = 0;
        if (parent) {
            ParentFrameDecoder decoder;
            decoder.feed(last);
            decoded = drain(decoder).size();
            QVERIFY2(!decoder.hasError(), decoder.error().c_str());
        } else {
            WorkerFrameDecoder decoder;
            decoder.feed(last);
            decoded = drain(decoder).size();
            QVERIFY2(!decoder.hasError(), decoder.error().c_str());
        }
        QCOMPARE(decoded, std::size_t{1});
        return;
    }
    QCOMPARE(qs(what),
             qs("message of " + std::to_string(payload) + " bytes is larger than the frame limit"));
    // A refused message leaves the batch as it was: no half-written frame.
    QCOMPARE(qba(batch), qba(before));
    if (parent) {
        const ParentMessage message = Start{text, {}};
        QVERIFY_THROWS_EXCEPTION(std::length_error, (void)encodeFrame(message));
    } else {
        const WorkerMessage message = Error{text};
        QVERIFY_THROWS_EXCEPTION(std::length_error, (void)encodeFrame(message));
    }
}

void tst_Protocol::messageNames()
{
    QCOMPARE(messageName(WorkerMessage{Hello{}}), "hello");
    QCOMPARE(messageName(WorkerMessage{Progress{}}), "progress");
    QCOMPARE(messageName(WorkerMessage{Data{}}), "data");
    QCOMPARE(messageName(WorkerMessage{Result{}}), "result");
    QCOMPARE(messageName(WorkerMessage{Error{}}), "error");
}

// Millions of empty items fit in one frame but would cost many times its size in memory.
void tst_Protocol::listOfTooManyItems()
{
    Start start;
    start.kind = "command";
    start.params.push_back(Param{"argv", std::vector<std::string>(kMaxListElements + 1)});
    const std::string frame = encodeFrame(ParentMessage{start});
    QVERIFY(frame.size() < kMaxFrameSize);
    ParentFrameDecoder decoder;
    decoder.feed(frame);
    QVERIFY(!decoder.next());
    QVERIFY(decoder.hasError());
    QCOMPARE(QString::fromStdString(decoder.error()),
             QStringLiteral("frame 1: list of %1 items is longer than the limit of %2")
                 .arg(kMaxListElements + 1)
                 .arg(kMaxListElements));
    // At the limit it is fine.
    start.params.front().values.resize(kMaxListElements);
    decoder = ParentFrameDecoder();
    decoder.feed(encodeFrame(ParentMessage{start}));
    const auto message = decoder.next();
    QVERIFY(message);
    QCOMPARE(std::get<Start>(*message).params.front().values.size(), std::size_t{kMaxListElements});
}

QTEST_GUILESS_MAIN(tst_Protocol)

#include "tst_protocol.moc"
