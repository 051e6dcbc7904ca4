// TaskModel at scale (Google Benchmark). Figures for RESULTS.md:
// - addJobs of 10,000 and 100,000 jobs into an empty model;
// - applyProgress per update at 1k, 10k and 100k rows: a binary search for the row plus the
//   running sums of the overall progress, so it must not grow with the row count;
// - the baseline: what a model without running sums would do on every update, i.e. rescan all
//   rows to average their progress.
// Nothing is connected to the model, so dataChanged costs its emission only (no view).

#include "models/taskmodel.h"

#include <benchmark/benchmark.h>

#include <QtCore/QCoreApplication>

#include <optional>

namespace {

QList<longrun::JobSpec> specs(int count)
{
    longrun::JobSpec spec;
    spec.kind = QStringLiteral("primes");
    spec.params << longrun::JobParam{QStringLiteral("limit"), {QStringLiteral("1000000")}, false};
    return QList<longrun::JobSpec>(count, spec);
}

void BM_AddJobs(benchmark::State &state)
{
    const auto count = static_cast<int>(state.range(0));
    const QList<longrun::JobSpec> jobs = specs(count);
    for (auto _ : state) {
        state.PauseTiming();
        auto model = std::make_unique<longrun::TaskModel>();
        state.ResumeTiming();
        model->addJobs(jobs, 1);
        benchmark::DoNotOptimize(model->rowCount());
        state.PauseTiming();
        model.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * count);
}
BENCHMARK(BM_AddJobs)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

// One progress update, spread over all rows in turn, always moving forward (an update that
// does not move a row's progress is skipped by the model and would measure nothing).
void BM_ApplyProgress(benchmark::State &state)
{
    const auto rows = static_cast<int>(state.range(0));
    longrun::TaskModel model;
    model.addJobs(specs(rows), 1);
    std::int64_t k = 0;
    for (auto _ : state) {
        const int id = 1 + static_cast<int>(k % rows);
        const double progress = static_cast<double>(k / rows + 1) * 1e-9;
        model.applyProgress(id, progress, std::nullopt);
        ++k;
    }
    benchmark::DoNotOptimize(model.overallProgress());
    if (model.overallProgress() <= 0.0)
        state.SkipWithError("no update reached the overall progress");
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApplyProgress)->Arg(1'000)->Arg(10'000)->Arg(100'000);

// Baseline: the same update, then the overall average recomputed by scanning every row.
void BM_ApplyProgressRescan(benchmark::State &state)
{
    const auto rows = static_cast<int>(state.range(0));
    longrun::TaskModel model;
    model.addJobs(specs(rows), 1);
    std::int64_t k = 0;
    double overall = 0.0;
    for (auto _ : state) {
        const int id = 1 + static_cast<int>(k % rows);
        const double progress = static_cast<double>(k / rows + 1) * 1e-9;
        model.applyProgress(id, progress, std::nullopt);
        double sum = 0.0;
        for (int r = 0; r < rows; ++r) {
            const longrun::TaskRow &row = model.at(r);
            sum += longrun::isTerminal(row.state) ? 1.0 : row.progress;
        }
        overall = sum / rows;
        benchmark::DoNotOptimize(overall);
        ++k;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApplyProgressRescan)->Arg(1'000)->Arg(10'000)->Arg(100'000);

} // namespace

int main(int argc, char **argv)
{
    // TaskModel is a QObject; a core application keeps Qt's assumptions true.
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
