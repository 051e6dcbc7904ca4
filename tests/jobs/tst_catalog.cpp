// The catalog as the real worker reports it, and every way a job can be written wrong.

#include "framing.h"
#include "jobs/catalog.h"
#include "jobs/specbuilder.h"
#include "procutil.h"

#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

using namespace longrun;

namespace {

// What the real worker said to a Start request: its Error's message, or that it sent a Result.
struct WorkerVerdict
{
    bool finished = false;
    int exitCode = -1;
    bool hello = false; // the first frame, as always
    bool result = false;
    QString error;
};

WorkerVerdict askWorker(const QString &kind, const QList<JobParam> &params)
{
    protocol::Start start;
    start.kind = kind.toStdString();
    for (const JobParam &p : params) {
        protocol::Param param{p.key.toStdString(), {}};
        for (const QString &v : p.values)
            param.values.push_back(v.toStdString());
        start.params.push_back(param);
    }
    WorkerVerdict verdict;
    QProcess process;
    process.start(test::workerPath(), {});
    if (!process.waitForStarted(test::kHangMs))
        return verdict;
    const std::string frame = protocol::encodeFrame(protocol::ParentMessage{start});
    process.write(frame.data(), static_cast<qint64>(frame.size()));
    // stdin stays open: the worker takes a closed stdin for a cancel.
    verdict.finished = process.waitForFinished(test::kHangMs);
    verdict.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    const QByteArray out = process.readAllStandardOutput();
    protocol::WorkerFrameDecoder decoder;
    decoder.feed(out.constData(), static_cast<std::size_t>(out.size()));
    for (int i = 0; auto message = decoder.next(); ++i) {
        verdict.hello =
            verdict.hello || (i == 0 && std::holds_alternative<protocol::Hello>(*message));
        if (const auto *error = std::get_if<protocol::Error>(&*message))
            verdict.error = QString::fromStdString(error->message);
        verdict.result = verdict.result || std::holds_alternative<protocol::Result>(*message);
    }
    return verdict;
}

// "key=value" rows; "\x1f" separates the words of an argv.
QList<JobParam> jobParams(const QStringList &pairs)
{
    QList<JobParam> params;
    for (const QString &pair : pairs) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        const QString key = pair.left(eq);
        const QString value = pair.mid(eq + 1);
        const bool isList = key == u"argv" || key == u"env";
        params << JobParam{
            key, isList && value.isEmpty() ? QStringList{} : value.split(QLatin1Char('\x1f')),
            isList};
    }
    return params;
}

// The same job in the CLI's JOB syntax, when it can be written in it (no comma in a scalar,
// an argv last).
std::optional<QString> jobText(const QString &kind, const QList<JobParam> &params)
{
    QStringList parts;
    for (const JobParam &p : params) {
        if (p.isList && &p != &params.last())
            return std::nullopt;
        if (p.isList) {
            QStringList words;
            for (const QString &w : p.values)
                words << shellQuote(w);
            parts << p.key + QLatin1Char('=') + words.join(QLatin1Char(' '));
        } else if (p.values.size() == 1 && !p.values.first().contains(QLatin1Char(','))) {
            parts << p.key + QLatin1Char('=') + p.values.first();
        } else {
            return std::nullopt;
        }
    }
    return parts.isEmpty() ? kind : kind + QLatin1Char(':') + parts.join(QLatin1Char(','));
}

} // namespace

class tst_Catalog : public QObject
{
    Q_OBJECT

    Catalog m_catalog;

private slots:
    void initTestCase()
    {
        QString error;
        const auto catalog = Catalog::load({test::workerPath(), {}}, &error);
        QVERIFY2(catalog, qPrintable(error));
        m_catalog = *catalog;
    }

