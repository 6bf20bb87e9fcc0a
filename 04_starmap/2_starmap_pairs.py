#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""2_starmap_pairs.py - the Python original of 2_starmap_pairs.c:
Pool.starmap over six (x, y) pairs.

Usage: python3 2_starmap_pairs.py [-j N]

Same results as build/bin/2_starmap_pairs. Not mirrored: the order in which
the power tasks finish (Pool.starmap has no per-task hook).
"""
import argparse
import os
import time
from multiprocessing import Pool

NPAIRS = 6


def add(x, y):
    return x + y


def power(x, y):
    time.sleep(0.005 * (NPAIRS - x))   # pair k is (k + 1, k + 2): later ones sleep less
    return x ** y


def workers_arg(text):
    value = int(text)
    if not 1 <= value <= 8 * os.cpu_count():
        raise argparse.ArgumentTypeError(f"{value} is out of range")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--workers", type=workers_arg,
                        default=len(os.sched_getaffinity(0)))
    workers, me = parser.parse_args().workers, os.getpid()
    pairs = [(i + 1, i + 2) for i in range(NPAIRS)]
    with Pool(workers) as pool:
        sums = pool.starmap(add, pairs)
        powers = pool.starmap(power, pairs, chunksize=1)
    print(f"[parent {me}] a pool of {workers} workers")
    print(f"[parent {me}] pairs = {pairs}")
    print(f"[parent {me}] starmap(add, pairs)   = {sums}")
    print(f"[parent {me}] starmap(power, pairs) = {powers}")


if __name__ == "__main__":
    main()
