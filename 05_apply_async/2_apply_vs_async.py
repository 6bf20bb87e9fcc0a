#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""2_apply_vs_async.py - the Python original of 2_apply_vs_async.c: the
same 8 CPU-bound tasks with a loop of Pool.apply (each waits for its task)
and with Pool.apply_async (all submitted, then get), timed in turn, best of 3 each.

Usage: 2_apply_vs_async.py [-j N] [-q]

Python is about 50 times slower per step than C, so each task does fewer
steps (about 20 ms in CPython); the sum printed differs in the last digits.
"""
import multiprocessing
import os
import sys
import time

import async_steps as a

TASKS, RUNS = 8, 3
SPIN_STEPS = 150_000


def spin(index):
    started = time.monotonic()   # CLOCK_MONOTONIC: one clock for all
    x = 0.0
    for i in range(1, SPIN_STEPS + 1):
        x += 1.0 / (float(i) * float(i))
    return index, started, time.monotonic(), x


def row(name, t, results):
    most = max(sum(s <= r[1] < f for _, s, f, _ in results) for r in results)
    mean = sum(f - s for _, s, f, _ in results) / len(results) * 1000
    a.say(f"{name:<12} {t:7.3f} s  {mean:6.1f} ms   {most}")


def main():
    args = a.parse("apply against apply_async on 8 CPU-bound tasks.")
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        out = {}

        def blocking():          # apply = apply_async(...).get(): one at a time
            out["apply"] = [pool.apply(spin, (i,)) for i in range(TASKS)]

        def asynchronous():      # submit all 8 first, then get each
            handles = [pool.apply_async(spin, (i,)) for i in range(TASKS)]
            out["async"] = [h.get() for h in handles]
        pair = a.time_pair(RUNS, blocking, asynchronous)  # in turn: same load
    t_apply, t_async = pair[0], pair[2]
    usable = len(os.sched_getaffinity(0))
    ideal = min(args.workers, usable, TASKS)
    verdict = a.compare_pair(pair, "apply_async is faster", "apply_async is slower")
    same = all(b[0] == i and s[0] == i and b[3] == s[3] for i, (b, s)
               in enumerate(zip(out["apply"], out["async"])))
    a.say(f"8 tasks, each sums 1/i^2 for i up to {SPIN_STEPS} (-> pi^2/6); "
          f"{args.workers} workers")
    a.say(f"             best of {RUNS}  per task   most running at once")
    row("apply", t_apply, out["apply"])
    row("apply_async", t_async, out["async"])
    a.say(f"speedup {t_apply / t_async:.2f}x (ideal {ideal}x: {args.workers} "
          f"workers, {usable} usable CPUs): {verdict}")
    spread = max(pair[1] / pair[0], pair[3] / pair[2]) * 100 - 100
    a.say(f"the runs varied by up to {spread:.0f} % (worst over best): "
          "a smaller difference is noise")
    a.say(f"every task returned {out['async'][0][3]:.6f}, in both runs: "
          f"{'yes' if same else 'NO'}")
    a.say_busy()
    print(f"[parent {os.getpid()}] summary: speedup {t_apply / t_async:.2f}x "
          f"with {args.workers} workers (best of {RUNS}): {verdict}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