    void catalogFromWorker()
    {
        QCOMPARE(m_catalog.protocol, 1);
        QCOMPARE(m_catalog.kindNames(), QStringList({"primes", "montecarlo-pi", "mandelbrot",
                                                     "checksum", "sleep", "command", "fault"}));
        const ParamSpec *limit = m_catalog.find("primes")->param("limit");
        QVERIFY(limit);
        QCOMPARE(limit->type, QStringLiteral("int"));
        QCOMPARE(limit->defaultText(), QStringLiteral("10000000"));
        QCOMPARE(*limit->min, 2.0);
        QVERIFY(m_catalog.find("checksum")->param("path")->required);
        QVERIFY(m_catalog.find("fault")->param("mode")->choices.contains("crash"));
        // The shortest text that reads back the same, not 0.29999999999999999.
        QCOMPARE(m_catalog.find("fault")->param("delay")->defaultText(), QStringLiteral("0.3"));
        QCOMPARE(m_catalog.find("sleep")->param("seconds")->defaultText(), QStringLiteral("5"));
        QCOMPARE(m_catalog.find("montecarlo-pi")->param("seed")->rule.intMax,
                 std::int64_t{1} << 62);
        QCOMPARE(m_catalog.find("mandelbrot")->param("region")->rule.format,
                 protocol::TextFormat::Region);
        QCOMPARE(m_catalog.find("command")->param("tty")->defaultText(), QStringLiteral("true"));
        // The worker's extra field on the command kind only (an older catalog has none).
        const QString containment = m_catalog.find("command")->containment;
        QVERIFY2(containment.startsWith("pid-namespace") || containment.startsWith("subreaper: "),
                 qPrintable(containment));
        QCOMPARE(m_catalog.find("sleep")->containment, QString());
    }

    // The rules rebuilt from --list-kinds are the worker's: written back as JSON they give the
    // worker's own text, parameter by parameter.
    void rulesRoundTrip()
    {
        QProcess process;
        process.start(test::workerPath(), {"--list-kinds"});
        QVERIFY(process.waitForFinished(test::kHangMs));
        const QByteArray listed = process.readAllStandardOutput();
        QVERIFY(listed.contains(R"("name":"delay","type":"real","default":0.3,"min":0,)"));
        QVERIFY(listed.contains(R"("default":"-2.5,-1.25,1,1.25","format":"region",)"));
        int count = 0;
        for (const KindSpec &kind : m_catalog.kinds) {
            QCOMPARE(kind.rules.size(), static_cast<std::size_t>(kind.params.size()));
            for (const protocol::ParamRule &rule : kind.rules) {
                std::string json;
                protocol::appendRuleJson(json, rule);
                QVERIFY2(listed.contains(QByteArray::fromStdString(json)), json.c_str());
                ++count;
            }
        }
        QCOMPARE(count, 17);
    }

