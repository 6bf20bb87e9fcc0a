#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pi_steps.py - what the Python mirrors of steps 2 to 4 share, as
pi_steps.h does for the C steps: the options, the kernel, the plan of blocks.

It uses the C library's generator (xoshiro256** seeded through splitmix64,
and its 2^128-step jump) in pure Python, common/python/forklore_rng.py, so the
same seed and dart count give exactly the same hits and estimate as the C
programs, only about a hundred times slower: hence the smaller default (-n
500K instead of 100M).
"""
import argparse
import math
import os
import sys

# common/rng.c's generator, so a seed gives the C program's darts.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_rng import Rng  # noqa: E402,F401 (the path first; the steps use Rng)

BLOCK_DARTS = 100_000
MAX_DARTS = 10**11


def throw_darts(rng, darts):
    """Count the darts inside the quarter circle: x then y for each dart,
    as throw_darts() in pi_steps.h draws them."""
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


def parse(description, serial=False):
    """The options of a step; serial=True adds --serial-fraction (step 4).
    The default -j is the CPUs this process may run on, as in C; Pool()'s own
    default is os.cpu_count() up to Python 3.12 and os.process_cpu_count()
    (the same affinity count) from 3.13 (Lib/multiprocessing/pool.py)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("-j", "--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("-n", type=count, default=500_000, dest="darts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--weak", action="store_true")
    parser.add_argument("--csv", action="store_true")
    parser.add_argument("-q", "--quiet", action="store_true")
    if serial:
        parser.add_argument("--serial-fraction", type=fraction, default=0.0)
    o = parser.parse_args()
    if o.workers < 1:
        parser.error("-j: must be at least 1")
    o.total = o.darts * (o.workers if o.weak else 1)
    return o


def plan_blocks(seed, total):
    """Block k starts at stream k: the seed jumped k times, one jump a block."""
    r, blocks = Rng(seed), []
    for k in range((total + BLOCK_DARTS - 1) // BLOCK_DARTS):
        blocks.append((r.copy(), min(BLOCK_DARTS, total - k * BLOCK_DARTS)))
        r.jump()
    return blocks


def print_csv(workers, total, seconds, inside):
    estimate = 4 * inside / total
    print("workers,darts,seconds,estimate,error")
    print(f"{workers},{total},{seconds:.6f},{estimate:.10f},{abs(estimate - math.pi):.10f}")


def print_estimate(me, inside, total):
    """The result lines: the estimate, and its error in standard errors."""
    estimate = 4 * inside / total
    error = abs(estimate - math.pi)
    p = math.pi / 4
    std_error = 4 * math.sqrt(p * (1 - p) / total)
    print(f"[parent {me}] {inside} of {total} darts inside: pi ~ {estimate:.7f}")
    print(f"[parent {me}] error {error:.7f} = {error / std_error:.2f} standard errors "
          f"(one standard error: {std_error:.7f})")


def summary(name, inside, total, workers, tail=""):
    estimate = 4 * inside / total
    print(f"{name}: pi ~ {estimate:.7f} (error {abs(estimate - math.pi):.7f}) from {total} "
          f"darts{tail}")
