#pragma once

// The messages that cross the pipe between longrun and longrun-worker. No Qt here: the worker
// links this and cereal only.
//
// Rules that keep old and new peers talking (see DESIGN.md, "Wire protocol"):
// - plain structs with fixed-width integers; every type has CEREAL_CLASS_VERSION from day one;
// - a field is only ever appended, behind `if (version >= N)`;
// - the variant alternatives are only ever appended, and each is default-constructible.
//
// Strings and vectors are read through wire::io(), never through cereal's own std::string /
// std::vector loaders: those trust the size prefix and resize first, so a frame that claims a
// 2^60-byte string would allocate before failing. wire::io() grows containers only as bytes
// actually arrive and caps the number of items in a list, so a hostile frame can never make the
// reader allocate more than a small multiple of the frame itself.

#include <cereal/cereal.hpp>
#include <cereal/types/variant.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace longrun::protocol {

inline constexpr std::uint32_t kProtocolVersion = 1;
// Largest frame either side accepts; checked before anything is allocated for it.
inline constexpr std::uint32_t kMaxFrameSize = 16u * 1024u * 1024u;
// Largest image a worker may send in one Result frame (RGB888, 3 bytes a pixel).
inline constexpr std::uint32_t kMaxImagePixels = 2048u * 2048u;
// Longest list of structured items (params, argv words, values, plot points) in one message.
inline constexpr std::uint64_t kMaxListElements = 1u << 18;

namespace wire {

// Throws when a peer sends a message version newer than this build understands.
void checkVersion(std::uint32_t version, std::uint32_t known, const char *type);

inline constexpr std::uint64_t kChunk = 64 * 1024;

template<class Archive, class T>
void io(Archive &ar, T &value);

template<class Archive>
void ioString(Archive &ar, std::string &s)
{
    if constexpr (Archive::is_saving::value) {
        ar(cereal::make_size_tag(static_cast<std::uint64_t>(s.size())));
        ar(cereal::binary_data(s.data(), s.size()));
    } else {
        std::uint64_t size = 0;
        ar(cereal::make_size_tag(size));
        if (size > kMaxFrameSize)
            throw cereal::Exception("string of " + std::to_string(size)
                                    + " bytes is larger than a frame");
        s.clear();
        // Grow chunk by chunk: a lying size prefix fails at the end of the frame, having
        // allocated at most one chunk more than the frame really holds.
        while (s.size() < size) {
            const std::size_t old = s.size();
            const std::size_t n =
                static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, size - old));
            s.resize(old + n);
            ar(cereal::binary_data(s.data() + old, n));
        }
    }
}

template<class Archive, class T>
void ioVector(Archive &ar, std::vector<T> &v)
{
    if constexpr (Archive::is_saving::value) {
        ar(cereal::make_size_tag(static_cast<std::uint64_t>(v.size())));
        if constexpr (std::is_arithmetic_v<T>) {
            ar(cereal::binary_data(v.data(), v.size() * sizeof(T)));
        } else {
            for (auto &element : v)
                io(ar, element);
        }
    } else {
        std::uint64_t size = 0;
        ar(cereal::make_size_tag(size));
        if (size > kMaxFrameSize)
            throw cereal::Exception("list of " + std::to_string(size)
                                    + " elements is longer than a frame");
        v.clear();
        if constexpr (std::is_arithmetic_v<T>) {
            const std::uint64_t perChunk = std::max<std::uint64_t>(1, kChunk / sizeof(T));
            while (v.size() < size) {
                const std::size_t old = v.size();
                const std::size_t n =
                    static_cast<std::size_t>(std::min<std::uint64_t>(perChunk, size - old));
                v.resize(old + n);
                ar(cereal::binary_data(v.data() + old, n * sizeof(T)));
            }
        } else {
            // Each element costs a few wire bytes but tens of bytes in memory (an empty string
            // is 8 on the wire, 32 in a std::string): cap the count so a frame of millions of
            // empty items cannot make the reader use many times the frame.
            if (size > kMaxListElements)
                throw cereal::Exception("list of " + std::to_string(size)
                                        + " items is longer than the limit of "
                                        + std::to_string(kMaxListElements));
            for (std::uint64_t i = 0; i < size; ++i) {
                T element{};
                io(ar, element);
                v.push_back(std::move(element));
            }
        }
    }
}

