#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""6_slow_callback.py - what a slow callback costs in Python's Pool. The
mirror of 6_slow_callback.c, with the model that fits Python.

Python's Pool is not this tutorial's pool. Its parent has three threads
(Lib/multiprocessing/pool.py): _handle_tasks puts every task into the inqueue
pipe as soon as it is submitted, the workers take tasks from that pipe and
put results into the outqueue pipe, and _handle_results reads the outqueue
and runs the callbacks (ApplyResult._set). So a slow callback holds up only
the result-handler thread: the workers keep going (until the outqueue pipe
fills, which tiny results do not). The run then lasts about
max(n x t / w, t + n x c): the workers' share, or the first task plus every
callback back to back, whichever is longer.

Usage: 6_slow_callback.py [-j N] [-n N] [--callback-ms MS] [-q]
"""
import argparse
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_verdict import busy_note, compare  # noqa: E402 (the path first)

TASK_MS, ROUNDS = 5, 3


def work(index):  # in a worker
    time.sleep(TASK_MS / 1000)
    return index


def timed_run(workers, tasks, callback_ms):
    def slow(_):
        time.sleep(callback_ms / 1000)  # a callback that dawdles
    with mp.Pool(workers) as pool:
        t0 = time.perf_counter()
        for i in range(tasks):
            pool.apply_async(work, (i,), callback=slow)
        pool.close()
        pool.join()
        return time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-j", "--workers", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("-n", type=int, default=20)
    p.add_argument("--callback-ms", type=int, default=20)
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args()
    mp.set_start_method("fork")
    sys.stdout.reconfigure(line_buffering=True)
    n, w, c, parent = args.n, args.workers, args.callback_ms, os.getpid()
    print(f"[parent {parent}] {n} tasks of {TASK_MS} ms each on {w} workers, "
          f"timed from the first apply_async to the end of join, best of "
          f"{ROUNDS} runs each")
    best = [float("inf"), float("inf")]
    for rnd in range(1, ROUNDS + 1):  # alternate, so load hits both alike
        for k, cb in enumerate((0, c)):
            t = timed_run(w, n, cb)
            best[k] = min(best[k], t)
            if not args.quiet:
                print(f"[parent {parent}] round {rnd}: callback of {cb} ms: {t:.3f} s")
    work_s = n * TASK_MS / 1000
    print(f"[parent {parent}] callback of 0 ms:  {best[0]:.3f} s  (the work "
          f"alone: {n} x {TASK_MS} ms / {w} workers = {work_s / w:.3f} s)")
    print(f"[parent {parent}] callback of {c} ms: {best[1]:.3f} s  ({n} "
          f"callbacks x {c} ms = {n * c / 1000:.3f} s in the parent, one at a time)")
    print(f"[parent {parent}] the slow run took {best[1] / best[0]:.1f}x the fast one: "
          + compare(best[1], best[0], "the slow callback cost time",
                    "the slow callback run was faster"))
    print(f"[parent {parent}] model for Python's Pool: the workers run on while "
          f"the result-handler thread runs the callbacks:")
    model = max(n * TASK_MS / w, TASK_MS + n * c) / 1000
    print(f"[parent {parent}]   max({n} x {TASK_MS} ms / {w} workers, {TASK_MS} "
          f"ms + {n} x {c} ms) = {model:.3f} s (this tutorial's pool: "
          f"{n} / {w} x max({TASK_MS} + {c}, {w} x {c}) ms = "
          f"{n / w * max(TASK_MS + c, w * c) / 1000:.3f} s)")
    if note := busy_note():  # as verdict_print_busy
        print(f"[parent {parent}] {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
