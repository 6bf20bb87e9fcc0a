#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""5_uneven_schedule.py - the Python of 5_uneven_schedule.c: 40 tasks of
uneven cost, mapped with chunksize=1 and one chunk per worker, the best of
3 runs each; --timeline FILE writes the chunks for timeline.gp.

Usage: python3 5_uneven_schedule.py [-j N] [--seed S] [--timeline FILE]
"""
import os
import sys
import time

from _steps import PARENT, in_range, mp, parser
from forklore_rng import Rng
from forklore_verdict import busy_note, compare

TASKS, RUNS = 40, 3


def spin(seconds):
    started = time.monotonic()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
    return os.getpid(), started, time.monotonic()


def run_map(pool, workers, cost, chunksize):
    """(wall, chunks as (worker, pid, k, first, count, start, end), busy per worker)."""
    t0 = time.monotonic()
    results = pool.map(spin, cost, chunksize)
    wall = time.monotonic() - t0
    chunks, numbers, busy = [], {}, [0.0] * workers
    for k, first in enumerate(range(0, TASKS, chunksize)):
        part = results[first:first + chunksize]
        w = numbers.setdefault(part[0][0], len(numbers))
        start, end = min(r[1] for r in part) - t0, max(r[2] for r in part) - t0
        chunks.append((w, part[0][0], k, first, len(part), start, end))
        busy[w] += end - start
    return wall, chunks, busy


def best_map(pool, workers, cost, chunksize, timeline):
    wall, chunks, busy = min((run_map(pool, workers, cost, chunksize) for _ in range(RUNS)),
                             key=lambda r: r[0])
    print(f"chunksize {chunksize:2d}: {len(chunks):2d} chunks, done in {wall:.3f} s (best of "
          f"{RUNS}); busiest worker {max(busy):.3f} s, least busy {min(busy):.3f} s")
    if timeline:
        for w, pid, k, first, n, start, end in chunks:
            timeline.write(f"{chunksize} {w} {pid} {k} {first} {n} {start * 1e3:.3f} {end * 1e3:.3f}\n")
        timeline.write("\n\n")
    return wall, max(busy) - min(busy)


def main():
    p = parser(__doc__)
    p.add_argument("--seed", type=in_range(int, 0, 2**63 - 1), default=1)
    p.add_argument("--timeline", metavar="FILE")
    args = p.parse_args()
    try:  # the path first, before any work
        timeline = open(args.timeline, "w") if args.timeline is not None else None
    except OSError as e:
        p.error(f"--timeline: cannot write {args.timeline}: {e.strerror}")
    workers, rng = args.workers, Rng(args.seed)
    cost = [(2.0 + 6.0 * i / (TASKS - 1)) * (0.75 + 0.5 * rng.uniform()) / 1e3
            for i in range(TASKS)]
    print(f"{PARENT} {TASKS} tasks on {workers} workers; task i burns about 2 + 6 i/{TASKS - 1} "
          f"ms of CPU, {sum(cost):.3f} s in all: {sum(cost) / workers:.3f} s per worker if "
          f"shared evenly")
    big = -(-TASKS // workers)
    with mp.Pool(workers) as pool:
        t1, gap1 = best_map(pool, workers, cost, 1, timeline)
        tbig, gap = best_map(pool, workers, cost, big, timeline)
    if timeline:
        timeline.close()
        print(f"{PARENT} timeline written to {args.timeline} (03_pool_map/timeline.gp draws it)")
    print(f"{PARENT} chunksize 1 against chunksize {big}: "
          + compare(tbig, t1, "chunksize 1 was faster", "chunksize 1 was slower"))
    print(f"{PARENT} busiest minus least busy worker: {gap1:.3f} s (chunksize 1), {gap:.3f} s "
          f"({big}): " + ("one chunk each left a straggler" if gap > gap1 + 0.01
                          else "no straggler showed this time"))
    if busy_note():
        print(f"{PARENT} {busy_note()}")


if __name__ == "__main__":
    sys.exit(main())