template<class Archive, class T>
void io(Archive &ar, T &value)
{
    if constexpr (std::is_same_v<T, std::string>)
        ioString(ar, value);
    else if constexpr (requires {
                           typename T::value_type;
                           typename T::allocator_type;
                       })
        ioVector(ar, value);
    else
        ar(value);
}

template<class Archive, class... T>
void fields(Archive &ar, T &...values)
{
    (io(ar, values), ...);
}

} // namespace wire

// ---- parent -> worker ------------------------------------------------------------------

// One named parameter. Scalars carry one value; list parameters (a command's argv) carry many.
// Values travel as text: the worker's catalog knows each parameter's type and validates it.
struct Param
{
    std::string key;
    std::vector<std::string> values;
};

struct Start
{
    std::string kind;
    std::vector<Param> params;
};

struct Cancel
{
    std::uint8_t reserved = 0;
};

using ParentMessage = std::variant<Start, Cancel>;

// ---- worker -> parent ------------------------------------------------------------------

struct Hello
{
    std::uint32_t protocolVersion = kProtocolVersion;
    std::uint32_t pid = 0;
    std::string worker; // name and version of the worker program
};

struct Progress
{
    double fraction = 0.0; // 0..1; the parent clamps whatever arrives
    std::string text;      // optional, e.g. "segment 12 of 100"
};

struct Point
{
    double x = 0.0;
    double y = 0.0;
};

// Points for a live plot, appended to the named series.
struct Data
{
    std::string series;
    std::vector<Point> points;
};

// One typed value of a result.
struct Value
{
    enum class Type : std::uint8_t { Int = 0, Real = 1, Text = 2, Bool = 3 };
    std::string key;
    Type type = Type::Text;
    std::int64_t integer = 0;
    double real = 0.0;
    std::string text;
};

// Pixels of an image result, RGB888 row by row.
struct Image
{
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::vector<std::uint8_t> rgb;
};

struct Result
{
    std::string summary; // one line for the job list, e.g. "664579 primes <= 10000000"
    std::vector<Value> values;
    Image image; // empty unless the kind makes a picture
};

struct Error
{
    std::string message;
    // Version 2: how the program of a `command` job ended, when it ended by itself. An older
    // worker sends neither, and so reads as "not known".
    static constexpr std::int32_t kNoExitCode = -1;
    std::int32_t exitCode = kNoExitCode; // its exit status, 0..255
    std::int32_t signal = 0;             // the signal that killed it; 0: none
};

// Bytes a `command` job's program wrote, for the attempt's log: in the order the worker read
// them, in chunks of at most kMaxOutputChunk bytes, and at most the log limit (logLimit()) per
// attempt. Past the limit the worker counts what it drops and says so once per stream, at the
// end: an OutputChunk with no bytes, `dropped` > 0 and the `limit` it applied.
struct OutputChunk
{
    enum Stream : std::uint8_t { Out = 1, Err = 2 };
    std::uint8_t stream = Out; // a pty merges both into Out
    std::uint64_t atMs = 0;    // when the worker read them, ms since the epoch (its clock)
    std::string bytes;         // as the program wrote them: not necessarily UTF-8
    std::uint64_t dropped = 0; // the final note: bytes of this stream not sent
    std::uint64_t limit = 0;   // the final note: the limit that dropped them
};

using WorkerMessage = std::variant<Hello, Progress, Data, Result, Error, OutputChunk>;

// One OutputChunk's bytes at most: far below the frame cap.
inline constexpr std::size_t kMaxOutputChunk = 64 * 1024;
// What the worker sends of a job's output by default, both streams together: 16 MiB.
inline constexpr std::uint64_t kDefaultLogLimit = 16u * 1024u * 1024u;
// The log limit: $LONGRUN_LOG_LIMIT (bytes, a whole number; 0 keeps no output) when it is set
// and valid, else kDefaultLogLimit. The worker applies it; the app caps a log file by it too.
[[nodiscard]] std::uint64_t logLimit();

// ---- serialization ---------------------------------------------------------------------

template<class Archive>
void serialize(Archive &ar, Param &m, std::uint32_t const version)
{
    wire::checkVersion(version, 1, "Param");
    wire::fields(ar, m.key, m.values);
}

template<class Archive>
void serialize(Archive &ar, Start &m, std::uint32_t const version)
{
    wire::checkVersion(version, 1, "Start");
    wire::fields(ar, m.kind, m.params);
}

