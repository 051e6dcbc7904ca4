#include "params.h"

#include "json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <type_traits>

namespace longrun::protocol {

namespace {

ParamRule rule(std::string name, ParamType type, std::string description)
{
    ParamRule r;
    r.name = std::move(name);
    r.type = type;
    r.description = std::move(description);
    return r;
}

bool isAsciiSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view trimmedSpaces(std::string_view s)
{
    while (!s.empty() && isAsciiSpace(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isAsciiSpace(s.back()))
        s.remove_suffix(1);
    return s;
}

// The whole of `text` as one number, or nothing; a double must be finite.
template<class Number>
std::optional<Number> parseNumber(std::string_view text)
{
    Number value{};
    const char *end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end)
        return std::nullopt;
    if constexpr (std::is_floating_point_v<Number>) {
        if (!std::isfinite(value))
            return std::nullopt;
    }
    return value;
}

template<class Strings>
std::string joined(const Strings &items)
{
    std::string out;
    for (const std::string_view item : items) {
        if (!out.empty())
            out += ", ";
        out += item;
    }
    return out;
}

bool equalsLower(std::string_view value, std::string_view lower)
{
    return std::equal(value.begin(), value.end(), lower.begin(), lower.end(), [](char a, char b) {
        return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
    });
}

std::optional<bool> parseBool(std::string_view value)
{
    for (const auto yes : {"true", "1", "yes", "on"}) {
        if (equalsLower(value, yes))
            return true;
    }
    for (const auto no : {"false", "0", "no", "off"}) {
        if (equalsLower(value, no))
            return false;
    }
    return std::nullopt;
}

// " from 2 to 10", " of at least 2", " of at most 10" or "".
template<class Number>
std::string rangeText(const std::optional<Number> &min, const std::optional<Number> &max)
{
    const auto text = [](Number n) {
        if constexpr (std::is_floating_point_v<Number>)
            return formatNumber(n);
        else
            return std::to_string(n);
    };
    if (min && max)
        return " from " + text(*min) + " to " + text(*max);
    if (min)
        return " of at least " + text(*min);
    if (max)
        return " of at most " + text(*max);
    return {};
}

template<class Number>
bool inRange(Number value, const std::optional<Number> &min, const std::optional<Number> &max)
{
    return (!min || value >= *min) && (!max || value <= *max);
}

// Each format's name in the JSON and what a value must be, in the messages.
struct FormatInfo
{
    TextFormat format;
    std::string_view name;
    std::string_view expectation;
};
constexpr FormatInfo kFormats[] = {
    {TextFormat::Any, "", "text"},
    {TextFormat::Region, "region",
     "four numbers xmin,ymin,xmax,ymax with xmin < xmax and ymin < ymax"},
    {TextFormat::Environment, "environment", "KEY=VALUE words"},
};

const FormatInfo &formatInfo(TextFormat format)
{
    for (const auto &info : kFormats) {
        if (info.format == format)
            return info;
    }
    return kFormats[0];
}

bool matchesFormat(TextFormat format, std::string_view value)
{
    switch (format) {
    case TextFormat::Region:
        return parseRegion(value).has_value();
    case TextFormat::Environment:
        return isAssignment(value);
    case TextFormat::Any:
        break;
    }
    return true;
}

// Reads one scalar value into `out`; false, leaving `out` alone, when it is not what
// expectation() says.
bool readScalar(const ParamRule &rule, const std::string &value, ParamValue &out)
{
    const std::string_view trimmed = trimmedSpaces(value);
    switch (rule.type) {
    case ParamType::Int: {
        const auto v = parseNumber<std::int64_t>(trimmed);
        if (!v || !inRange(*v, rule.intMin, rule.intMax))
            return false;
        out.integer = *v;
        return true;
    }
    case ParamType::Real: {
        const auto v = parseNumber<double>(trimmed);
        if (!v || !inRange(*v, rule.realMin, rule.realMax))
            return false;
        out.real = *v;
        return true;
    }
    case ParamType::Bool: {
        const auto v = parseBool(trimmed);
        if (!v)
            return false;
        out.flag = *v;
        return true;
    }
    case ParamType::Choice:
        if (std::find(rule.choices.begin(), rule.choices.end(), value) == rule.choices.end())
            return false;
        break;
    case ParamType::Text:
    case ParamType::Path:
        if (!matchesFormat(rule.format, value))
            return false;
        break;
    case ParamType::Argv:
        throw std::logic_error("readScalar called for an argv");
    }
    out.text = value;
    return true;
}

bool isText(ParamType type)
{
    return type == ParamType::Text || type == ParamType::Path;
}

} // namespace

ParamRule intRule(std::string name, std::int64_t def, std::int64_t min, std::int64_t max,
                  std::string description)
{
    ParamRule r = rule(std::move(name), ParamType::Int, std::move(description));
    r.defaultValue.integer = def;
    r.intMin = min;
    r.intMax = max;
    return r;
}

ParamRule realRule(std::string name, double def, double min, double max, std::string description)
{
    ParamRule r = rule(std::move(name), ParamType::Real, std::move(description));
    r.defaultValue.real = def;
    r.realMin = min;
    r.realMax = max;
    return r;
}

ParamRule textRule(std::string name, std::string def, TextFormat format, std::string description)
{
    ParamRule r = rule(std::move(name), ParamType::Text, std::move(description));
    r.defaultValue.text = std::move(def);
    r.format = format;
    return r;
}

ParamRule pathRule(std::string name, bool required, std::string description)
{
    ParamRule r = rule(std::move(name), ParamType::Path, std::move(description));
    r.required = required;
    return r;
}

ParamRule boolRule(std::string name, bool def, std::string description)
{
    ParamRule r = rule(std::move(name), ParamType::Bool, std::move(description));
    r.defaultValue.flag = def;
    return r;
}

ParamRule choiceRule(std::string name, std::string def, std::vector<std::string> choices,
                     std::string description)
{
    ParamRule r = rule(std::move(name), ParamType::Choice, std::move(description));
    r.defaultValue.text = std::move(def);
    r.choices = std::move(choices);
    return r;
}

ParamRule argvRule(std::string name, std::string description)
{
    ParamRule r = rule(std::move(name), ParamType::Argv, std::move(description));
    r.required = true;
    return r;
}

ParamRule environmentRule(std::string name, std::string description)
{
    ParamRule r = rule(std::move(name), ParamType::Argv, std::move(description));
    r.format = TextFormat::Environment;
    return r;
}

bool isAssignment(std::string_view word)
{
    const std::size_t eq = word.find('=');
    return eq != std::string_view::npos && eq > 0;
}

const ParamRule *findRule(const std::vector<ParamRule> &rules, std::string_view name)
{
    const auto it = std::find_if(rules.begin(), rules.end(),
                                 [&](const ParamRule &r) { return r.name == name; });
    return it == rules.end() ? nullptr : &*it;
}

std::optional<std::string> readParam(const ParamRule &rule, const std::vector<std::string> &values,
                                     ParamValue &out)
{
    const std::string name = "parameter '" + rule.name + "'";
    if (rule.type == ParamType::Argv) {
        if (rule.required && (values.empty() || values.front().empty()))
            return name + " needs a command to run";
        for (const auto &word : values) {
            if (word.find('\0') != std::string::npos)
                return name + " must not contain NUL characters";
            if (!matchesFormat(rule.format, word))
                return name + " takes " + std::string(formatInfo(rule.format).expectation)
                       + ", got " + quoted(word);
        }
        out.list = values;
        return std::nullopt;
    }
    if (values.size() != 1)
        return name + " takes one value, got " + std::to_string(values.size());
    const std::string &value = values.front();
    if (isText(rule.type) && rule.required && value.empty())
        return name + " is required";
    if (isText(rule.type) && value.find('\0') != std::string::npos)
        return name + " must be text without NUL characters, got " + quoted(value);
    if (!readScalar(rule, value, out))
        return name + " must be " + expectation(rule) + ", got " + quoted(value);
    return std::nullopt;
}

std::string expectation(const ParamRule &rule)
{
    switch (rule.type) {
    case ParamType::Int:
        return "an integer" + rangeText(rule.intMin, rule.intMax);
    case ParamType::Real:
        return "a number" + rangeText(rule.realMin, rule.realMax);
    case ParamType::Bool:
        return "true or false";
    case ParamType::Choice:
        return "one of " + joined(rule.choices);
    case ParamType::Text:
    case ParamType::Path:
        return std::string(formatInfo(rule.format).expectation);
    case ParamType::Argv:
        break;
    }
    return "a program and its arguments";
}

std::optional<std::string> readParams(std::string_view kind, const std::vector<ParamRule> &rules,
                                      const std::vector<Param> &given, ParamValues &out)
{
    const std::string prefix = std::string(kind) + ": ";
    out.clear();
    for (const auto &param : given) {
        const ParamRule *rule = findRule(rules, param.key);
        if (rule == nullptr)
            return prefix + "unknown parameter " + quoted(param.key)
                   + " (known: " + ruleNames(rules) + ")";
        if (out.count(rule->name) > 0)
            return prefix + "parameter '" + rule->name + "' is given twice";
        ParamValue value = rule->defaultValue;
        if (auto problem = readParam(*rule, param.values, value))
            return prefix + *problem;
        out.emplace(rule->name, std::move(value));
    }
    for (const auto &rule : rules) {
        if (out.count(rule.name) > 0)
            continue;
        if (rule.required)
            return prefix + "parameter '" + rule.name + "' is required";
        out.emplace(rule.name, rule.defaultValue);
    }
    return std::nullopt;
}

std::string unknownKindMessage(std::string_view name, const std::vector<std::string_view> &known)
{
    return "unknown job kind " + quoted(name) + "; known kinds: " + joined(known);
}

std::string ruleNames(const std::vector<ParamRule> &rules)
{
    std::vector<std::string_view> names;
    for (const auto &rule : rules)
        names.push_back(rule.name);
    return names.empty() ? std::string("none") : joined(names);
}

std::string quoted(std::string_view value)
{
    constexpr std::size_t kMax = 80;
    std::size_t cut = std::min(value.size(), kMax);
    // Never end inside a UTF-8 sequence: back up over continuation bytes (10xxxxxx).
    while (cut < value.size() && cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xc0) == 0x80)
        --cut;
    std::string out = "'";
    out.append(value.substr(0, cut));
    if (cut < value.size())
        out += "\xe2\x80\xa6"; // an ellipsis
    out += "'";
    return out;
}

