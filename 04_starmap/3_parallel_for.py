#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""3_parallel_for.py - the Python original of 3_parallel_for.c: the
parallel-for pattern, pool.starmap(do_range, chunks(n, processes)).

Usage: python3 3_parallel_for.py [-j N] [-n N] [--seed S] [-q]

Same lines and checksums as build/bin/3_parallel_for (Python's loop body is
about a hundred times slower, so -n defaults to 20000 here).
"""
import argparse
import os
from multiprocessing import Pool, cpu_count, current_process

from loopbody import MASK, chunks, count, do_something, in_range

SEED = 42


def init_worker(seed):   # the seed reaches the workers whatever the start method
    global SEED
    SEED = seed


def do_range(start, end):
    """One task: the worker runs the loop over its own range."""
    total = sum(do_something(i, SEED) for i in range(start, end)) & MASK
    worker = current_process()._identity[0] - 1   # PoolWorker-1 is worker 0
    return total, worker, os.getpid(), start, end


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--workers", type=in_range(int, 1, 8 * cpu_count()),
                        default=len(os.sched_getaffinity(0)))
    parser.add_argument("-n", type=in_range(count, 1, 10**9), default=20000)
    parser.add_argument("--seed", type=in_range(int, 0, 2**63 - 1), default=42)
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args()
    n, workers, me = args.n, args.workers, os.getpid()
    with Pool(workers, initializer=init_worker, initargs=(args.seed,)) as pool:
        ranges = chunks(n, workers)
        parts = pool.starmap(do_range, ranges, chunksize=1)
    checksum = sum(p[0] for p in parts) & MASK
    if not args.quiet:
        print(f"[parent {me}] a pool of {workers} workers")
        print(f"[parent {me}] chunks({n}, {workers}) = {ranges}")
        for c, (_, worker, pid, start, end) in enumerate(parts):
            print(f"[parent {me}] range {c}: worker {worker} (pid {pid}) looped over "
                  f"indices {start} to {end - 1}: {end - start} indices")
        serial = sum(do_something(i, args.seed) for i in range(n)) & MASK
        if serial != checksum:
            raise SystemExit("3_parallel_for.py: checksums differ")
        print(f"[parent {me}] the serial loop gives the same checksum, {serial}")
    print(f"summary: n {n}, {workers} workers, checksum {checksum}")


if __name__ == "__main__":
    main()
