// The History view's reads at 100,000 stored jobs (Google Benchmark), each through a
// HistoryReader as HistoryModel does it in the background: the newest page, a page deep down
// (keyset on the id), the count, a search that matches one job, a kind filter, and opening a
// reader (HistoryModel opens one per read). Figures for RESULTS.md and for the choice in
// models/historymodel.h: whether a page could be read on the GUI thread (under ~20 ms).

#include "store/historyreader.h"
#include "store/historystore.h"

#include <benchmark/benchmark.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QTemporaryDir>

#include <memory>

namespace {

constexpr int kJobs = 100000;

// One history of 100,000 finished jobs (primes and sleep in turn, a third of them failed),
// written once through the real store.
const QString &historyDir()
{
    static QTemporaryDir tmp;
    static const QString dir = [] {
        const QString path = tmp.filePath(QStringLiteral("data"));
        longrun::HistoryStore store;
        store.openAndWait(path, QStringLiteral("cli"));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int seq = 1; seq <= kJobs; ++seq) {
            longrun::StoreEvent event;
            event.type = longrun::StoreEvent::Type::Added;
            event.seq = seq;
            event.at = now;
            event.spec = {seq % 2 ? QStringLiteral("primes") : QStringLiteral("sleep"),
                          {{QStringLiteral("limit"), {QString::number(seq)}}}};
            store.record(event);
            event.type = longrun::StoreEvent::Type::Started;
            event.attempt = 1;
            store.record(event);
            event.type = longrun::StoreEvent::Type::Finished;
            event.state = seq % 3 ? longrun::State::Succeeded : longrun::State::Failed;
            (seq % 3 ? event.summary : event.error) = QStringLiteral("result %1").arg(seq);
            store.record(event);
        }
        store.flush(600000);
        return path;
    }();
    return dir;
}

longrun::HistoryReader &reader()
{
    static longrun::HistoryReader reader;
    static const bool opened = [] {
        QString error;
        return reader.open(historyDir(), &error);
    }();
    (void)opened;
    return reader;
}

void BM_NewestPage(benchmark::State &state)
{
    longrun::JobQuery query;
    for (auto _ : state)
        benchmark::DoNotOptimize(reader().jobs(query).size());
}
BENCHMARK(BM_NewestPage)->Unit(benchmark::kMillisecond);

void BM_PageDeepDown(benchmark::State &state)
{
    longrun::JobQuery query;
    query.beforeId = kJobs / 2;
    for (auto _ : state)
        benchmark::DoNotOptimize(reader().jobs(query).size());
}
BENCHMARK(BM_PageDeepDown)->Unit(benchmark::kMillisecond);

void BM_CountAll(benchmark::State &state)
{
    longrun::JobQuery query;
    for (auto _ : state)
        benchmark::DoNotOptimize(reader().count(query));
}
BENCHMARK(BM_CountAll)->Unit(benchmark::kMillisecond);

void BM_SearchOneJob(benchmark::State &state)
{
    longrun::JobQuery query;
    query.text = QStringLiteral("result 77777");
    for (auto _ : state)
        benchmark::DoNotOptimize(reader().jobs(query).size());
}
BENCHMARK(BM_SearchOneJob)->Unit(benchmark::kMillisecond);

void BM_KindAndStatePage(benchmark::State &state)
{
    longrun::JobQuery query;
    query.kind = QStringLiteral("sleep");
    query.states = {QStringLiteral("failed")};
    for (auto _ : state)
        benchmark::DoNotOptimize(reader().jobs(query).size());
}
BENCHMARK(BM_KindAndStatePage)->Unit(benchmark::kMillisecond);

void BM_OpenReader(benchmark::State &state)
{
    historyDir();
    for (auto _ : state) {
        longrun::HistoryReader fresh;
        QString error;
        benchmark::DoNotOptimize(fresh.open(historyDir(), &error));
    }
}
BENCHMARK(BM_OpenReader)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv); // the store's thread and its events
    benchmark::Initialize(&argc, argv);
    reader(); // the 100,000 jobs are written before anything is timed
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
