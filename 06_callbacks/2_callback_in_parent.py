#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""2_callback_in_parent.py - Pool.apply_async(callback=): the workers compute,
the parent calls on_result() for each result, one at a time, as tasks finish.
The mirror of 2_callback_in_parent.c: the same inputs for the same seed
(common/python/forklore_rng.py), so the same results.

In Python the callback runs in the parent's result-handler thread
(Lib/multiprocessing/pool.py: Pool._handle_results -> ApplyResult._set).

Usage: 2_callback_in_parent.py [-j N] [-n N] [--seed S] [-q]
"""
import argparse
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_rng import Rng  # noqa: E402 (the path first)


def square(index, x, sleep_ms):  # in a worker
    time.sleep(sleep_ms / 1000)
    return index, x, x * x, sleep_ms, os.getpid()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-j", "--workers", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("-n", type=int, default=40)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args()
    mp.set_start_method("fork")  # as the C pool: workers are copies
    sys.stdout.reconfigure(line_buffering=True)  # nothing buffered at fork
    n, parent = args.n, os.getpid()
    rng = Rng(args.seed)
    tasks = []
    for i in range(n):
        x = 1 + rng.below(99)
        tasks.append((i, x, 1 + rng.below(20)))
    results, calls, order, elsewhere = [None] * n, [0] * n, [], 0

    def on_result(value):  # callback=: in the parent (result-handler thread)
        nonlocal elsewhere
        index, x, sq, sleep_ms, worker = value
        elsewhere += os.getpid() != parent
        results[index] = sq
        calls[index] += 1
        order.append(index)
        if not args.quiet:
            print(f"[callback pid {os.getpid()}] task {index}: {x}^2 = {sq} "
                  f"(slept {sleep_ms} ms in worker pid {worker})")

    print(f"[parent {parent}] {n} tasks (x^2 for a random x in 1..99, each "
          f"sleeping 1-20 ms; seed {args.seed}) on {args.workers} workers")
    print(f"[parent {parent}] apply_async(callback=on_result) for each, then "
          f"close and join")
    with mp.Pool(args.workers) as pool:
        for task in tasks:
            pool.apply_async(square, task, callback=on_result)
        pool.close()
        pool.join()
    once = sum(1 for k in calls if k == 1)
    print(f"[parent {parent}] pool_join returned after {len(order)} callbacks: "
          f"{len(order) - elsewhere} in pid {parent} (the parent), {elsewhere} "
          f"elsewhere; {once} of {n} tasks called back exactly once")
    print(f"[parent {parent}] completion order: " + " ".join(map(str, order)))
    print(f"[parent {parent}] results[] (task order): "
          + " ".join("-" if r is None else str(r) for r in results))
    total = sum(r for r in results if r is not None)
    expected = sum(x * x for _, x, _ in tasks)
    print(f"[parent {parent}] sum of the squares: {total} (a plain loop in the "
          f"parent gives {expected}: "
          f"{'the same' if total == expected else 'DIFFERENT'})")
    return 0 if total == expected and not elsewhere and once == n else 1


if __name__ == "__main__":
    sys.exit(main())
