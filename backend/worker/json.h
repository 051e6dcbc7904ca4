#pragma once

// Just enough JSON writing for --list-kinds: strings escaped per RFC 8259, numbers that every
// parser reads back exactly.

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace longrun::worker::json {

inline void appendString(std::string &out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            // Other control characters must be escaped; bytes >= 0x80 pass as UTF-8.
            if (u < 0x20 || u == 0x7f) {
                out += "\\u00";
                out.push_back(hex[u >> 4]);
                out.push_back(hex[u & 0xf]);
            } else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
}

inline void appendNumber(std::string &out, std::int64_t value)
{
    out += std::to_string(value);
}

// Shortest text that reads back as the same double; JSON has no NaN or infinity.
inline void appendNumber(std::string &out, double value)
{
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, ec == std::errc{} ? end : buffer);
}

inline void appendBool(std::string &out, bool value)
{
    out += value ? "true" : "false";
}

} // namespace longrun::worker::json
