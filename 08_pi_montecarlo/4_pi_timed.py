#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""4_pi_timed.py - the mirror of 4_pi_timed.c: step 3's job, timed, with
--serial-fraction (the parent throws fraction F of the 1-worker run alone
first) and --weak (-n darts per worker).

Usage: python3 4_pi_timed.py [-j W] [-n DARTS] [--seed S] [--serial-fraction F]
                             [--weak] [--csv] [-q]
"""
import math
import multiprocessing
import os
import sys
import time

from pi_steps import Rng, parse, plan_blocks, print_csv, print_estimate, summary, throw_block, \
    throw_darts


def main():
    o = parse(__doc__.splitlines()[0], serial=True)
    me, total, s = os.getpid(), o.total, "" if o.workers == 1 else "s"
    blocks = plan_blocks(o.seed, total)
    # floor(x + 0.5): C's llround (Python's round() rounds halves to even)
    serial_darts = math.floor(o.serial_fraction / (1 - o.serial_fraction) * o.darts + 0.5)
    narrate = not o.quiet and not o.csv
    if narrate:
        print(f"[parent {me}] pi by Monte Carlo, timed: {total} darts in {len(blocks)} blocks, "
              f"{o.workers} worker{s}, seed {o.seed}"
              + (" (weak scaling: -n darts per worker)" if o.weak else ""))
        if serial_darts:
            print(f"[parent {me}] --serial-fraction {o.serial_fraction:g}: the parent "
                  f"throws {serial_darts} dart{'' if serial_darts == 1 else 's'} alone first")
    sys.stdout.flush()
    with multiprocessing.Pool(o.workers) as pool:
        t0 = time.perf_counter()
        throw_darts(Rng(o.seed ^ 0x5E71A1), serial_darts)       # serial work
        results = pool.map(throw_block, blocks, chunksize=1)
        seconds = time.perf_counter() - t0
    inside = sum(hits for _, hits in results)
    if o.csv:
        print_csv(o.workers, total, seconds, inside)
        return
    if narrate:
        print_estimate(me, inside, total)
        print(f"[parent {me}] {seconds:.3f} s, {total / seconds / 1e6:.1f} million darts/s "
              f"with {o.workers} worker{s}")
    summary("4_pi_timed", inside, total, o.workers, f" in {seconds:.3f} s with {o.workers} worker{s}")


if __name__ == "__main__":
    main()
