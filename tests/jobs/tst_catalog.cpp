// The catalog as the real worker reports it, and every way a job can be written wrong.

#include "jobs/catalog.h"
#include "procutil.h"

#include <QtCore/QFile>
#include <QtTest/QTest>

using namespace longrun;

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
        QTest::newRow("unknown kind")
            << "primez"
            << "unknown job kind 'primez'; known kinds: primes, montecarlo-pi, mandelbrot, "
               "checksum, sleep, command, fault"
            << "";
        QTest::newRow("unknown param") << "primes:lim=3"
                                       << "primes: unknown parameter 'lim' (known: limit)"
                                       << "";
        QTest::newRow("not a number")
            << "primes:limit=abc"
            << "primes: parameter 'limit' must be an integer from 2 to 1000000000000, got 'abc'"
            << "";
        QTest::newRow("out of range")
            << "primes:limit=1"
            << "primes: parameter 'limit' must be an integer from 2 to 1000000000000, got '1'"
            << "";
        QTest::newRow("bad real")
            << "sleep:seconds=nan"
            << "sleep: parameter 'seconds' must be a number from 0 to 86400, got 'nan'"
            << "";
        QTest::newRow("bad choice") << "fault:mode=explode"
                                    << "fault: parameter 'mode' must be one of"
                                    << "";
        QTest::newRow("no equals") << "primes:limit"
                                   << "primes: expected key=value, got 'limit'"
                                   << "";
        QTest::newRow("twice") << "primes:limit=5,limit=6"
                               << "primes: parameter 'limit' is given twice"
                               << "";
        QTest::newRow("required") << "checksum"
                                  << "checksum: parameter 'path' is required"
                                  << "";
        QTest::newRow("empty argv") << "command:argv="
                                    << "command: parameter 'argv' needs a command to run"
                                    << "";
        QTest::newRow("open quote") << "command:argv=sh -c 'x"
                                    << "unterminated ' quote in the command"
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
            << "jobs.json: job 1: field 'params.limit': 'limit' must be an integer";
        QTest::newRow("out of range")
            << QByteArray(R"([{"kind":"sleep"},{"kind": "primes", "params": {"limit": 1e13}}])")
            << "jobs.json: job 2: primes: parameter 'limit' must be an integer from 2 to "
               "1000000000000, got '10000000000000'";
        QTest::newRow("argv element")
            << QByteArray(R"([{"kind": "command", "params": {"argv": ["a", 3]}}])")
            << "jobs.json: job 1: field 'params.argv': element 2 of 'argv' must be a string";
        QTest::newRow("null")
            << QByteArray(R"([{"kind": "sleep", "params": {"seconds": null}}])")
            << "jobs.json: job 1: field 'params.seconds': 'seconds' must be a number";
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
