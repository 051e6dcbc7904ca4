// The parameter rules on their own (backend/protocol/params.h): the one check that the worker
// and the app both run, its messages, the numbers and regions it reads and the JSON it writes.
// tst_catalog and tst_worker check the same rules through the real worker.

#include "params.h"

#include <QtTest/QTest>

#include <cmath>
#include <limits>

using namespace longrun::protocol;

Q_DECLARE_METATYPE(longrun::protocol::ParamRule)

namespace {

QString q(const std::optional<std::string> &text)
{
    return text ? QString::fromStdString(*text) : QString();
}

std::vector<std::string> words(const QStringList &list)
{
    std::vector<std::string> out;
    for (const QString &w : list)
        out.push_back(w.toStdString());
    return out;
}

ParamRule boundless(ParamType type, std::optional<double> min, std::optional<double> max)
{
    ParamRule rule;
    rule.name = "n";
    rule.type = type;
    if (type == ParamType::Int) {
        if (min)
            rule.intMin = static_cast<std::int64_t>(*min);
        if (max)
            rule.intMax = static_cast<std::int64_t>(*max);
    } else {
        rule.realMin = min;
        rule.realMax = max;
    }
    return rule;
}

} // namespace

class tst_Params : public QObject
{
    Q_OBJECT

private slots:
    void readParam_data()
    {
        QTest::addColumn<ParamRule>("rule");
        QTest::addColumn<QStringList>("values");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("read"); // the value read, as text

        const ParamRule limit = intRule("limit", 10, 2, 100, "");
        const QString limitMessage =
            QStringLiteral("parameter 'limit' must be an integer from 2 to 100, got '%1'");
        QTest::newRow("int") << limit << QStringList{"42"} << ""
                             << "42";
        QTest::newRow("int, bounds included") << limit << QStringList{"100"} << ""
                                              << "100";
        QTest::newRow("int, spaces around") << limit << QStringList{" \t42\r\n"} << ""
                                            << "42";
        QTest::newRow("int, negative bound")
            << intRule("t", 0, -5, 5, "") << QStringList{"-5"} << ""
            << "-5";
        for (const char *bad : {"1", "101", "4 2", "+42", "42.0", "4e1", "0x2a", "", " "})
            QTest::addRow("int '%s'", bad)
                << limit << QStringList{bad} << limitMessage.arg(bad) << "";
        QTest::newRow("int, no bounds") << boundless(ParamType::Int, {}, {}) << QStringList{"x"}
                                        << "parameter 'n' must be an integer, got 'x'"
                                        << "";
        QTest::newRow("int, a lower bound")
            << boundless(ParamType::Int, 3, {}) << QStringList{"1"}
            << "parameter 'n' must be an integer of at least 3, got '1'"
            << "";
        QTest::newRow("real, an upper bound")
            << boundless(ParamType::Real, {}, 0.5) << QStringList{"0.6"}
            << "parameter 'n' must be a number of at most 0.5, got '0.6'"
            << "";

        const ParamRule delay = realRule("delay", 0.3, 0.1, 3600, "");
        QTest::newRow("real") << delay << QStringList{"0.25"} << ""
                              << "0.25";
        QTest::newRow("real, exponent") << delay << QStringList{" 1e3 "} << ""
                                        << "1000";
        for (const char *bad : {"nan", "inf", "-inf", "0.05", "1,5", "0.3s", ""})
            QTest::addRow("real '%s'", bad)
                << delay << QStringList{bad}
                << QStringLiteral("parameter 'delay' must be a number from 0.1 to 3600, got '%1'")
                       .arg(bad)
                << "";

        const ParamRule tty = boolRule("tty", true, "");
        for (const char *yes : {"true", "TRUE", " yes ", "on", "1"})
            QTest::addRow("bool '%s'", yes) << tty << QStringList{yes} << ""
                                            << "true";
        for (const char *no : {"false", "No", "off\t", "0"})
            QTest::addRow("bool '%s'", no) << tty << QStringList{no} << ""
                                           << "false";
        QTest::newRow("bool, other")
            << tty << QStringList{"y"} << "parameter 'tty' must be true or false, got 'y'"
            << "";

        const ParamRule mode = choiceRule("mode", "a", {"a", "b c"}, "");
        QTest::newRow("choice") << mode << QStringList{"b c"} << ""
                                << "b c";
        QTest::newRow("choice, spaces are part of it")
            << mode << QStringList{" a"} << "parameter 'mode' must be one of a, b c, got ' a'"
            << "";

        const ParamRule title = textRule("title", "", TextFormat::Any, "");
        QTest::newRow("text, taken as given") << title << QStringList{" a b "} << ""
                                              << " a b ";
        QTest::newRow("text, empty") << title << QStringList{""} << ""
                                     << "";
        QTest::newRow("text, NUL")
            << title << QStringList{QString("a") + QChar(0)}
            << QString("parameter 'title' must be text without NUL characters, got 'a") + QChar(0)
                   + "'"
            << "";
        const ParamRule path = pathRule("path", true, "");
        QTest::newRow("required path, empty")
            << path << QStringList{""} << "parameter 'path' is required"
            << "";
        QTest::newRow("optional path, empty") << pathRule("cwd", false, "") << QStringList{""} << ""
                                              << "";

        const ParamRule region = textRule("region", "0,0,1,1", TextFormat::Region, "");
        QTest::newRow("region") << region << QStringList{" -2, -1 ,1,1 "} << ""
                                << " -2, -1 ,1,1 ";
        for (const char *bad : {"1,0,0,1", "0,0,0,1", "0,0,1", "0,0,1,1,1", ",0,1,1", "0,0,1,x"})
            QTest::addRow("region '%s'", bad)
                << region << QStringList{bad}
                << QStringLiteral("parameter 'region' must be four numbers xmin,ymin,xmax,ymax "
                                  "with xmin < xmax and ymin < ymax, got '%1'")
                       .arg(bad)
                << "";

        const ParamRule argv = argvRule("argv", "");
        QTest::newRow("argv") << argv << QStringList{"sh", "-c", ""} << ""
                              << "sh -c ";
        QTest::newRow("argv, none")
            << argv << QStringList{} << "parameter 'argv' needs a command to run"
            << "";
        QTest::newRow("argv, empty program")
            << argv << QStringList{"", "x"} << "parameter 'argv' needs a command to run"
            << "";
        QTest::newRow("argv, NUL") << argv << QStringList{"echo", QString("a") + QChar(0)}
                                   << "parameter 'argv' must not contain NUL characters"
                                   << "";

        QTest::newRow("scalar, two values")
            << limit << QStringList{"3", "4"} << "parameter 'limit' takes one value, got 2"
            << "";
        QTest::newRow("scalar, no value")
            << limit << QStringList{} << "parameter 'limit' takes one value, got 0"
            << "";
    }

