#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""4_task_cost.py - the Python original of 4_task_cost.c: one loop four
ways (serial; map with chunksize C; map's default chunks; one range per
worker), each timed best of 3.

Usage: python3 4_task_cost.py [-j N] [-n N] [--chunksize C]

Same tasks and checksum as build/bin/4_task_cost (default -n 20000 here:
Python's loop body is about a hundred times slower). Not mirrored: the data
bytes column (Python sends pickles, not raw structs), and the pool's own
task count (computed here from n and the chunksize).
"""
import argparse
import os
import time
from multiprocessing import Pool, cpu_count

from loopbody import MASK, chunks, count, do_something, in_range

RUNS = 3


def do_range(start, end):
    return sum(do_something(i) for i in range(start, end)) & MASK


def best_of(fn):
    """The best of RUNS timings of fn(), and its result."""
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def verdict(base, t, faster, slower):   # common/verdict.h's rule, 5 %
    if t < base * 0.95:
        return faster
    return slower if t > base * 1.05 else "too close to call on this machine"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--workers", type=in_range(int, 1, 8 * cpu_count()),
                        default=len(os.sched_getaffinity(0)))
    parser.add_argument("-n", type=in_range(count, 1, 10**8), default=20000)
    parser.add_argument("--chunksize", type=in_range(count, 1, 10**9), default=1)
    args = parser.parse_args()
    n, workers, c = args.n, args.workers, args.chunksize
    rule = -(-n // (4 * workers))   # Pool.map's own rule: ceil(n / (4 x workers))
    with Pool(workers) as pool:
        ways = [
            ("for i in range(n) (serial, in the parent)", 0,
             lambda: sum(do_something(i) for i in range(n)) & MASK),
            (f"map(do_something, range(n), chunksize={c})", -(-n // c),
             lambda: sum(pool.map(do_something, range(n), chunksize=c)) & MASK),
            (f"map(do_something, range(n)) [chunksize={rule}]", -(-n // rule),
             lambda: sum(pool.map(do_something, range(n))) & MASK),
            (f"starmap(do_range, chunks(n, {workers}))", len(chunks(n, workers)),
             lambda: sum(pool.starmap(do_range, chunks(n, workers), chunksize=1)) & MASK),
        ]
        print(f"[parent {os.getpid()}] n {n}, {workers} workers, best of {RUNS} runs per row")
        print(f"{'how':<44} {'tasks':>8} {'best ms':>8} {'speedup':>8}  verdict")
        sums = []
        for k, (how, tasks, fn) in enumerate(ways):
            best, checksum = best_of(fn)
            base = base if k else best
            sums.append(checksum)
            judged = verdict(base, best, "faster than serial", "slower than serial")
            print(f"{how:<44} {tasks:>8} {best * 1e3:8.1f} {base / best:7.2f}x  "
                  f"{judged if k else '(the baseline)'}")
    if len(set(sums)) != 1:
        raise SystemExit("4_task_cost.py: checksums differ")
    print(f"[parent {os.getpid()}] all four give checksum {sums[0]}")
    print(f"summary: n {n}, {workers} workers, checksum {sums[0]}")


if __name__ == "__main__":
    main()
