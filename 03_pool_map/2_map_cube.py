#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""2_map_cube.py - the Python of 2_map_cube.c: pool.map(cube, range(1, 7)),
results in input order whatever order the workers finish in.

Usage: python3 2_map_cube.py [-j N]
Python's map has no per-chunk hook: each result carries the time it was
done, and the finishing order is sorted from those.
"""
import time

from _steps import PARENT, mp, parser


def cube(x):
    time.sleep((7 - x) * 0.030)  # small x finish last
    return x**3, time.monotonic()


def main():
    workers = parser(__doc__).parse_args().workers
    print(f"{PARENT} pool.map(cube, range(1, 7)) on {workers} workers; cube(x) first sleeps "
          f"(7 - x) x 30 ms, so small x finish last")
    with mp.Pool(workers) as pool:
        pairs = pool.map(cube, range(1, 7))
    order = sorted(range(1, 7), key=lambda x: pairs[x - 1][1])
    print(f"{PARENT} finished in this order: {' '.join(map(str, order))}")
    print([r for r, _ in pairs])
    print(f"{PARENT} results come in input order, not finishing order: map puts result i in slot i")


if __name__ == "__main__":
    main()
