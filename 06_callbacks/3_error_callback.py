#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""3_error_callback.py - Pool.apply_async(error_callback=): a task that raises
reaches on_error() in the parent; the others reach on_result(). The mirror of
3_error_callback.c: the same inputs for the same seed, the same failures.

Both callbacks run in the parent's result-handler thread: ApplyResult._set
calls callback or error_callback (Lib/multiprocessing/pool.py).

Usage: 3_error_callback.py [-j N] [-n N] [--seed S] [-q]
"""
import argparse
import functools
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_rng import Rng  # noqa: E402 (the path first)


def square_unless_multiple_of_7(index, x, sleep_ms):  # in a worker
    time.sleep(sleep_ms / 1000)
    if x % 7 == 0:
        raise ValueError(f"input {x} is a multiple of 7")
    return index, x, x * x, os.getpid()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-j", "--workers", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("-n", type=int, default=40)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args()
    mp.set_start_method("fork")
    sys.stdout.reconfigure(line_buffering=True)
    n, parent = args.n, os.getpid()
    rng = Rng(args.seed)
    tasks = []
    for i in range(n):  # step 2's inputs for the same seed
        x = 1 + rng.below(99)
        tasks.append((i, x, 1 + rng.below(20)))
    failed, counts = [False] * n, {"ok": 0, "failed": 0}

    def on_result(value):
        index, x, sq, worker = value
        counts["ok"] += 1
        if not args.quiet:
            print(f"[callback pid {os.getpid()}] task {index}: {x}^2 = {sq} "
                  f"(computed by worker pid {worker})")

    def on_error(index, exc):  # error_callback= gets only the exception:
        failed[index] = True   # functools.partial adds the task's number
        counts["failed"] += 1
        if not args.quiet:
            print(f"[error_callback pid {os.getpid()}] task {index} failed: {exc}")

    print(f"[parent {parent}] {n} tasks (x^2 for a random x in 1..99, each "
          f"sleeping 1-20 ms; seed {args.seed}) on {args.workers} workers")
    print(f"[parent {parent}] apply_async(callback=on_result, error_callback="
          f"on_error) for each, then close and join")
    with mp.Pool(args.workers) as pool:
        for task in tasks:
            pool.apply_async(square_unless_multiple_of_7, task, callback=on_result,
                             error_callback=functools.partial(on_error, task[0]))
        pool.close()
        pool.join()
    got = [i for i in range(n) if failed[i]]
    want = [i for i, x, _ in tasks if x % 7 == 0]
    print(f"[parent {parent}] error_callback got tasks: " + " ".join(map(str, got)))
    print(f"[parent {parent}] tasks that had to fail (x a multiple of 7): "
          + " ".join(map(str, want)))
    print(f"[parent {parent}] " + (
        "the same tasks: each failure reached the error callback, no success did"
        if got == want else
        "DIFFERENT: the error callback missed or invented a failure"))
    ok, bad = counts["ok"], counts["failed"]
    print(f"[parent {parent}] totals: {ok} callbacks + {bad} error callbacks = "
          f"{ok + bad} of {n} tasks")
    return 0 if got == want and ok + bad == n else 1


if __name__ == "__main__":
    sys.exit(main())