std::string formatNumber(double value)
{
    // 2^53: every whole double below it is an exact integer, printed in plain digits.
    constexpr double kExactIntegers = 9007199254740992.0;
    if (std::abs(value) < kExactIntegers && value == std::trunc(value))
        return std::to_string(static_cast<std::int64_t>(value));
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, ec == std::errc{} ? end : buffer);
}

std::optional<Region> parseRegion(std::string_view text)
{
    double numbers[4] = {};
    for (int i = 0; i < 4; ++i) {
        const std::size_t comma = i < 3 ? text.find(',') : text.size();
        if (comma == std::string_view::npos)
            return std::nullopt;
        const auto number = parseNumber<double>(trimmedSpaces(text.substr(0, comma)));
        if (!number)
            return std::nullopt;
        numbers[i] = *number;
        text.remove_prefix(i < 3 ? comma + 1 : comma);
    }
    const Region region{numbers[0], numbers[1], numbers[2], numbers[3]};
    if (!(region.xmin < region.xmax && region.ymin < region.ymax))
        return std::nullopt;
    return region;
}

std::string_view typeName(ParamType type)
{
    switch (type) {
    case ParamType::Int:
        return "int";
    case ParamType::Real:
        return "real";
    case ParamType::Text:
        return "text";
    case ParamType::Path:
        return "path";
    case ParamType::Bool:
        return "bool";
    case ParamType::Choice:
        return "choice";
    case ParamType::Argv:
        return "argv";
    }
    return "text";
}

