#!/usr/bin/env bash
# Builds the benchmarks (Release, LONGRUN_BENCH=ON, in build/bench), runs them all and writes
# tests/bench/RESULTS.md: every figure with its same-run baseline, ratio, target and pass/fail.
#
#   bash tests/bench/run-benchmarks.sh            the full run (about 5 to 10 minutes)
#   QUICK=1 bash tests/bench/run-benchmarks.sh    fewer jobs and repeats, to try it out
#
# Not a test: it never fails because a figure misses its target (the table says so); it fails
# only when a benchmark cannot run. Raw outputs stay in build/bench/results/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

build=build/bench
out=$build/results
quick=${QUICK:-}
jobs=2000 repeats=5 gui_jobs=1000 cancel_repeats=10 gb_reps=5 command_jobs=500
history_jobs=10000 history_repeats=3
py_jobs="spawn=20,forkserver=60,fork=200"
if [[ -n "$quick" ]]; then
    jobs=200 repeats=2 gui_jobs=100 cancel_repeats=3 gb_reps=2 command_jobs=100
    history_jobs=1000 history_repeats=2
    py_jobs="spawn=5,forkserver=10,fork=20"
fi

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLONGRUN_BENCH=ON \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
cmake --build "$build" -j2 --target bench_engine bench_protocol bench_model bench_ui longrun-worker \
    fakeworker

rm -rf "$out"
mkdir -p "$out"
bin=$build/bin
export LONGRUN_WORKER=$PWD/$bin/longrun-worker QT_QPA_PLATFORM=offscreen

{
    echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "cpu:     $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
    echo "kernel:  $(uname -r); $(g++ --version | head -1); $(python3 --version)"
    echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"

step() { echo "== $* ($(date +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"; }

gb=(--benchmark_repetitions="$gb_reps" --benchmark_format=json --benchmark_min_time=0.2)
step "frames (Google Benchmark)"
"$bin/bench_protocol" "${gb[@]}" >"$out/protocol.json"
step "model (Google Benchmark)"
"$bin/bench_model" "${gb[@]}" >"$out/model.json"
step "per-job overhead: $jobs jobs x $repeats repeats, concurrency 1 and 2"
"$bin/bench_engine" overhead "$jobs" "$repeats" | tee "$out/engine.jsonl"
step "python multiprocessing ($py_jobs jobs x $repeats repeats)"
python3 tests/bench/mp_baseline.py --repeats "$repeats" --jobs "$py_jobs" | tee "$out/python.jsonl"
step "GUI thread under load: $gui_jobs jobs, 8 at a time"
"$bin/bench_engine" gui "$gui_jobs" | tee -a "$out/engine.jsonl" | cut -c1-120
step "the window under load: $gui_jobs flooding jobs, 8 at a time, scrolling and clicking"
"$bin/bench_ui" "$build/tests/fakeworker" "$gui_jobs" | tee -a "$out/engine.jsonl" | cut -c1-120
step "memory"
"$bin/bench_engine" memory | tee -a "$out/engine.jsonl" | cut -c1-120
step "cancel latency ($cancel_repeats repeats)"
"$bin/bench_engine" cancel "$cancel_repeats" | tee -a "$out/engine.jsonl"
step "command jobs of /bin/true vs xargs -P2 and a shell loop ($command_jobs jobs x $repeats)"
"$bin/bench_engine" command "$command_jobs" "$repeats" | tee -a "$out/engine.jsonl"
step "history on vs --no-history ($history_jobs trivial jobs x $history_repeats, 2 at a time)"
"$bin/bench_engine" history "$history_jobs" "$history_repeats" | tee -a "$out/engine.jsonl"

echo "load at end:   $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
python3 tests/bench/report.py "$out" tests/bench/RESULTS.md
echo "Wrote tests/bench/RESULTS.md"
