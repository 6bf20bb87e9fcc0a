#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""3_chunk_trace.py - the Python of 3_chunk_trace.c: how map cuts 20 items
into chunks (Python's rule, then one chunk per worker or --chunksize).

Usage: python3 3_chunk_trace.py [-j N] [--chunksize C]
Python's map does not say which worker ran which chunk, so each item
reports its pid and times, grouped by chunk: chunk k is items
[k * chunksize, (k + 1) * chunksize).
"""
import os
import time

from _steps import PARENT, count, in_range, mp, parser, python_chunksize

ITEMS = 20


def work_a_little(x):
    started = time.monotonic()
    end = time.perf_counter() + 0.001
    while time.perf_counter() < end:
        pass
    return x, os.getpid(), started, time.monotonic()


def trace_map(pool, workers, chunksize, numbers):
    t0 = time.monotonic()
    results = pool.map(work_a_little, range(ITEMS), chunksize)
    per_worker, seen = {}, [0] * ITEMS
    for k, first in enumerate(range(0, ITEMS, chunksize)):
        part = results[first:first + chunksize]
        pid, started, finished = part[0][1], min(r[2] for r in part), max(r[3] for r in part)
        w = numbers.setdefault(pid, len(numbers))  # worker numbers by first appearance
        print(f"  chunk {k}: items {first}-{first + len(part) - 1}  worker {w} pid {pid}  "
              f"{(started - t0) * 1e3:.1f}-{(finished - t0) * 1e3:.1f} ms")
        chunks, n = per_worker.get(w, (0, 0))
        per_worker[w] = (chunks + 1, n + len(part))
        for i in range(first, first + len(part)):
            seen[i] += 1
    pids = {w: pid for pid, w in numbers.items()}
    for w in range(workers):
        chunks, n = per_worker.get(w, (0, 0))
        print(f"{PARENT} worker {w} pid {pids.get(w, 0)}: chunks {chunks}, items {n}")
    once = seen == [1] * ITEMS and [r[0] for r in results] == list(range(ITEMS))
    print(f"{PARENT} every item 0-{ITEMS - 1} was in exactly one chunk: {'yes' if once else 'NO'}")
    return once


def main():
    p = parser(__doc__)
    p.add_argument("--chunksize", type=in_range(count, 1, 50000000), default=0)
    args = p.parse_args()
    workers = args.workers
    automatic = python_chunksize(ITEMS, workers)
    print(f"{PARENT} {ITEMS} items, {workers} workers; Python's rule: chunksize = ceil({ITEMS} / "
          f"(4 x {workers} workers)) = {automatic}, so {-(-ITEMS // automatic)} chunks")
    numbers = {}
    with mp.Pool(workers) as pool:
        ok = trace_map(pool, workers, automatic, numbers)
        chosen = args.chunksize or -(-ITEMS // workers)
        how = (", from --chunksize" if args.chunksize else
               ": one chunk per worker (choose another with --chunksize)")
        print(f"{PARENT} chunksize = {chosen}{how}, so {-(-ITEMS // chosen)} chunks")
        ok = trace_map(pool, workers, chosen, numbers) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
