#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""7_map_speedup.py - the Python of 7_map_speedup.c: a loop against
pool.map on 1 .. N workers, CPU-bound, the best of 3 runs each. The same
arithmetic as crunch() in C, but Python runs it about a hundred times
slower, so each task does 1/100 of the steps (and the results differ).

Usage: python3 7_map_speedup.py [-j N]
"""
import time

from _steps import CPUS, PARENT, mp, parser
from forklore_verdict import busy_note, compare

TASKS, STEPS, RUNS = 16, 4000000 // 100, 3
MASK = 2**64 - 1


def crunch(seed):
    x, acc = seed, 0
    for _ in range(STEPS):
        x = (x * 6364136223846793005 + 1442695040888963407) & MASK
        acc ^= ((x >> 29) + (acc << 5)) & MASK
    return acc


def best_of(fn):
    best, result = None, None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        result = fn()
        t = time.perf_counter() - t0
        best = t if best is None else min(best, t)
    return best, result


def main():
    workers = parser(__doc__).parse_args().workers
    print(f"{PARENT} {TASKS} tasks of {STEPS} arithmetic steps each; best of {RUNS} runs; "
          f"each pool is started before the clock starts")
    inputs = [i + 1 for i in range(TASKS)]
    loop, serial = best_of(lambda: [crunch(x) for x in inputs])
    print(f"sequential loop     {loop:7.3f} s")
    same = True
    for w in range(1, workers + 1):
        with mp.Pool(w) as pool:
            t, results = best_of(lambda: pool.map(crunch, inputs))
        print(f"map, {w:2d} worker{' ' if w == 1 else 's'}    {t:7.3f} s   speedup "
              f"{loop / t:.2f}x: " + compare(loop, t, "faster than the loop", "slower than the loop"))
        same = same and results == serial
    print(f"{PARENT} every run computed the same results: {'yes' if same else 'NO'}")
    print(f"{PARENT} this machine lets us use {CPUS} CPUs: more workers than that take turns on them")
    if busy_note():
        print(f"{PARENT} {busy_note()}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
