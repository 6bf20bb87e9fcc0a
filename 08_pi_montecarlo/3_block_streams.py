#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""3_block_streams.py - the mirror of 3_block_streams.c: blocks of 100000
darts, block k from stream k, mapped over a Pool with chunksize 1, so the
estimate depends on the seed and the darts, never on the worker count.

Usage: python3 3_block_streams.py [-j W] [-n DARTS] [--seed S] [--weak] [--csv] [-q]
"""
import multiprocessing
import os
import time

from pi_steps import BLOCK_DARTS, parse, plan_blocks, print_csv, print_estimate, summary, \
    throw_block


def print_plan(me, n, seconds):
    print("== plan ==")
    print(f"[parent {me}] {n} block{'' if n == 1 else 's'} of up to {BLOCK_DARTS} "
          "darts; block k draws from stream k (the seed jumped k times)")
    print(f"[parent {me}] {n} jumps of 2^128 steps took {seconds * 1e3:.3f} ms "
          f"({seconds * 1e6 / n:.2f} us each)")
    print(f"[parent {me}] so the estimate depends on the seed and the darts, not on -j")


def main():
    o = parse(__doc__.splitlines()[0])
    me, total, s = os.getpid(), o.total, "" if o.workers == 1 else "s"
    t0 = time.perf_counter()
    blocks = plan_blocks(o.seed, total)
    jump_seconds = time.perf_counter() - t0
    with multiprocessing.Pool(o.workers) as pool:
        t0 = time.perf_counter()
        results = pool.map(throw_block, blocks, chunksize=1)
        seconds = time.perf_counter() - t0
    inside = sum(hits for _, hits in results)                   # the reduce
    if o.csv:
        print_csv(o.workers, total, seconds, inside)
        return
    if not o.quiet:
        print(f"[parent {me}] pi by Monte Carlo: {total} darts, {o.workers} worker{s}, "
              f"seed {o.seed}" + (" (weak scaling: -n darts per worker)" if o.weak else ""))
        print_plan(me, len(blocks), jump_seconds)
        print("== throwing ==")
        pids = list(dict.fromkeys(pid for pid, _ in results))   # in order seen
        for w, pid in enumerate(pids):
            mine = [b for b, (owner, _) in zip(blocks, results) if owner == pid]
            print(f"[parent {me}] worker {w} (pid {pid}): {len(mine)} "
                  f"block{'' if len(mine) == 1 else 's'}, {sum(d for _, d in mine)} darts")
        print("== result ==")
        print_estimate(me, inside, total)
    summary("3_block_streams", inside, total, o.workers, f" with {o.workers} worker{s}")


if __name__ == "__main__":
    main()