std::optional<ParamType> typeFromName(std::string_view name)
{
    for (const auto type : {ParamType::Int, ParamType::Real, ParamType::Text, ParamType::Path,
                            ParamType::Bool, ParamType::Choice, ParamType::Argv}) {
        if (typeName(type) == name)
            return type;
    }
    return std::nullopt;
}

std::string_view formatName(TextFormat format)
{
    return formatInfo(format).name;
}

std::optional<TextFormat> formatFromName(std::string_view name)
{
    for (const auto &info : kFormats) {
        if (info.name == name)
            return info.format;
    }
    return std::nullopt;
}

void appendRuleJson(std::string &out, const ParamRule &rule)
{
    out += "{\"name\":";
    json::appendString(out, rule.name);
    out += ",\"type\":";
    json::appendString(out, typeName(rule.type));
    out += ",\"default\":";
    const ParamValue &def = rule.defaultValue;
    const auto appendBound = [&out](const char *key, const auto &bound) {
        if (!bound)
            return;
        out += key;
        json::appendNumber(out, *bound);
    };
    switch (rule.type) {
    case ParamType::Int:
        json::appendNumber(out, def.integer);
        appendBound(",\"min\":", rule.intMin);
        appendBound(",\"max\":", rule.intMax);
        break;
    case ParamType::Real:
        json::appendNumber(out, def.real);
        appendBound(",\"min\":", rule.realMin);
        appendBound(",\"max\":", rule.realMax);
        break;
    case ParamType::Bool:
        json::appendBool(out, def.flag);
        break;
    case ParamType::Choice:
        json::appendString(out, def.text);
        out += ",\"choices\":";
        json::appendStrings(out, rule.choices);
        break;
    case ParamType::Text:
    case ParamType::Path:
        json::appendString(out, def.text);
        if (rule.format != TextFormat::Any) {
            out += ",\"format\":";
            json::appendString(out, formatName(rule.format));
        }
        break;
    case ParamType::Argv:
        json::appendStrings(out, def.list);
        if (rule.format != TextFormat::Any) {
            out += ",\"format\":";
            json::appendString(out, formatName(rule.format));
        }
        break;
    }
    out += ",\"required\":";
    json::appendBool(out, rule.required);
    out += ",\"description\":";
    json::appendString(out, rule.description);
    out += '}';
}

} // namespace longrun::protocol
