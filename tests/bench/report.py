#!/usr/bin/env python3
"""Turns the raw output of the benchmarks into tests/bench/RESULTS.md.

Inputs (all in one folder, written by run-benchmarks.sh):
  engine.jsonl, python.jsonl  one {"name", "unit", "samples"} per line (bench_engine,
                              mp_baseline.py)
  protocol.json, model.json   Google Benchmark --benchmark_format=json with repetitions
  machine.txt                 a few lines about the machine and its load

Every row: the figure (median and min..max over repeats), its baseline measured in the same
run, the ratio, the target and pass/fail. Paired samples (interleaved repeats) give a ratio per
repeat; otherwise the ratio is of the medians and its range comes from the extremes.
"""

import json
import statistics
import sys
from pathlib import Path


class Figure:
    def __init__(self, samples, unit):
        self.samples = sorted(samples)
        self.unit = unit

    @property
    def median(self):
        return statistics.median(self.samples)

    @property
    def lo(self):
        return self.samples[0]

    @property
    def hi(self):
        return self.samples[-1]

    def percentile(self, p):
        s = self.samples
        if not s:
            return float("nan")
        k = (len(s) - 1) * p / 100.0
        f = int(k)
        c = min(f + 1, len(s) - 1)
        return s[f] + (s[c] - s[f]) * (k - f)


def fmt(x):
    if x != x:  # nan
        return "n/a"
    a = abs(x)
    if a >= 1e7:
        return f"{x / 1e6:.1f} M"
    if a >= 1e5:
        return f"{x / 1e6:.2f} M"
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def spread(fig, unit=None):
    unit = unit or fig.unit
    sep = "" if unit == "x" else " "
    if len(fig.samples) == 1:
        return f"{fmt(fig.median)}{sep}{unit}"
    return f"{fmt(fig.median)}{sep}{unit} ({fmt(fig.lo)}..{fmt(fig.hi)})"


def load_lines(path):
    figures = {}
    if not path.exists():
        return figures
    for line in path.read_text().splitlines():
        line = line.strip()
        if line.startswith("{"):
            record = json.loads(line)
            figures[record["name"]] = Figure(record["samples"], record["unit"])
    return figures


def load_gbench(path):
    """Per-repetition values of every benchmark, by name: cpu ns/op, items/s and bytes/s."""
    result = {}
    if not path.exists():
        return result
    data = json.loads(path.read_text())
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
    for b in data.get("benchmarks", []):
        if b.get("run_type") != "iteration" or b.get("error_occurred"):
            continue
        entry = result.setdefault(b["run_name"], {"ns": [], "items": [], "bytes": []})
        entry["ns"].append(b["cpu_time"] * scale[b["time_unit"]])
        if "items_per_second" in b:
            entry["items"].append(b["items_per_second"])
        if "bytes_per_second" in b:
            entry["bytes"].append(b["bytes_per_second"])
    return result


class Table:
    def __init__(self):
        self.rows = []
        self.missing = []

    def add(self, figure, measured, baseline, ratio, target, ok):
        verdict = "—" if ok is None else ("pass" if ok else "**FAIL**")
        self.rows.append((figure, measured, baseline, ratio, target, verdict))

    def markdown(self):
        out = ["| # | Figure | Measured: median (min..max) | Baseline (same run) | Ratio | "
               "Target | Result |",
               "|---|---|---|---|---|---|---|"]
        for i, row in enumerate(self.rows, 1):
            out.append(f"| {i} | " + " | ".join(row) + " |")
        return "\n".join(out)