    // The jobs-file fuzzer checks against a copy of the catalog; it must not drift.
    void fuzzCatalogIsCurrent()
    {
        QFile file(QStringLiteral(QT_TESTCASE_SOURCEDIR "/../fuzz/catalog.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QString error;
        const auto copy = Catalog::parse(file.readAll(), &error);
        QVERIFY2(copy, qPrintable(error));
        QCOMPARE(copy->kindNames(), m_catalog.kindNames());
        for (const KindSpec &kind : m_catalog.kinds)
            QCOMPARE(copy->find(kind.name)->paramNames(), kind.paramNames());
    }

    void missingWorker()
    {
        QString error;
        QVERIFY(!Catalog::load({"/nonexistent/worker", {}}, &error));
        QVERIFY2(error.startsWith("cannot start the worker '/nonexistent/worker'"),
                 qPrintable(error));
    }

    void splitCommandLine_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QStringList>("words");
        QTest::newRow("plain") << "ls -l /tmp" << QStringList{"ls", "-l", "/tmp"};
        QTest::newRow("single quotes")
            << "sh -c 'echo a, b; exit 3'" << QStringList{"sh", "-c", "echo a, b; exit 3"};
        QTest::newRow("double quotes")
            << "echo \"a \\\"b\\\" $x\"" << QStringList{"echo", "a \"b\" $x"};
        QTest::newRow("backslash") << "echo a\\ b c\\\\d" << QStringList{"echo", "a b", "c\\d"};
        QTest::newRow("adjacent") << "a'b'\"c\"d" << QStringList{"abcd"};
        QTest::newRow("empty word") << "printf '' x" << QStringList{"printf", "", "x"};
        QTest::newRow("spaces") << "   a   b  " << QStringList{"a", "b"};
    }

    void splitCommandLine()
    {
        QFETCH(QString, line);
        QFETCH(QStringList, words);
        const auto split = longrun::splitCommandLine(line);
        QVERIFY(split);
        QCOMPARE(*split, words);
        // Quoting each word gives a line that splits back the same.
        QStringList quoted;
        for (const QString &w : words)
            quoted << shellQuote(w);
        QCOMPARE(*longrun::splitCommandLine(quoted.join(' ')), words);
    }

    void unterminatedQuote()
    {
        QString error;
        QVERIFY(!longrun::splitCommandLine("sh -c 'oops", &error));
        QCOMPARE(error, QStringLiteral("unterminated ' quote in the command"));
    }

    // Every way the rules can refuse a job, and the spaces and regions that drifted once: the
    // app (KindSpec::check, the CLI's JOB syntax and the window's form) and the real worker
    // (a Start frame) give the same verdict in the same words. "" means accepted: then the
    // worker runs the job to its Result.
    void sameVerdictAsTheWorker_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QStringList>("params");
        QTest::addColumn<QString>("message");

        const QString limit =
            QStringLiteral("primes: parameter 'limit' must be an integer from 2 to 1000000000000, "
                           "got '%1'");
        const QString seconds =
            QStringLiteral("sleep: parameter 'seconds' must be a number from 0 to 86400, got '%1'");
        const QString region = QStringLiteral(
            "mandelbrot: parameter 'region' must be four numbers xmin,ymin,xmax,ymax with "
            "xmin < xmax and ymin < ymax, got '%1'");
        const QString tiny = QStringLiteral("width=16,height=16,iterations=1");

        QTest::newRow("int, spaces around") << "primes" << QStringList{"limit= 100"} << "";
        QTest::newRow("int, tab and newline") << "primes" << QStringList{"limit=\t100\n"} << "";
        QTest::newRow("real, spaces around")
            << "sleep" << QStringList{"seconds= 0 ", "steps=1"} << "";
        QTest::newRow("bool, spaces around")
            << "command" << QStringList{"tty= No ", "argv=true"} << "";
        QTest::newRow("region, spaces around")
            << "mandelbrot" << (tiny.split(',') << "region= -2 , -1 , 1 , 1 ") << "";
        QTest::newRow("path") << "checksum" << QStringList{"path=/dev/null"} << "";

        QTest::newRow("unknown kind")
            << "primez" << QStringList{}
            << "unknown job kind 'primez'; known kinds: primes, montecarlo-pi, mandelbrot, "
               "checksum, sleep, command, fault";
        QTest::newRow("unknown param")
            << "primes" << QStringList{"lim=3"} << "primes: unknown parameter 'lim' (known: limit)";
        QTest::newRow("unknown param, two known")
            << "montecarlo-pi" << QStringList{"sample=5"}
            << "montecarlo-pi: unknown parameter 'sample' (known: samples, seed)";
        for (const char *bad : {"abc", "1", "1000000000001", "99999999999999999999999", "100x",
                                "1 00", "+100", "1e3", "10000000000000", ""})
            QTest::addRow("int '%s'", bad)
                << "primes" << QStringList{QStringLiteral("limit=") + bad} << limit.arg(bad);
        for (const char *bad : {"nan", "inf", "-1", "86400.5", "0.3s", ""})
            QTest::addRow("real '%s'", bad)
                << "sleep" << QStringList{QStringLiteral("seconds=") + bad} << seconds.arg(bad);
        QTest::newRow("real, another kind's bounds")
            << "fault" << QStringList{"delay=0.3s"}
            << "fault: parameter 'delay' must be a number from 0 to 3600, got '0.3s'";
        QTest::newRow("bool") << "command" << QStringList{"tty=maybe", "argv=true"}
                              << "command: parameter 'tty' must be true or false, got 'maybe'";
        QTest::newRow("choice")
            << "fault" << QStringList{"mode=explode"}
            << "fault: parameter 'mode' must be one of crash, abort, exception, hang, "
               "ignore-sigterm, garbage, exit-nonzero, exit-zero, stderr-flood, oversized-frame, "
               "progress-nan, progress-range, after-result, truncated, linger, leave-child, got "
               "'explode'";
        QTest::newRow("choice with a space") << "fault" << QStringList{"mode=crash "}
                                             << "fault: parameter 'mode' must be one of crash, "
                                                "abort, exception, hang, ignore-sigterm, garbage, "
                                                "exit-nonzero, exit-zero, stderr-flood, "
                                                "oversized-frame, progress-nan, progress-range, "
                                                "after-result, truncated, linger, leave-child, "
                                                "got 'crash '";
        for (const char *bad : {"1,0,0,1", "0,1,1,1", "0,0,1", "0,0,1,1,2", "0,0,1,1,", "0,0,1,nan",
                                "0,0,inf,1", "a,b,c,d", "0;0;1;1", ""})
            QTest::addRow("region '%s'", bad)
                << "mandelbrot" << QStringList{QStringLiteral("region=") + bad} << region.arg(bad);
        QTest::newRow("NUL in a path")
            << "checksum" << QStringList{QStringLiteral("path=a") + QChar(0) + QLatin1Char('b')}
            << QStringLiteral("checksum: parameter 'path' must be text without NUL characters, "
                              "got 'a")
                   + QChar(0) + QStringLiteral("b'");
        QTest::newRow("required") << "checksum" << QStringList{}
                                  << "checksum: parameter 'path' is required";
        QTest::newRow("required, empty")
            << "checksum" << QStringList{"path="} << "checksum: parameter 'path' is required";
        QTest::newRow("env words") << "command"
                                   << QStringList{"env=A=1\x1f"
                                                  "B=\x1f"
                                                  "C==",
                                                  "argv=true"}
                                   << "";
        QTest::newRow("env, none") << "command" << QStringList{"env=", "argv=true"} << "";
        QTest::newRow("env without '='")
            << "command"
            << QStringList{"env=A=1\x1f"
                           "B",
                           "argv=true"}
            << "command: parameter 'env' takes KEY=VALUE words, got 'B'";
        QTest::newRow("env without a name")
            << "command" << QStringList{"argv=true", "env==1"}
            << "command: parameter 'env' takes KEY=VALUE words, got '=1'";
        QTest::newRow("missing argv")
            << "command" << QStringList{"tty=false"} << "command: parameter 'argv' is required";
        QTest::newRow("empty argv") << "command" << QStringList{"argv="}
                                    << "command: parameter 'argv' needs a command to run";
        QTest::newRow("NUL in argv")
            << "command" << QStringList{QStringLiteral("argv=echo\x1f") + QChar(0)}
            << "command: parameter 'argv' must not contain NUL characters";
        QTest::newRow("twice") << "primes" << QStringList{"limit=5", "limit=6"}
                               << "primes: parameter 'limit' is given twice";
        QTest::newRow("two values") << "primes"
                                    << QStringList{"limit=5\x1f"
                                                   "6"}
                                    << "primes: parameter 'limit' takes one value, got 2";
        // A long value is cut in the message after 80 bytes, never inside a character.
        const QString longValue = QLatin1Char('a') + QString(50, QChar(0xe9));
        QTest::newRow("long value") << "primes" << QStringList{"limit=" + longValue}
                                    << limit.arg(longValue.left(40) + QChar(0x2026));
    }