    void readParam()
    {
        QFETCH(ParamRule, rule);
        QFETCH(QStringList, values);
        QFETCH(QString, message);
        QFETCH(QString, read);

        ParamValue value = rule.defaultValue;
        QCOMPARE(q(longrun::protocol::readParam(rule, words(values), value)), message);
        if (!message.isEmpty())
            return;
        switch (rule.type) {
        case ParamType::Int:
            QCOMPARE(QString::number(value.integer), read);
            break;
        case ParamType::Real:
            QCOMPARE(QString::fromStdString(longrun::protocol::formatNumber(value.real)), read);
            break;
        case ParamType::Bool:
            QCOMPARE(value.flag ? QStringLiteral("true") : QStringLiteral("false"), read);
            break;
        case ParamType::Argv: {
            QStringList list;
            for (const auto &w : value.list)
                list << QString::fromStdString(w);
            QCOMPARE(list.join(' '), read);
            break;
        }
        default:
            QCOMPARE(QString::fromStdString(value.text), read);
        }
    }

    // A whole kind: defaults filled in, and the order in which problems are named.
    void readParams()
    {
        const std::vector<ParamRule> rules = {intRule("limit", 10, 2, 100, ""),
                                              pathRule("path", true, ""),
                                              boolRule("tty", true, "")};
        ParamValues values;
        QCOMPARE(q(longrun::protocol::readParams("k", rules, {{"path", {"/x"}}}, values)),
                 QString());
        QCOMPARE(values.size(), std::size_t{3});
        QCOMPARE(values.at("limit").integer, 10);
        QCOMPARE(values.at("path").text, std::string("/x"));
        QVERIFY(values.at("tty").flag);

        QCOMPARE(q(longrun::protocol::readParams("k", rules, {{"limit", {"3"}}}, values)),
                 QStringLiteral("k: parameter 'path' is required"));
        QCOMPARE(q(longrun::protocol::readParams("k", rules, {{"nope", {"3"}}, {"limit", {"x"}}},
                                                 values)),
                 QStringLiteral("k: unknown parameter 'nope' (known: limit, path, tty)"));
        QCOMPARE(q(longrun::protocol::readParams("k", rules, {{"limit", {"x"}}, {"limit", {"3"}}},
                                                 values)),
                 QStringLiteral("k: parameter 'limit' must be an integer from 2 to 100, got 'x'"));
        QCOMPARE(
            q(longrun::protocol::readParams("k", rules, {{"tty", {"1"}}, {"tty", {"0"}}}, values)),
            QStringLiteral("k: parameter 'tty' is given twice"));
        QCOMPARE(q(longrun::protocol::readParams("none", {}, {{"x", {"1"}}}, values)),
                 QStringLiteral("none: unknown parameter 'x' (known: none)"));
    }

