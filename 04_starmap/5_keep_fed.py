#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""5_keep_fed.py - the Python original of 5_keep_fed.c: starmap_async and
map_async, the parent busy meanwhile.

Usage: python3 5_keep_fed.py

Python's Pool keeps its workers fed by itself: three threads in the parent
(_handle_workers, _handle_tasks, _handle_results in
Lib/multiprocessing/pool.py) send tasks and collect results while the main
thread does something else, so looking at ready() changes nothing here;
the C pool has no threads, which is what 5_keep_fed.c measures.
"""
import math
import os
import time
from multiprocessing import Pool

NPAIRS = 6


def slow_power(x, y):
    time.sleep(0.020)
    return x ** y


def slow_cube(x):
    time.sleep(0.020)
    return x ** 3


def count_primes(below):
    """A sieve (trial division, as in the C, would take seconds in Python)."""
    sieve = bytearray([1]) * below
    sieve[0:2] = b"\0\0"
    for k in range(2, math.isqrt(below - 1) + 1):
        if sieve[k]:
            sieve[k * k::k] = bytes(len(range(k * k, below, k)))
    return sum(sieve)


def main():
    me = os.getpid()
    pairs = [(i + 1, i + 2) for i in range(NPAIRS)]
    with Pool(2) as pool:
        t0 = time.perf_counter()
        r1 = pool.starmap_async(slow_power, pairs, chunksize=1)
        r2 = pool.map_async(slow_cube, range(1, 7), chunksize=1)
        print(f"[parent {me}] 2 workers; starmap_async(slow_power, pairs) and "
              f"map_async(slow_cube, 1..6): 12 tasks of 20 ms")
        print(f"[parent {me}] ready() right away: "
              f"{str(r1.ready()).lower()}, {str(r2.ready()).lower()}")
        primes = count_primes(600000)
        powers, cubes = r1.get(), r2.get()
        took = time.perf_counter() - t0
        print(f"[parent {me}] meanwhile the parent found {primes} primes below 600000")
        print(f"[parent {me}] successful(): "
              f"{str(r1.successful()).lower()}, {str(r2.successful()).lower()}")
        print(f"[parent {me}] starmap_async(slow_power, pairs).get() = {powers}")
        print(f"[parent {me}] map_async(slow_cube, 1..6).get()       = {cubes}")
        print(f"[parent {me}] all done {took * 1e3:.1f} ms after the start "
              f"(the pool's threads fed the workers meanwhile)")


if __name__ == "__main__":
    main()