    void sameVerdictAsTheWorker()
    {
        QFETCH(QString, kind);
        QFETCH(QStringList, params);
        QFETCH(QString, message);
        const QList<JobParam> given = jobParams(params);

        const KindSpec *spec = m_catalog.find(kind);
        QCOMPARE(spec ? spec->check(given) : m_catalog.unknownKindMessage(kind), message);

        if (const std::optional<QString> job = jobText(kind, given)) {
            QString problem;
            const auto parsed = parseJobArgument(*job, m_catalog, &problem);
            QCOMPARE(problem, message);
            QCOMPARE(parsed.has_value(), message.isEmpty());
        }
        QVariantMap form;
        for (const JobParam &p : given) {
            if (form.contains(p.key) || (!p.isList && p.values.size() != 1)
                || p.values.value(0).isEmpty()) {
                form.clear(); // not a form: an empty field would mean the default there
                break;
            }
            QStringList words;
            for (const QString &w : p.values)
                words << (p.isList ? shellQuote(w) : w);
            form.insert(p.key, words.join(QLatin1Char(' ')));
        }
        if (!form.isEmpty() || given.isEmpty()) {
            QString problem;
            const auto built = specFromForm(m_catalog, kind, form, &problem);
            QCOMPARE(problem, message);
            QCOMPARE(built.has_value(), message.isEmpty());
        }

        const WorkerVerdict worker = askWorker(kind, given);
        QVERIFY(worker.finished);
        QVERIFY(worker.hello);
        QCOMPARE(worker.error, message);
        QCOMPARE(worker.result, message.isEmpty());
        QCOMPARE(worker.exitCode, message.isEmpty() ? 0 : 1);
    }

