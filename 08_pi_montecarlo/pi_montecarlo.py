#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pi_montecarlo.py - the Python mirror of pi_montecarlo.c: Monte Carlo pi on
a multiprocessing.Pool, timed.

Usage: python3 pi_montecarlo.py [-j W] [-n DARTS] [--seed S] [--same-seed]
                                [--serial-fraction F] [--weak] [--csv] [-q]

It uses the C library's generator (xoshiro256** seeded through splitmix64,
and its 2^128-step jump) in pure Python, common/python/forklore_rng.py, so the
same seed and dart count give exactly the same hits and estimate as the C
program, only about a hundred times slower: hence the smaller default (-n 500K
instead of 100M).
"""
import argparse
import math
import multiprocessing
import os
import sys
import time

# common/rng.c's generator, so a seed gives the C program's darts.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_rng import Rng  # noqa: E402 (the path first)

BLOCK_DARTS = 100_000
MAX_DARTS = 10**11


# ---- the kernel and the task -------------------------------------------
def throw_darts(rng, darts):
    """Count the darts inside the quarter circle: x then y for each dart,
    as throw_darts() in pi_montecarlo.c draws them."""
    draws = rng.uniforms(2 * darts)   # x, y, x, y, ... (fast: see forklore_rng)
    # zip() of one iterator with itself pairs consecutive draws: (x, y).
    return sum(x * x + y * y < 1.0 for x, y in zip(draws, draws))


def throw_block(block):
    """The task, run in a worker: block = (generator, darts)."""
    rng, darts = block
    return os.getpid(), throw_darts(rng, darts)


def count(text):
    """-n 250K, 2.5M, 1e9: the same short forms as cli_parse_count()."""
    scale = {"k": 10**3, "m": 10**6, "g": 10**9}.get(text[-1:].lower(), 1)
    value = float(text[:-1] if scale > 1 else text) * scale
    if value != int(value) or not 1 <= value <= MAX_DARTS:
        raise argparse.ArgumentTypeError(f"'{text}' is not a count in 1..{MAX_DARTS}")
    return int(value)


def fraction(text):
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"{text} is out of range (0 to below 1)")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("-n", type=count, default=500_000, dest="darts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--same-seed", action="store_true")
    parser.add_argument("--serial-fraction", type=fraction, default=0.0)
    parser.add_argument("--weak", action="store_true")
    parser.add_argument("--csv", action="store_true")
    parser.add_argument("-q", "--quiet", action="store_true")
    o = parser.parse_args()
    if o.workers < 1:
        parser.error("-j: must be at least 1")
    narrate = not o.quiet and not o.csv
    me = os.getpid()
    total = o.darts * (o.workers if o.weak else 1)

    # The plan: block k starts at stream k, the seed jumped k times...
    if not o.same_seed:
        r = Rng(o.seed)
        blocks = []
        t0 = time.perf_counter()
        for k in range((total + BLOCK_DARTS - 1) // BLOCK_DARTS):
            blocks.append((r.copy(), min(BLOCK_DARTS, total - k * BLOCK_DARTS)))
            r.jump()
        jump_seconds = time.perf_counter() - t0
    else:
        # ... or the bug: every worker's share starts from the same state.
        blocks = [(Rng(o.seed), total // o.workers + (w < total % o.workers))
                  for w in range(o.workers)]
    # floor(x + 0.5): C's llround (Python's round() rounds halves to even)
    serial_darts = math.floor(o.serial_fraction / (1 - o.serial_fraction) * o.darts + 0.5)

    s = "" if o.workers == 1 else "s"
    if narrate:
        print(f"[parent {me}] pi by Monte Carlo: {total} darts, {o.workers} worker{s}, "
              f"seed {o.seed}" + (" (weak scaling: -n darts per worker)" if o.weak else ""))
        print("== plan ==")
        if not o.same_seed:
            n = len(blocks)
            print(f"[parent {me}] {n} block{'' if n == 1 else 's'} of up to {BLOCK_DARTS} "
                  "darts; block k draws from stream k (the seed jumped k times)")
            print(f"[parent {me}] {n} jumps of 2^128 steps took {jump_seconds * 1e3:.3f} ms "
                  f"({jump_seconds * 1e6 / n:.2f} us each)")
            print(f"[parent {me}] so the estimate depends on the seed and the darts, not on -j")
        else:
            print(f"[parent {me}] --same-seed: {len(blocks)} share{s}, every one starting "
                  "from the same generator state")
            print(f"[parent {me}] (the fork + RNG bug: each worker throws the same darts "
                  "as the others)")
        if serial_darts:
            print(f"[parent {me}] --serial-fraction {o.serial_fraction:g}: the parent "
                  f"throws {serial_darts} dart{'' if serial_darts == 1 else 's'} alone first")
    sys.stdout.flush()

    with multiprocessing.Pool(o.workers) as pool:
        t0 = time.perf_counter()
        throw_darts(Rng(o.seed ^ 0x5E71A1), serial_darts)       # serial work
        results = pool.map(throw_block, blocks, chunksize=1)
        seconds = time.perf_counter() - t0

    inside = sum(hits for _, hits in results)                    # the reduce
    estimate = 4 * inside / total
    error = abs(estimate - math.pi)
    p = math.pi / 4
    std_error = 4 * math.sqrt(p * (1 - p) / total)
    if o.csv:
        print("workers,darts,seconds,estimate,error")
        print(f"{o.workers},{total},{seconds:.6f},{estimate:.10f},{error:.10f}")
    elif narrate:
        print("== throwing ==")
        pids = list(dict.fromkeys(pid for pid, _ in results))    # in order seen
        for w, pid in enumerate(pids):
            mine = [b for b, (owner, _) in zip(blocks, results) if owner == pid]
            print(f"[parent {me}] worker {w} (pid {pid}): {len(mine)} "
                  f"block{'' if len(mine) == 1 else 's'}, {sum(d for _, d in mine)} darts")
        print("== result ==")
        print(f"[parent {me}] {inside} of {total} darts inside: pi ~ {estimate:.7f}")
        print(f"[parent {me}] error {error:.7f} = {error / std_error:.2f} standard errors "
              f"(one standard error: {std_error:.7f})")
        if o.same_seed and o.workers > 1:
            d = blocks[0][1]
            print(f"[parent {me}] but only {d} of those darts were different: "
                  f"the error of {d} darts")
        print(f"[parent {me}] {seconds:.3f} s, {total / seconds / 1e6:.1f} million darts/s "
              f"with {o.workers} worker{s}")
    if not o.csv:
        print(f"pi_montecarlo: pi ~ {estimate:.7f} (error {error:.7f}) from {total} darts "
              f"in {seconds:.3f} s with {o.workers} worker{s}"
              + (" (--same-seed)" if o.same_seed else ""))


if __name__ == "__main__":
    main()
