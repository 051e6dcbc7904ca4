#pragma once

// The rules of job parameters, as data: what each parameter of a kind is (type, range, choices,
// structured format, default), the one function that checks what a job was given against them,
// and their JSON form (what `longrun-worker --list-kinds` prints). The worker builds its kind
// table from these rules and checks every Start request with readParams(); the app rebuilds the
// same rules from --list-kinds and checks a job with the same function before queueing it, so
// that both give the same verdict in the same words. No Qt; plain values, any thread.

#include "messages.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace longrun::protocol {

enum class ParamType { Int, Real, Text, Path, Bool, Choice, Argv };

// A text whose structure is checked here, so that a bad value is refused before a job runs,
// by the app as by the worker. Listed as "format" in the JSON.
enum class TextFormat {
    Any,
    Region,      // mandelbrot's "xmin,ymin,xmax,ymax": see parseRegion()
    Environment, // an argv of KEY=VALUE words (a command's variables): see isAssignment()
};

// One parameter's value, in the field its type says.
struct ParamValue
{
    std::int64_t integer = 0;
    double real = 0.0;
    bool flag = false;
    std::string text;              // text, path and choice
    std::vector<std::string> list; // argv
    friend bool operator==(const ParamValue &, const ParamValue &) = default;
};

struct ParamRule
{
    std::string name;
    ParamType type = ParamType::Text;
    std::string description;
    bool required = false;
    ParamValue defaultValue; // what a job that leaves the parameter out gets
    // Inclusive bounds of an int or a real; a missing one is no bound.
    std::optional<std::int64_t> intMin;
    std::optional<std::int64_t> intMax;
    std::optional<double> realMin;
    std::optional<double> realMax;
    std::vector<std::string> choices; // choice
    TextFormat format = TextFormat::Any;
    friend bool operator==(const ParamRule &, const ParamRule &) = default;
};

// The rules as a kind table writes them.
[[nodiscard]] ParamRule intRule(std::string name, std::int64_t def, std::int64_t min,
                                std::int64_t max, std::string description);
[[nodiscard]] ParamRule realRule(std::string name, double def, double min, double max,
                                 std::string description);
[[nodiscard]] ParamRule textRule(std::string name, std::string def, TextFormat format,
                                 std::string description);
[[nodiscard]] ParamRule pathRule(std::string name, bool required, std::string description);
[[nodiscard]] ParamRule boolRule(std::string name, bool def, std::string description);
[[nodiscard]] ParamRule choiceRule(std::string name, std::string def,
                                   std::vector<std::string> choices, std::string description);
[[nodiscard]] ParamRule argvRule(std::string name, std::string description);
// An optional list of KEY=VALUE words (default: none).
[[nodiscard]] ParamRule environmentRule(std::string name, std::string description);

// "KEY=VALUE" with a KEY that is not empty (VALUE may be): what an environment variable needs.
[[nodiscard]] bool isAssignment(std::string_view word);

// Every parameter of a run, defaults filled in, by name.
using ParamValues = std::map<std::string, ParamValue, std::less<>>;

[[nodiscard]] const ParamRule *findRule(const std::vector<ParamRule> &rules, std::string_view name);

// Checks one parameter's values (a scalar has exactly one) and reads them into `out`.
// Returns what is wrong ("parameter 'limit' must be an integer from 2 to 10, got 'x'"), or
// nothing. The decisions, the same for every front end since the worker runs this too:
// - int, real and bool values may have ASCII white space around them (" 100" is 100);
//   text, path, choice and argv values are taken exactly as given;
// - an int is decimal digits with an optional '-' (no '+', no exponent); a real is what
//   std::from_chars reads, finite (no "inf", no "nan"); a bool is true/false, 1/0, yes/no or
//   on/off in any case;
// - no value may hold a NUL character (the worker passes texts on to the system);
// - a required text or path must not be empty, a required argv needs a first word (the
//   program); an optional argv may be empty;
// - a structured text must match its format (TextFormat).
[[nodiscard]] std::optional<std::string> readParam(const ParamRule &rule,
                                                   const std::vector<std::string> &values,
                                                   ParamValue &out);

// What a value of the rule must be, as readParam() says it: "an integer from 2 to 10",
// "true or false", "one of crash, hang".
[[nodiscard]] std::string expectation(const ParamRule &rule);

// Checks all the parameters a job of `kind` was given and fills `out` (cleared first) with every
// parameter of the kind, defaults for the ones left out. Returns "kind: what is wrong" or nothing:
// an unknown key, a key given twice, a missing required one, or readParam()'s verdict.
[[nodiscard]] std::optional<std::string> readParams(std::string_view kind,
                                                    const std::vector<ParamRule> &rules,
                                                    const std::vector<Param> &given,
                                                    ParamValues &out);

// "unknown job kind 'x'; known kinds: primes, sleep"
[[nodiscard]] std::string unknownKindMessage(std::string_view name,
                                             const std::vector<std::string_view> &known);
// "limit, seed", or "none" for a kind without parameters.
[[nodiscard]] std::string ruleNames(const std::vector<ParamRule> &rules);
// A user's value in a message: 'value', cut after 80 bytes (at a character boundary).
[[nodiscard]] std::string quoted(std::string_view value);

// The shortest text that reads back as the same double ("0.3", not "0.29999999999999999");
// whole numbers below 2^53 in plain digits ("1000000000000", not "1e+12").
[[nodiscard]] std::string formatNumber(double value);

// mandelbrot's region "xmin,ymin,xmax,ymax": four finite numbers (white space around each is
// allowed) with xmin < xmax and ymin < ymax, or nothing.
struct Region
{
    double xmin = 0.0;
    double ymin = 0.0;
    double xmax = 0.0;
    double ymax = 0.0;
};
[[nodiscard]] std::optional<Region> parseRegion(std::string_view text);

// The names used in the JSON form: "int", "real", ...; "region" ("" for TextFormat::Any).
[[nodiscard]] std::string_view typeName(ParamType type);
[[nodiscard]] std::optional<ParamType> typeFromName(std::string_view name);
[[nodiscard]] std::string_view formatName(TextFormat format);
[[nodiscard]] std::optional<TextFormat> formatFromName(std::string_view name);

// One rule as the JSON object --list-kinds prints: name, type, default, min and max (int and
// real), choices (choice), format (a structured text), required, description.
void appendRuleJson(std::string &out, const ParamRule &rule);

} // namespace longrun::protocol