    void jobArgument_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("described");
        QTest::newRow("kind only") << "mandelbrot"
                                   << ""
                                   << "";
        QTest::newRow("params") << "primes:limit=1000"
                                << ""
                                << "limit=1000";
        QTest::newRow("argv takes the rest") << "command:cwd=/tmp,argv=sh -c 'echo a, b'"
                                             << ""
                                             << "cwd=/tmp, argv=sh -c 'echo a, b'";
        QTest::newRow("no equals") << "primes:limit"
                                   << "primes: expected key=value, got 'limit'"
                                   << "";
        QTest::newRow("open quote") << "command:argv=sh -c 'x"
                                    << "unterminated ' quote in the command"
                                    << "";
        // A value that starts with a quote ends at the matching one, commas and all.
        QTest::newRow("single-quoted region") << "mandelbrot:region='-1,-1,1,1',width=64"
                                              << ""
                                              << "region=-1,-1,1,1, width=64";
        QTest::newRow("double-quoted, escapes") << "checksum:path=\"a,\\\"b\\\\c\\d\""
                                                << ""
                                                << "path=a,\"b\\c\\d";
        QTest::newRow("single quotes keep backslashes") << "checksum:path='a\\',width=1"
                                                        << "checksum: unknown parameter 'width'"
                                                        << "";
        QTest::newRow("quoted last, spaces after") << "checksum:path='a, b'  "
                                                   << ""
                                                   << "path=a, b";
        QTest::newRow("empty quoted") << "mandelbrot:width=64,region=''"
                                      << "mandelbrot: parameter 'region' must be four numbers"
                                      << "";
        QTest::newRow("quote inside a value") << "checksum:path=it's"
                                              << ""
                                              << "path=it's";
        QTest::newRow("unterminated value quote")
            << "mandelbrot:region=\"-1,-1,1,1"
            << "mandelbrot: unterminated \" quote in the value of 'region'"
            << "";
        QTest::newRow("text after the quote")
            << "mandelbrot:region='-1,-1,1,1'x,width=64"
            << "mandelbrot: expected ',' after the quoted value of 'region', got 'x'"
            << "";
    }

    void jobArgument()
    {
        QFETCH(QString, text);
        QFETCH(QString, error);
        QFETCH(QString, described);
        QString problem;
        const auto spec = parseJobArgument(text, m_catalog, &problem);
        if (error.isEmpty()) {
            QVERIFY2(spec, qPrintable(problem));
            QCOMPARE(spec->describeParams(), described);
        } else {
            QVERIFY(!spec);
            QVERIFY2(problem.startsWith(error), qPrintable(problem));
        }
    }

    void jobsFile_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("ok") << QByteArray(R"([{"kind": "primes", "params": {"limit": 1000000}},
            {"kind": "command", "params": {"argv": ["sh", "-c", "exit 0"], "tty": false}},
            {"kind": "command", "params": {"argv": "echo 'a b'"}}, {"kind": "mandelbrot"}])")
                            << "";
        QTest::newRow("syntax") << QByteArray("[\n  {\"kind\": \"primes\",,}\n]")
                                << "jobs.json: line 2, column 22: invalid JSON: ";
        QTest::newRow("not an array")
            << QByteArray(R"({"kind": "primes"})") << "jobs.json: expected a JSON array of jobs";
        QTest::newRow("not an object")
            << QByteArray(R"([{"kind": "primes"}, 3])")
            << "jobs.json: job 2: expected an object with \"kind\" and \"params\"";
        QTest::newRow("no kind")
            << QByteArray(R"([{"params": {}}])")
            << "jobs.json: job 1: field 'kind' must be a string naming a job kind";
        QTest::newRow("unknown kind") << QByteArray(R"([{"kind": "nope"}])")
                                      << "jobs.json: job 1: field 'kind': unknown job kind 'nope'";
        QTest::newRow("unknown field") << QByteArray(R"([{"kind": "primes", "parms": {}}])")
                                       << "jobs.json: job 1: unknown field 'parms'";
        QTest::newRow("params not object") << QByteArray(R"([{"kind": "primes", "params": [1]}])")
                                           << "jobs.json: job 1: field 'params' must be an object";
        QTest::newRow("unknown param")
            << QByteArray(R"([{"kind": "primes", "params": {"max": 3}}])")
            << "jobs.json: job 1: field 'params.max': unknown parameter for primes (known: limit)";
        QTest::newRow("wrong type")
            << QByteArray(R"([{"kind": "primes", "params": {"limit": true}}])")
            << "jobs.json: job 1: primes: parameter 'limit' must be an integer from 2 to "
               "1000000000000, got true";
        // An int needs a JSON number, a bool a JSON bool: a string is refused, as the README
        // says, with a hint where the text itself would do.
        QTest::newRow("int as a string")
            << QByteArray(R"([{"kind": "primes", "params": {"limit": "1000"}}])")
            << "jobs.json: job 1: primes: parameter 'limit' must be an integer from 2 to "
               "1000000000000, got the string \"1000\" (write it without quotes)";
        QTest::newRow("real as a string")
            << QByteArray(R"([{"kind": "sleep", "params": {"seconds": "soon"}}])")
            << "jobs.json: job 1: sleep: parameter 'seconds' must be a number from 0 to 86400, "
               "got the string \"soon\"";
        QTest::newRow("bool as a string")
            << QByteArray(R"([{"kind": "command", "params": {"argv": "true", "tty": "false"}}])")
            << "jobs.json: job 1: command: parameter 'tty' must be true or false, got the string "
               "\"false\" (write it without quotes)";
        QTest::newRow("path as a number")
            << QByteArray(R"([{"kind": "checksum", "params": {"path": 3}}])")
            << "jobs.json: job 1: checksum: parameter 'path' must be a string, got the number 3";
        QTest::newRow("choice as a list")
            << QByteArray(R"([{"kind": "fault", "params": {"mode": ["crash"]}}])")
            << "jobs.json: job 1: fault: parameter 'mode' must be one of crash, abort, ";
        QTest::newRow("argv as an object")
            << QByteArray(R"([{"kind": "command", "params": {"argv": {}}}])")
            << "jobs.json: job 1: command: parameter 'argv' must be a list of strings or a "
               "command line, got an object";
        QTest::newRow("argv with an open quote")
            << QByteArray("[{\"kind\": \"command\", \"params\": {\"argv\": \"sh -c 'x\"}}]")
            << "jobs.json: job 1: field 'params.argv': unterminated ' quote in the command";
        QTest::newRow("bad region")
            << QByteArray(R"([{"kind": "mandelbrot", "params": {"region": "1,0,0,1"}}])")
            << "jobs.json: job 1: mandelbrot: parameter 'region' must be four numbers "
               "xmin,ymin,xmax,ymax with xmin < xmax and ymin < ymax, got '1,0,0,1'";
        QTest::newRow("out of range")
            << QByteArray(R"([{"kind":"sleep"},{"kind": "primes", "params": {"limit": 1e13}}])")
            << "jobs.json: job 2: primes: parameter 'limit' must be an integer from 2 to "
               "1000000000000, got '10000000000000'";
        QTest::newRow("argv element")
            << QByteArray(R"([{"kind": "command", "params": {"argv": ["a", 3]}}])")
            << "jobs.json: job 1: field 'params.argv': element 2 of 'argv' must be a string";
        QTest::newRow("null")
            << QByteArray(R"([{"kind": "sleep", "params": {"seconds": null}}])")
            << "jobs.json: job 1: sleep: parameter 'seconds' must be a number from 0 to 86400, "
               "got null";
        // QJsonDocument keeps the last of two equal keys; the file is refused instead.
        QTest::newRow("kind twice") << QByteArray(R"([{"kind": "primes", "kind": "sleep"}])")
                                    << "jobs.json: job 1: field 'kind' is given twice";
        QTest::newRow("param twice")
            << QByteArray(R"([{"kind": "sleep"}, {"kind": "sleep", "params":
                {"seconds": 1, "seconds": 2}}])")
            << "jobs.json: job 2: field 'params.seconds' is given twice";
        QTest::newRow("twice, spelt with an escape")
            << QByteArray(
                   "[{\"kind\": \"sleep\", \"params\": {\"seconds\": 1, \"second\\u0073\": 2}}]")
            << "jobs.json: job 1: field 'params.seconds' is given twice";
        // Keys of other objects, strings that look like JSON and escaped quotes are no keys.
        QTest::newRow("twice after tricky strings")
            << QByteArray("[{\"kind\": \"command\", \"params\": {\"argv\": [\"{\\\"kind\\\": 1,\", "
                          "\"}]\", \"[1, {\\\"a\\\": 1}]\"]}}, {\"kind\": \"sleep\", "
                          "\"params\": {\"seconds\": 0}}, {\"kind\": \"sleep\", \"params\": "
                          "{\"seconds\": 0}, \"params\": {}}]")
            << "jobs.json: job 3: field 'params' is given twice";
        QTest::newRow("twice deeper") << QByteArray(R"([{"kind": "sleep"}, {"kind": "sleep"},
                {"kind": "command", "params": {"argv": [{"a": 1, "a": 2}]}}])")
                                      << "jobs.json: job 3: field 'params.argv.a' is given twice";
    }

    void jobsFile()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        QString problem;
        const auto specs = parseJobsJson(json, "jobs.json", m_catalog, &problem);
        if (error.isEmpty()) {
            QVERIFY2(specs, qPrintable(problem));
            QCOMPARE(specs->size(), 4);
            QCOMPARE(specs->at(0).params.first().values, QStringList{"1000000"});
            QCOMPARE(specs->at(1).params.first().values, QStringList({"sh", "-c", "exit 0"}));
            QCOMPARE(specs->at(2).params.first().values, QStringList({"echo", "a b"}));
        } else {
            QVERIFY(!specs);
            QVERIFY2(problem.startsWith(error), qPrintable(problem));
        }
    }

    // A jobs file's numbers reach the worker as the text the rules read: whole numbers exactly
    // (above 2^53 too), others in their shortest form.
    void jobsFileNumbers()
    {
        QString problem;
        const auto specs = parseJobsJson(
            R"([{"kind": "montecarlo-pi", "params": {"seed": 4611686018427387903}},
                {"kind": "primes", "params": {"limit": 1e6}},
                {"kind": "fault", "params": {"delay": 0.3}},
                {"kind": "sleep", "params": {"seconds": 1e-7}}])",
            "jobs.json", m_catalog, &problem);
        QVERIFY2(specs, qPrintable(problem));
        QCOMPARE(specs->at(0).params.first().values, QStringList{"4611686018427387903"});
        QCOMPARE(specs->at(1).params.first().values, QStringList{"1000000"});
        QCOMPARE(specs->at(2).params.first().values, QStringList{"0.3"});
        QCOMPARE(specs->at(3).params.first().values, QStringList{"1e-07"});
    }

    // The window's form: an empty optional field means the default, and only there.
    void formFields_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QVariantMap>("fields");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("described");
        QTest::newRow("empty means the default")
            << "sleep" << QVariantMap{{"seconds", ""}, {"steps", "2"}} << ""
            << "steps=2";
        QTest::newRow("spaces are a value")
            << "sleep" << QVariantMap{{"seconds", " "}}
            << "sleep: parameter 'seconds' must be a number from 0 to 86400, got ' '"
            << "";
        QTest::newRow("empty required")
            << "checksum" << QVariantMap{{"path", ""}} << "checksum: parameter 'path' is required"
            << "";
        QTest::newRow("empty command") << "command" << QVariantMap{{"argv", ""}}
                                       << "command: parameter 'argv' needs a command to run"
                                       << "";
        QTest::newRow("command line")
            << "command" << QVariantMap{{"argv", "sh -c 'exit 0'"}, {"tty", "off"}} << ""
            << "argv=sh -c 'exit 0', tty=off";
        QTest::newRow("open quote") << "command" << QVariantMap{{"argv", "sh -c 'x"}}
                                    << "unterminated ' quote in the command"
                                    << "";
        QTest::newRow("unknown, empty") << "primes" << QVariantMap{{"lmit", ""}}
                                        << "primes: unknown parameter 'lmit' (known: limit)"
                                        << "";
        QTest::newRow("unknown kind")
            << "nope" << QVariantMap{}
            << "unknown job kind 'nope'; known kinds: primes, montecarlo-pi, mandelbrot, "
               "checksum, sleep, command, fault"
            << "";
    }

    void formFields()
    {
        QFETCH(QString, kind);
        QFETCH(QVariantMap, fields);
        QFETCH(QString, error);
        QFETCH(QString, described);
        QString problem;
        const auto spec = specFromForm(m_catalog, kind, fields, &problem);
        QCOMPARE(problem, error);
        QCOMPARE(spec ? spec->describeParams() : QString(), described);
        // Field by field, as the catalog pane checks while the user types.
        const KindSpec *k = m_catalog.find(kind);
        for (auto it = fields.begin(); k && it != fields.end(); ++it) {
            if (const ParamSpec *p = k->param(it.key()))
                QCOMPARE(checkField(*p, it.value().toString()),
                         error.startsWith(kind + ": ") ? error.mid(kind.size() + 2) : error);
        }
    }

    void badCatalog_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown type")
            << QByteArray(
                   R"({"kinds": [{"name": "k", "params": [{"name": "p", "type": "list"}]}]})")
            << "the worker's catalog gives parameter 'p' of k an unknown type 'list'";
        QTest::newRow("unknown format")
            << QByteArray(
                   R"({"kinds": [{"name": "k", "params": [{"name": "p", "format": "date"}]}]})")
            << "the worker's catalog gives parameter 'p' of k an unknown format 'date'";
        QTest::newRow("no kinds") << QByteArray("{}")
                                  << "the worker's catalog has no \"kinds\" list";
    }

    void badCatalog()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        QString problem;
        QVERIFY(!Catalog::parse(json, &problem));
        QCOMPARE(problem, error);
    }

    // The same key in different objects is no duplicate.
    void sameKeyInTwoObjects()
    {
        QString problem;
        const auto specs = parseJobsJson(R"([{"kind": "sleep", "params": {"seconds": 0}},
            {"kind": "sleep", "params": {"seconds": 1}}])",
                                         "jobs.json", m_catalog, &problem);
        QVERIFY2(specs, qPrintable(problem));
        QCOMPARE(specs->size(), 2);
    }

    // 100000 jobs are accepted, one more is not.
    void jobCountLimit()
    {
        QByteArray json = "[";
        for (qsizetype i = 0; i < kMaxJobs; ++i)
            json += i ? ",{\"kind\":\"sleep\"}" : "{\"kind\":\"sleep\"}";
        QString problem;
        const auto specs = parseJobsJson(json + "]", "jobs.json", m_catalog, &problem);
        QVERIFY2(specs, qPrintable(problem));
        QCOMPARE(specs->size(), kMaxJobs);
        QVERIFY(!parseJobsJson(json + ",{}]", "jobs.json", m_catalog, &problem));
        QCOMPARE(problem,
                 "jobs.json: the jobs file has 100001 jobs, more than the limit of 100000");
    }

    // A file of exactly the limit is read; one byte more is refused, also from a device that
    // never ends.
    void fileSizeLimit()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QByteArray text = "[{\"kind\": \"sleep\"}";
        text += QByteArray(kMaxJobsFileBytes - text.size() - 1, ' ');
        text += "]";
        const QString path = dir.filePath("jobs.json");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(text), kMaxJobsFileBytes);
        file.close();
        QString problem;
        const auto specs = parseJobsFile(path, m_catalog, &problem);
        QVERIFY2(specs, qPrintable(problem));
        QCOMPARE(specs->size(), 1);
        QVERIFY(file.open(QIODevice::Append));
        QCOMPARE(file.write(" "), 1);
        file.close();
        QVERIFY(!parseJobsFile(path, m_catalog, &problem));
        QCOMPARE(problem, path
                              + ": the jobs file is larger than the limit of 64 MiB (67108864 "
                                "bytes)");
        QVERIFY(!parseJobsFile("/dev/zero", m_catalog, &problem));
        QCOMPARE(problem, "/dev/zero: the jobs file is larger than the limit of 64 MiB "
                          "(67108864 bytes)");
    }

    void unreadableFile()
    {
        QString problem;
        QVERIFY(!parseJobsFile("/nonexistent/jobs.json", m_catalog, &problem));
        QVERIFY2(problem.startsWith("/nonexistent/jobs.json: cannot read the jobs file"),
                 qPrintable(problem));
    }
};

QTEST_GUILESS_MAIN(tst_Catalog)
#include "tst_catalog.moc"