def main():
    out_dir = Path(sys.argv[1])
    results_md = Path(sys.argv[2])
    engine = load_lines(out_dir / "engine.jsonl")
    # Keep the order of samples for paired ratios.
    raw_engine = {}
    if (out_dir / "engine.jsonl").exists():
        for line in (out_dir / "engine.jsonl").read_text().splitlines():
            if line.startswith("{"):
                r = json.loads(line)
                raw_engine[r["name"]] = r["samples"]
    python = load_lines(out_dir / "python.jsonl")
    proto = load_gbench(out_dir / "protocol.json")
    model = load_gbench(out_dir / "model.json")
    t = Table()

    def need(d, *names):
        missing = [n for n in names if n not in d]
        t.missing.extend(missing)
        return not missing

    # 1. Per-job overhead.
    for c in (1, 2):
        s, r = f"overhead.stack.c{c}", f"overhead.raw.c{c}"
        if need(engine, s, r):
            ratios = Figure([a / b for a, b in zip(raw_engine[s], raw_engine[r])], "x")
            t.add(f"Per-job cost, whole stack, concurrency {c} (trivial `sleep` job)",
                  spread(engine[s]), "raw posix_spawn: " + spread(engine[r]),
                  spread(ratios), "≤ 1.5x raw", ratios.median <= 1.5)

    # 2. Python multiprocessing, one Process per job, vs longrun at concurrency 1.
    targets = {"spawn": (10.0, "≥ 10x longrun"), "forkserver": (10.0, "≥ 10x longrun"),
               "fork": (1.0, "> 1x longrun (slower than longrun)")}
    for method in ("spawn", "forkserver", "fork"):
        p, s = f"python.{method}", "overhead.stack.c1"
        if need(python, p) and need(engine, s):
            lr = engine[s]
            ratio = python[p].median / lr.median
            lo, hi = python[p].lo / lr.hi, python[p].hi / lr.lo
            extra = ""
            if "overhead.raw.c1" in engine:
                extra = f"; vs raw spawn {fmt(python[p].median / engine['overhead.raw.c1'].median)}x"
            goal, text = targets[method]
            ok = ratio >= goal if method != "fork" else ratio > goal
            t.add(f"Python multiprocessing `{method}`, Process + Queue per job",
                  spread(python[p]), "longrun c=1: " + spread(lr),
                  f"{fmt(ratio)}x ({fmt(lo)}..{fmt(hi)}){extra}", text, ok)

    # 3. Frames.
    if need(proto, "BM_DecodeProgress", "BM_CopyProgressBytes"):
        d = Figure(proto["BM_DecodeProgress"]["items"], "frames/s")
        c = Figure(proto["BM_CopyProgressBytes"]["items"], "frames/s")
        t.add("Progress frames decoded (WorkerFrameDecoder, 64 KiB chunks, one core)",
              spread(d), "memcpy of the same bytes: " + spread(c),
              f"{fmt(d.median / c.median)}x of memcpy", "≥ 1M frames/s", d.median >= 1e6)
    if need(proto, "BM_DecodeImageResult", "BM_CopyImageBytes"):
        d = Figure([x / 1e6 for x in proto["BM_DecodeImageResult"]["bytes"]], "MB/s")
        c = Figure([x / 1e6 for x in proto["BM_CopyImageBytes"]["bytes"]], "MB/s")
        t.add("Result frame with an 8 MB image, decoded", spread(d),
              "memcpy: " + spread(c), f"{fmt(d.median / c.median)}x of memcpy",
              "≥ 100 MB/s (chosen: 8 MB in < 80 ms)", d.median >= 100)
    if need(proto, "BM_EncodeProgress", "BM_DecodeProgress"):
        e = Figure(proto["BM_EncodeProgress"]["ns"], "ns")
        dec = Figure([1e9 / x for x in proto["BM_DecodeProgress"]["items"]], "ns")
        t.add("Progress frame encoded (encodeFrame, new string each)", spread(e),
              "decode of one: " + spread(dec), f"{fmt(e.median / dec.median)}x decode",
              "report only", None)
    if need(proto, "BM_AppendProgress"):
        e = Figure(proto["BM_AppendProgress"]["ns"], "ns")
        base = Figure(proto["BM_EncodeProgress"]["ns"], "ns")
        t.add("Progress frame appended to a batch (appendFrame, as the worker writes)",
              spread(e), "encodeFrame: " + spread(base), f"{fmt(e.median / base.median)}x",
              "report only", None)
    if need(proto, "BM_EncodeImageResult", "BM_CopyImageBytes"):
        e = Figure([x / 1e6 for x in proto["BM_EncodeImageResult"]["bytes"]], "MB/s")
        c = Figure([x / 1e6 for x in proto["BM_CopyImageBytes"]["bytes"]], "MB/s")
        t.add("Result frame with an 8 MB image, encoded", spread(e), "memcpy: " + spread(c),
              f"{fmt(e.median / c.median)}x of memcpy", "report only", None)

    # 4. GUI responsiveness.
    if need(engine, "gui.load", "gui.idle"):
        load, idle = engine["gui.load"], engine["gui.idle"]
        dur = engine.get("gui.load.duration")
        njobs = engine.get("gui.load.jobs")
        njobs = int(njobs.median) if njobs else 1000
        what = f"1 ms PreciseTimer lateness, {njobs:,} `montecarlo-pi` jobs 8 at a time"
        if dur:
            what += f" ({fmt(dur.median)} s, {len(load.samples):,} ticks)"
        for label, p, goal in (("p50", 50, None), ("p99", 99, 4.0), ("max", 100, 16.0)):
            lv, iv = load.percentile(p), idle.percentile(p)
            t.add(f"{what}: {label}", f"{fmt(lv)} ms", f"idle loop: {fmt(iv)} ms",
                  f"{'+' if lv >= iv else '-'}{fmt(abs(lv - iv))} ms",
                  f"< {goal:g} ms" if goal else "report only",
                  None if goal is None else lv < goal)

    # 4b. The real window under load (bench_ui).
    if need(engine, "ui.timer.load", "ui.timer.idle", "ui.click.load", "ui.click.idle",
            "ui.frame.load", "ui.frame.idle"):
        dur = engine.get("ui.load.duration")
        njobs = engine.get("ui.load.jobs")
        njobs = int(njobs.median) if njobs else 1000
        what = (f"Window (Main.qml, software renderer), {njobs:,} jobs flooding progress 8 at a "
                f"time, list scrolled every 16 ms and clicked every 250 ms"
                + (f" ({fmt(dur.median)} s)" if dur else ""))
        for key, label, p, goal in (
                ("ui.timer", "1 ms timer lateness p99", 99, 4.0),
                ("ui.timer", "1 ms timer lateness max", 100, 16.0),
                ("ui.click", "click handled (press to row selected) p99", 99, 16.0),
                ("ui.frame", "gap between frames p99", 99, 33.0)):
            lv, iv = engine[key + ".load"].percentile(p), engine[key + ".idle"].percentile(p)
            t.add(f"{what}: {label}", f"{fmt(lv)} ms", f"same window idle: {fmt(iv)} ms",
                  f"{'+' if lv >= iv else '-'}{fmt(abs(lv - iv))} ms",
                  f"< {goal:g} ms" + (" (chosen: two frames)" if key == "ui.frame" else
                                       " (chosen: one frame)" if key == "ui.click" else ""),
                  lv < goal)

    # 5. Model scale.
    if need(model, "BM_AddJobs/10000", "BM_AddJobs/100000"):
        a10 = Figure(model["BM_AddJobs/10000"]["ns"], "ms")
        a100 = Figure(model["BM_AddJobs/100000"]["ns"], "ms")
        a10ms = Figure([x / 1e6 for x in a10.samples], "ms")
        a100ms = Figure([x / 1e6 for x in a100.samples], "ms")
        per = (a100.median / 100000) / (a10.median / 10000)
        t.add("TaskModel::addJobs, 10,000 jobs", spread(a10ms), "—", "—", "report only", None)
        t.add("TaskModel::addJobs, 100,000 jobs", spread(a100ms),
              "10,000 jobs x 10: " + f"{fmt(a10.median * 10 / 1e6)} ms",
              f"{fmt(per)}x per row", "linear: ≤ 1.5x per row (chosen)", per <= 1.5)
    small = None
    for rows in (1000, 10000, 100000):
        a, r = f"BM_ApplyProgress/{rows}", f"BM_ApplyProgressRescan/{rows}"
        if need(model, a, r):
            af, rf = Figure(model[a]["ns"], "ns"), Figure(model[r]["ns"], "ns")
            if rows == 1000:
                small = af
            t.add(f"TaskModel::applyProgress per update, {rows:,} rows", spread(af),
                  "rescan all rows: " + spread(rf), f"{fmt(rf.median / af.median)}x faster",
                  "faster than the rescan", af.median < rf.median)
    if small and "BM_ApplyProgress/100000" in model:
        big = Figure(model["BM_ApplyProgress/100000"]["ns"], "ns")
        g = big.median / small.median
        t.add("applyProgress stays constant: 100,000 rows vs 1,000 rows", spread(big),
              "1,000 rows: " + spread(small), f"{fmt(g)}x",
              "≤ 2x (chosen: O(log n) row lookup, O(1) sums)", g <= 2.0)

    # 6. Memory.
    if need(engine, "memory.worker.primes", "memory.worker.idle"):
        b, i = engine["memory.worker.primes"], engine["memory.worker.idle"]
        hwm = engine.get("memory.worker.primes.hwm")
        extra = f"; peak (VmHWM) {fmt(hwm.median)} MiB" if hwm else ""
        t.add("Worker RSS while computing `primes` limit=10^9" + extra, spread(b),
              "idle worker (`sleep`): " + spread(i), f"{fmt(b.median / i.median)}x",
              "≤ 2x idle (chosen: the sieve is segmented)", b.median <= 2 * i.median)
    if need(engine, "memory.app.10k", "memory.app.before"):
        a, b = engine["memory.app.10k"].median, engine["memory.app.before"].median
        per_row = (a - b) * 1024 * 1024 / 10000
        t.add("App RSS with 10,000 rows in the model", f"{fmt(a)} MiB",
              f"before adding: {fmt(b)} MiB",
              f"{fmt(a / b)}x; {fmt(per_row)} bytes/row",
              "≤ 2 KiB per row (chosen)", per_row <= 2048)

    # 7. Cancel latency.
    if need(engine, "cancel.cooperative", "cancel.raw"):
        c, r = engine["cancel.cooperative"], engine["cancel.raw"]
        t.add("Cancel → Canceled, cooperative (`sleep` honours Cancel)", spread(c),
              "raw: Cancel frame → EOF + reaped: " + spread(r),
              f"{fmt(c.median / r.median)}x", "< cancel grace (500 ms): no escalation",
              c.hi < 500)
    if need(engine, "cancel.forced", "cancel.grace"):
        f, g = engine["cancel.forced"], engine["cancel.grace"].median
        t.add("Cancel → Canceled, forced (`fault` ignore-sigterm: Cancel, SIGTERM, SIGKILL)",
              spread(f), f"configured grace: {fmt(g)} ms (500 + 500)",
              f"{fmt(f.median / g)}x", "median ≤ grace + 100 ms", f.median <= g + 100)

    # 8. Command jobs against xargs -P2 and a shell loop running the same program.
    if need(engine, "command.stack.c2", "command.xargs.p2", "command.shell.c1"):
        c = engine["command.stack.c2"]
        for key, label in (("command.xargs.p2", "`xargs -P2`"),
                           ("command.shell.c1", "shell loop, one at a time")):
            ratios = Figure([a / b for a, b in zip(raw_engine["command.stack.c2"],
                                                   raw_engine[key])], "x")
            t.add(f"`command` job of /bin/true, whole stack, concurrency 2, vs {label}",
                  spread(c), f"{label}: " + spread(engine[key]), spread(ratios),
                  "report only", None)
    if need(engine, "command.stack.c2", "command.subreaper.c2"):
        ratios = Figure([a / b for a, b in zip(raw_engine["command.stack.c2"],
                                               raw_engine["command.subreaper.c2"])], "x")
        t.add("`command` job of /bin/true in its PID namespace, vs held by the subreaper",
              spread(engine["command.stack.c2"]),
              "subreaper (LONGRUN_WORKER_NO_NAMESPACES=1): " + spread(engine["command.subreaper.c2"]),
              spread(ratios), "report only", None)

    # 9. What the history costs: the same batch with it and with --no-history.
    if need(engine, "history.on.c2", "history.off.c2"):
        ratios = Figure([a / b for a, b in zip(raw_engine["history.on.c2"],
                                               raw_engine["history.off.c2"])], "x")
        t.add("Trivial jobs, 2 at a time, with the history (SQLite, WAL) vs `--no-history`",
              spread(engine["history.on.c2"]), "--no-history: " + spread(engine["history.off.c2"]),
              spread(ratios), "≤ 1.10x", ratios.median <= 1.10)

    machine = (out_dir / "machine.txt").read_text().strip() if (out_dir / "machine.txt").exists() else ""
    text = ["# longrun benchmark results", "",
            "Written by `tests/bench/run-benchmarks.sh`; numbers from one run on the machine",
            "below. The machine is shared and noisy: each figure comes with a baseline measured in",
            "the same run, and the ratio is what to compare across machines.", "",
            "```", machine, "```", "",
            t.markdown(), "",
            "Notes:",
            "- Repeats: whole-stack and Python figures 5 repeats (min..max across them); Google",
            "  Benchmark figures 5 repetitions, CPU time of the benchmark thread.",
            "- Per-job cost: 2,000 jobs per repeat, whole stack and raw posix_spawn interleaved;",
            "  the ratio is per repeat. Python figures run jobs one at a time, as longrun c=1.",
            "- GUI: lateness = gap between two timeouts minus 1 ms; the baseline is the same",
            "  timer on an idle event loop for as long as the loaded run took (20 s at most).",
            "- Targets marked \"chosen\" were not given; they are what the figure should show.",
            "- Forced cancel can come in under the configured grace: the grace timers are Qt",
            "  coarse timers, which may fire up to 5% early.",
            ]
    if t.missing:
        text += ["", "Missing figures (a benchmark failed; see its log): " + ", ".join(t.missing)]
    results_md.write_text("\n".join(text) + "\n")
    # The table alone, for README.md.
    (out_dir / "table.md").write_text(t.markdown() + "\n")
    failed = sum(1 for row in t.rows if row[5] == "**FAIL**")
    print(f"{len(t.rows)} figures, {failed} below target, {len(set(t.missing))} missing")


if __name__ == "__main__":
    main()
