// The one conversion of a job into the worker's Start request, and what it means for a job
// whose request does not fit in a frame: refused by the spec builder (jobs file, JOB argument,
// the window's form) with its size and the limit, and, should such a spec reach the runner
// anyway, one failed job instead of an app aborted from a pool thread.

#include "control/taskcontroller.h"
#include "framing.h"
#include "jobs/catalog.h"
#include "jobs/specbuilder.h"
#include "jobs/startrequest.h"
#include "models/catalogmodel.h"
#include "models/taskmodel.h"
#include "procutil.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace longrun;

namespace {

JobSpec checksumOf(qsizetype pathBytes)
{
    return JobSpec{
        QStringLiteral("checksum"),
        {JobParam{QStringLiteral("path"), {QString(pathBytes, QLatin1Char('a'))}, false}}};
}

} // namespace

class tst_StartRequest : public QObject
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

    // The size measured is the size of the frame the runner sends, and the frame reads back as
    // the job.
    void sizeIsTheFrames_data()
    {
        QTest::addColumn<JobSpec>("spec");
        QTest::newRow("no params") << JobSpec{"mandelbrot", {}};
        QTest::newRow("scalars") << JobSpec{"primes", {{"limit", {"1000"}, false}}};
        QTest::newRow("argv") << JobSpec{
            "command",
            {{"argv", {"sh", "-c", "echo \xc3\xa9, b", ""}, true}, {"cwd", {"/"}, false}}};
        QTest::newRow("large") << checksumOf(3 * 1024 * 1024 + 7);
    }

    void sizeIsTheFrames()
    {
        QFETCH(JobSpec, spec);
        const QByteArray frame = startFrame(spec);
        QCOMPARE(startPayloadSize(spec), static_cast<std::uint64_t>(frame.size() - 4));
        const auto message = protocol::decodePayload<protocol::ParentMessage>(
            std::string_view(frame.constData() + 4, static_cast<std::size_t>(frame.size() - 4)));
        const auto *start = std::get_if<protocol::Start>(&message);
        QVERIFY(start);
        QCOMPARE(QString::fromStdString(start->kind), spec.kind);
        QCOMPARE(start->params.size(), static_cast<std::size_t>(spec.params.size()));
        for (qsizetype i = 0; i < spec.params.size(); ++i) {
            const protocol::Param &p = start->params.at(static_cast<std::size_t>(i));
            QCOMPARE(QString::fromStdString(p.key), spec.params.at(i).key);
            QStringList values;
            for (const std::string &v : p.values)
                values << QString::fromStdString(v);
            QCOMPARE(values, spec.params.at(i).values);
        }
    }

    // Exactly the frame limit is accepted and sent; one byte more is refused, by its size.
    void frameLimitToTheByte()
    {
        const std::uint64_t overhead = startPayloadSize(checksumOf(0));
        const auto fits = static_cast<qsizetype>(protocol::kMaxFrameSize - overhead);
        QCOMPARE(startPayloadSize(checksumOf(fits)), std::uint64_t{protocol::kMaxFrameSize});
        QCOMPARE(checkStartRequest(checksumOf(fits)), QString());
        QCOMPARE(startFrame(checksumOf(fits)).size(), qsizetype{protocol::kMaxFrameSize} + 4);

        const JobSpec tooLarge = checksumOf(fits + 1);
        QCOMPARE(checkStartRequest(tooLarge),
                 QStringLiteral("the request is 16777217 bytes, larger than the frame limit of "
                                "16 MiB (16777216 bytes): a parameter this large cannot be sent "
                                "to the worker"));
        QVERIFY_THROWS_EXCEPTION(std::length_error, (void)startFrame(tooLarge));
    }

    // Every front end goes through the builder, which refuses it with the kind named.
    void builderRefusesIt()
    {
        const QString path(20 * 1024 * 1024, QLatin1Char('a'));
        const QString expected = QStringLiteral(
            "checksum: the request is 20971585 bytes, larger than the frame limit of 16 MiB "
            "(16777216 bytes): a parameter this large cannot be sent to the worker");
        QString problem;
        QVERIFY(!specFromForm(m_catalog, "checksum", {{"path", path}}, &problem));
        QCOMPARE(problem, expected);
        problem.clear();
        QVERIFY(!parseJobArgument("checksum:path=" + path, m_catalog, &problem));
        QCOMPARE(problem, expected);
        problem.clear();
        const QByteArray json =
            "[{\"kind\": \"checksum\", \"params\": {\"path\": \"" + path.toUtf8() + "\"}}]";
        QVERIFY(!parseJobsJson(json, "jobs.json", m_catalog, &problem));
        QCOMPARE(problem, "jobs.json: job 1: " + expected);
    }

    // The worker reads no list longer than kMaxListElements: such an argv is refused up front.
    void tooManyArgvWords()
    {
        SpecBuilder builder(*m_catalog.find("command"));
        const QString words = QStringLiteral("x ").repeated(protocol::kMaxListElements + 1);
        QString problem;
        QVERIFY(builder.addText("argv", words, &problem));
        QVERIFY(!builder.build(&problem));
        QCOMPARE(problem, QStringLiteral("command: parameter 'argv' has 262145 values, more than "
                                         "the limit of 262144"));
    }

    // The window: Start with such a field shows the builder's message in the error banner.
    void windowShowsIt()
    {
        TaskController controller;
        controller.setWorkerLaunch({test::workerPath(), {}});
        controller.catalog()->setCatalog(m_catalog);
        QSignalSpy errors(&controller, &TaskController::errorOccurred);
        QVERIFY(
            !controller.start("checksum", {{"path", QString(20 * 1024 * 1024, QLatin1Char('a'))}}));
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors.first().first().toString().startsWith(
                     "checksum: the request is 20971585 bytes, larger than the frame limit"),
                 qPrintable(errors.first().first().toString().left(200)));
        QCOMPARE(controller.model()->rowCount(), 0);
    }

    // A spec that never went through the builder used to throw std::length_error out of the
    // runner's pool thread, and QThreadPool terminated the app. Now that one job fails, once,
    // and the next one runs.
    void runnerFailsOnlyThatJob()
    {
        TaskController controller;
        controller.setWorkerLaunch({test::workerPath(), {}});
        QSignalSpy finished(&controller, &TaskController::jobFinished);
        const int first = controller.enqueue(
            {checksumOf(20 * 1024 * 1024), JobSpec{"sleep", {{"seconds", {"0"}, false}}}});
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, test::kHangMs);
        QHash<int, State> states;
        for (const QList<QVariant> &args : finished)
            states.insert(args.at(0).toInt(), args.at(1).value<State>());
        QCOMPARE(states,
                 (QHash<int, State>{{first, State::Failed}, {first + 1, State::Succeeded}}));
        QCOMPARE(controller.model()->find(first)->error,
                 QStringLiteral("internal error: message of 20971585 bytes is larger than the "
                                "frame limit"));
        // Exactly once: nothing more arrives for it.
        QTest::qWait(200);
        QCOMPARE(finished.size(), 2);
    }
};

QTEST_GUILESS_MAIN(tst_StartRequest)
#include "tst_startrequest.moc"
