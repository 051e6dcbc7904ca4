#!/usr/bin/env python3
"""The usual PyQt recipe for a job, as a baseline for longrun's per-job cost.

One multiprocessing.Process per job, its result sent back through a multiprocessing.Queue,
jobs run one after another (longrun's figure it is compared with runs at concurrency 1 too).
The job is as trivial as longrun's (`sleep` seconds=0 steps=1): report 100% and return.

Prints one JSON line per start method, like bench_engine:
  {"name": "python.<method>", "unit": "ms/job", "samples": [...]}
"""

import argparse
import json
import multiprocessing as mp
import time


def trivial_job(queue, job_id):
    # What longrun's trivial job sends: progress 1.0, then a result.
    queue.put((job_id, "progress", 1.0))
    queue.put((job_id, "result", "slept 0 s"))


def ms_per_job(ctx, jobs):
    queue = ctx.Queue()
    start = time.perf_counter()
    for job_id in range(jobs):
        process = ctx.Process(target=trivial_job, args=(queue, job_id))
        process.start()
        while True:
            got_id, what, _ = queue.get()
            if got_id == job_id and what == "result":
                break
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"job {job_id} exited with {process.exitcode}")
    return (time.perf_counter() - start) * 1000.0 / jobs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--jobs", default="spawn=60,forkserver=200,fork=500",
                        help="jobs per repeat for each start method")
    args = parser.parse_args()
    for item in args.jobs.split(","):
        method, jobs = item.split("=")
        ctx = mp.get_context(method)
        ms_per_job(ctx, 5)  # warm-up: imports, the forkserver process, page cache
        samples = [ms_per_job(ctx, int(jobs)) for _ in range(args.repeats)]
        print(json.dumps({"name": f"python.{method}", "unit": "ms/job", "samples": samples}),
              flush=True)


if __name__ == "__main__":
    main()