template<class Archive>
void serialize(Archive &ar, Cancel &m, std::uint32_t const version)
{
    wire::checkVersion(version, 1, "Cancel");
    wire::fields(ar, m.reserved);
}

template<class Archive>
void serialize(Archive &ar, Hello &m, std::uint32_t const version)
{
    wire::checkVersion(version, 1, "Hello");
    wire::fields(ar, m.protocolVersion, m.pid, m.worker);
}

template<class Archive>
void serialize(Archive &ar, Progress &m, std::uint32_t const version)
{
    wire::checkVersion(version, 1, "Progress");
    wire::fields(ar, m.fraction, m.text);
}

template<class Archive>
void serialize(Archive &ar, Point &m, std::uint32_t const version)
{
    wire::checkVersion(version, 1, "Point");
    wire::fields(ar, m.x, m.y);
}

template<class Archive>
void serialize(Archive &ar, Data &m, std::uint32_t const version)
{
    wire::checkVersion(version, 1, "Data");
    wire::fields(ar, m.series, m.points);
}

template<class Archive>
void serialize(Archive &ar, Value &m, std::uint32_t const version)
{
    wire::checkVersion(version, 1, "Value");
    auto type = static_cast<std::uint8_t>(m.type);
    wire::fields(ar, m.key, type, m.integer, m.real, m.text);
    if (type > static_cast<std::uint8_t>(Value::Type::Bool))
        throw cereal::Exception("unknown value type " + std::to_string(type));
    m.type = static_cast<Value::Type>(type);
}

template<class Archive>
void serialize(Archive &ar, Image &m, std::uint32_t const version)
{
    wire::checkVersion(version, 1, "Image");
    wire::fields(ar, m.width, m.height, m.rgb);
    if (std::uint64_t{m.width} * m.height > kMaxImagePixels
        || m.rgb.size() != std::uint64_t{m.width} * m.height * 3)
        throw cereal::Exception("image of " + std::to_string(m.width) + "x"
                                + std::to_string(m.height) + " has " + std::to_string(m.rgb.size())
                                + " bytes of pixels");
}

template<class Archive>
void serialize(Archive &ar, Result &m, std::uint32_t const version)
{
    wire::checkVersion(version, 1, "Result");
    wire::fields(ar, m.summary, m.values, m.image);
}

template<class Archive>
void serialize(Archive &ar, Error &m, std::uint32_t const version)
{
    wire::checkVersion(version, 2, "Error");
    wire::fields(ar, m.message);
    if (version >= 2)
        wire::fields(ar, m.exitCode, m.signal);
}

template<class Archive>
void serialize(Archive &ar, OutputChunk &m, std::uint32_t const version)
{
    wire::checkVersion(version, 1, "OutputChunk");
    wire::fields(ar, m.stream, m.atMs, m.bytes, m.dropped, m.limit);
    if (m.stream != OutputChunk::Out && m.stream != OutputChunk::Err)
        throw cereal::Exception("unknown output stream " + std::to_string(m.stream));
}

// Convenience constructors for values of a result.
[[nodiscard]] Value intValue(std::string key, std::int64_t v);
[[nodiscard]] Value realValue(std::string key, double v);
[[nodiscard]] Value textValue(std::string key, std::string v);
[[nodiscard]] Value boolValue(std::string key, bool v);

// Name of a message type, for error texts ("result", "progress", ...).
[[nodiscard]] const char *messageName(const WorkerMessage &m);

} // namespace longrun::protocol

CEREAL_CLASS_VERSION(longrun::protocol::Param, 1)
CEREAL_CLASS_VERSION(longrun::protocol::Start, 1)
CEREAL_CLASS_VERSION(longrun::protocol::Cancel, 1)
CEREAL_CLASS_VERSION(longrun::protocol::Hello, 1)
CEREAL_CLASS_VERSION(longrun::protocol::Progress, 1)
CEREAL_CLASS_VERSION(longrun::protocol::Point, 1)
CEREAL_CLASS_VERSION(longrun::protocol::Data, 1)
CEREAL_CLASS_VERSION(longrun::protocol::Value, 1)
CEREAL_CLASS_VERSION(longrun::protocol::Image, 1)
CEREAL_CLASS_VERSION(longrun::protocol::Result, 1)
CEREAL_CLASS_VERSION(longrun::protocol::Error, 2)
CEREAL_CLASS_VERSION(longrun::protocol::OutputChunk, 1)
