#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""4_false_sharing.py - per-worker counters packed (one RawArray slot each)
against padded (8 slots apart: 64 bytes), best of 3. Mirror of
4_false_sharing.c; the interpreter's own work per += mostly hides the cache
line, and the verdict says what this run found.

Usage: 4_false_sharing.py [-j N] [-n N] [-q]
"""
import multiprocessing as mp

from _steps import RUNS, best_of, compare, parser, print_busy, run_workers, say


def count(w, counters, stride, n):
    for _ in range(n):
        counters[w * stride] += 1  # only this worker touches this slot


if __name__ == "__main__":
    args = parser("4_false_sharing.py", n=200_000).parse_args()
    j, n = args.workers, args.n
    say(f"{j} workers, each adds 1 to its OWN counter {n} times")
    reached = True

    def run(stride):
        global reached
        counters = mp.RawArray("l", j * stride)
        seconds = run_workers(j, count, counters, stride, n)
        reached &= all(counters[w * stride] == n for w in range(j))
        return seconds

    packed, padded = best_of(lambda: run(1)), best_of(lambda: run(8))
    say(f"every counter reached {n}: {'yes' if reached else 'NO'}")
    say(f"packed side by side (8 bytes apart): {packed:.3f} s (best of {RUNS})")
    say(f"padded to 64 bytes each:             {padded:.3f} s (best of {RUNS})")
    say("padded against packed: " + compare(packed, padded, "padding is faster", "padding is slower"))
    print_busy()
    raise SystemExit(0 if reached else 1)
