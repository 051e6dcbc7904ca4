#pragma once

// Just enough JSON writing for --list-kinds: strings escaped per RFC 8259, numbers that every
// parser reads back exactly.

#include "params.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace longrun::protocol::json {

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

// Shortest text that reads back as the same double (formatNumber); JSON has no NaN or infinity.
inline void appendNumber(std::string &out, double value)
{
    out += std::isfinite(value) ? formatNumber(value) : std::string("null");
}

inline void appendBool(std::string &out, bool value)
{
    out += value ? "true" : "false";
}

inline void appendStrings(std::string &out, const std::vector<std::string> &items)
{
    out.push_back('[');
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0)
            out.push_back(',');
        appendString(out, items[i]);
    }
    out.push_back(']');
}

} // namespace longrun::protocol::json
