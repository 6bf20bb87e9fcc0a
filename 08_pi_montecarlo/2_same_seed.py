#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""2_same_seed.py - the mirror of 2_same_seed.c: the fork + RNG bug. Every
worker's share starts from the same seeded generator, so W workers throw the
same darts W times over. (Python's own random module reseeds itself in a
forked child since 3.7; the bug comes from NumPy's legacy global generator,
or from random.seed(S) in every worker.)

Usage: python3 2_same_seed.py [-j W] [-n DARTS] [--seed S] [--weak] [--csv] [-q]
"""
import multiprocessing
import os
import time

from pi_steps import Rng, parse, print_csv, print_estimate, summary, throw_block


def main():
    o = parse(__doc__.splitlines()[0])
    me, total, s = os.getpid(), o.total, "" if o.workers == 1 else "s"
    shares = [(Rng(o.seed), total // o.workers + (w < total % o.workers))
              for w in range(o.workers)]
    with multiprocessing.Pool(o.workers) as pool:
        t0 = time.perf_counter()
        results = pool.map(throw_block, shares, chunksize=1)
        seconds = time.perf_counter() - t0
    inside = sum(hits for _, hits in results)
    if o.csv:
        print_csv(o.workers, total, seconds, inside)
        return
    if not o.quiet:
        print(f"[parent {me}] pi by Monte Carlo, every worker from the same seed: {total} "
              f"darts, {o.workers} worker{s}, seed {o.seed}"
              + (" (weak scaling: -n darts per worker)" if o.weak else ""))
        print(f"[parent {me}] {len(shares)} share{s}, every one starting from the same "
              "generator state")
        print_estimate(me, inside, total)
        if o.workers > 1:
            d = shares[0][1]
            print(f"[parent {me}] but only {d} of those darts were different: "
                  f"the error of {d} darts")
    summary("2_same_seed", inside, total, o.workers,
            f" with {o.workers} worker{s}, all from one seed")


if __name__ == "__main__":
    main()
