#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""4_chunksize_sweep.py - the Python of 4_chunksize_sweep.c: pool.map(square,
range(n), chunksize=c) for c = 1, 2, 4, ... n / workers and Python's rule,
the best of 3 runs each; -q: one map, one line (make compare times it).

Usage: python3 4_chunksize_sweep.py [-j N] [-n N] [-q [--chunksize C]]
"""
import time

from _steps import PARENT, count, in_range, mp, parser, python_chunksize
from forklore_verdict import busy_note, compare

RUNS = 3


def square(x):
    return x * x


def chunksizes(n, workers):
    largest, automatic = -(-n // workers), python_chunksize(n, workers)
    sizes, c = [], 1
    while c < largest:
        sizes.append(c)
        c *= 2
    return sorted(set(sizes + [largest, automatic]))


def sweep(pool, n, workers):
    print(f"{PARENT} map(square, range({n})) on {workers} workers, best of {RUNS} runs each; "
          f"each chunk is one message to a worker and one back, square costs nanoseconds")
    print("chunksize    chunks     seconds     items/s")
    automatic, best = python_chunksize(n, workers), {}
    expected = pool.map(square, range(n))  # unmeasured: a warm-up
    same = True
    for c in chunksizes(n, workers):
        for _ in range(RUNS):
            t0 = time.perf_counter()
            results = pool.map(square, range(n), c)
            t = time.perf_counter() - t0
            best[c] = min(best.get(c, t), t)
            same = same and results == expected
        mark = "   <- Python's rule" if c == automatic else ""
        print(f"{c:9d} {-(-n // c):9d} {best[c]:11.6f} {n / best[c]:11.0f}{mark}")
    f = min(best, key=best.get)
    print(f"{PARENT} chunksize 1 against the fastest, chunksize {f}: {best[1]:.6f} s against "
          f"{best[f]:.6f} s ({best[1] / best[f]:.0f}x): "
          + compare(best[1], best[f], "bigger chunks are faster", "chunksize 1 is faster"))
    verdict = ("Python's rule was the fastest" if f == automatic else
               compare(best[automatic], best[f], "the fastest beat Python's rule",
                       "Python's rule is faster"))
    print(f"{PARENT} Python's rule, chunksize {automatic}, against the fastest: "
          f"{best[automatic]:.6f} s against {best[f]:.6f} s: {verdict}")
    print(f"{PARENT} every chunksize gave the same results: {'yes' if same else 'NO'}")
    if busy_note():
        print(f"{PARENT} {busy_note()}")
    return same


def main():
    p = parser(__doc__)
    p.add_argument("-n", dest="items", type=in_range(count, 1, 50000000), default=200000)
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--chunksize", type=in_range(count, 1, 50000000), default=None)
    args = p.parse_args()
    with mp.Pool(args.workers) as pool:
        if args.quiet:
            results = pool.map(square, range(args.items), args.chunksize)
            print(f"map(square, range({args.items})): {args.items} items, "
                  f"checksum {sum(results) % 2**64}")
            return 0
        return 0 if sweep(pool, args.items, args.workers) else 1


if __name__ == "__main__":
    raise SystemExit(main())