    void formatNumber_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("text");
        QTest::newRow("0.3") << 0.3 << "0.3";
        QTest::newRow("0.1 + 0.2") << 0.1 + 0.2 << "0.30000000000000004";
        QTest::newRow("whole") << 86400.0 << "86400";
        QTest::newRow("10^12, no exponent") << 1e12 << "1000000000000";
        QTest::newRow("2^53 - 1") << 9007199254740991.0 << "9007199254740991";
        QTest::newRow("large") << 1e300 << "1e+300";
        QTest::newRow("small") << 1e-7 << "1e-07";
        QTest::newRow("negative") << -2.5 << "-2.5";
        QTest::newRow("minus zero") << -0.0 << "0";
    }

    void formatNumber()
    {
        QFETCH(double, value);
        QFETCH(QString, text);
        const std::string printed = longrun::protocol::formatNumber(value);
        QCOMPARE(QString::fromStdString(printed), text);
        QCOMPARE(std::stod(printed), value); // reads back as the same double
    }

    void parseRegion()
    {
        const auto region = longrun::protocol::parseRegion("-2.5, -1.25 ,1,1.25");
        QVERIFY(region);
        QCOMPARE(region->xmin, -2.5);
        QCOMPARE(region->ymin, -1.25);
        QCOMPARE(region->xmax, 1.0);
        QCOMPARE(region->ymax, 1.25);
        QVERIFY(!longrun::protocol::parseRegion("0,0,1,1e999"));
        QVERIFY(!longrun::protocol::parseRegion("0,0,1,1 x"));
    }

    void quoted()
    {
        QCOMPARE(longrun::protocol::quoted("abc"), std::string("'abc'"));
        QCOMPARE(longrun::protocol::quoted(std::string(80, 'x')), "'" + std::string(80, 'x') + "'");
        QCOMPARE(longrun::protocol::quoted(std::string(81, 'x')),
                 "'" + std::string(80, 'x') + "\xe2\x80\xa6'");
        // 79 bytes, then a two-byte character across the cut: it goes whole.
        QCOMPARE(longrun::protocol::quoted(std::string(79, 'x') + "\xc3\xa9" + "y"),
                 "'" + std::string(79, 'x') + "\xe2\x80\xa6'");
    }

    void names()
    {
        for (const auto type : {ParamType::Int, ParamType::Real, ParamType::Text, ParamType::Path,
                                ParamType::Bool, ParamType::Choice, ParamType::Argv})
            QCOMPARE(typeFromName(typeName(type)), type);
        QCOMPARE(typeFromName("list"), std::nullopt);
        QCOMPARE(formatFromName(""), TextFormat::Any);
        QCOMPARE(formatFromName("region"), TextFormat::Region);
        QCOMPARE(formatFromName("date"), std::nullopt);
    }

    void ruleJson_data()
    {
        QTest::addColumn<ParamRule>("rule");
        QTest::addColumn<QString>("json");
        QTest::newRow("int") << intRule("n", 5, 1, std::int64_t{1} << 62, "A count.")
                             << R"({"name":"n","type":"int","default":5,"min":1,)"
                                R"("max":4611686018427387904,"required":false,)"
                                R"("description":"A count."})";
        QTest::newRow("real") << realRule("d", 0.3, 0, 3600, "")
                              << R"({"name":"d","type":"real","default":0.3,"min":0,"max":3600,)"
                                 R"("required":false,"description":""})";
        QTest::newRow("real, no bounds")
            << boundless(ParamType::Real, {}, {})
            << R"({"name":"n","type":"real","default":0,"required":false,"description":""})";
        QTest::newRow("region") << textRule("r", "0,0,1,1", TextFormat::Region, "")
                                << R"({"name":"r","type":"text","default":"0,0,1,1",)"
                                   R"("format":"region","required":false,"description":""})";
        QTest::newRow("choice") << choiceRule("m", "a", {"a", "b"}, "")
                                << R"({"name":"m","type":"choice","default":"a",)"
                                   R"("choices":["a","b"],"required":false,"description":""})";
        QTest::newRow("argv") << argvRule("argv", "")
                              << R"({"name":"argv","type":"argv","default":[],"required":true,)"
                                 R"("description":""})";
        QTest::newRow("bool") << boolRule("tty", true, "")
                              << R"({"name":"tty","type":"bool","default":true,)"
                                 R"("required":false,"description":""})";
    }

    void ruleJson()
    {
        QFETCH(ParamRule, rule);
        QFETCH(QString, json);
        std::string out;
        appendRuleJson(out, rule);
        QCOMPARE(QString::fromStdString(out), json);
    }
};

QTEST_GUILESS_MAIN(tst_Params)
#include "tst_params.moc"
