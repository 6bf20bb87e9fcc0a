#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""imap_stream.py - the Python of imap_stream.c: Pool.imap and
imap_unordered, results pulled one by one, inputs from a generator.

Usage: python3 imap_stream.py [-j N] [-n N]
The third loop is not run: Python's Pool never reports a task whose worker
died (Lib/multiprocessing/pool.py replaces the worker, nothing fails the
task), so its next() would wait for ever. Python's imap has no bound on
what it reads ahead before 3.15's buffersize; the pipe to the workers and
the speed of the loop set it.
"""
import multiprocessing
import resource
import time

from _steps import PARENT, count, in_range, mp, parser


def slow_square(x):
    time.sleep((8 - x) * 0.020)  # item 0 is the slowest
    return x * x


def cube(x):
    return x**3


def numbers(n):
    yield from range(n)  # one at a time, never a list


def print_all(it, title):
    print(f"{PARENT} {title:<15}", " ".join(str(y) for y in it))


def main():
    p = parser(__doc__)
    p.add_argument("-n", type=in_range(count, 1, 10**9), default=1000000)
    args = p.parse_args()
    print(f"{PARENT} slow_square(x) sleeps (8 - x) x 20 ms; {args.workers} workers")
    with mp.Pool(args.workers) as pool:
        it = pool.imap(slow_square, range(8))
        try:
            it.next(timeout=0.01)
        except multiprocessing.TimeoutError:
            print(f"{PARENT} it.next(timeout=0.01): TimeoutError, item 0 is not ready yet")
        print_all(it, "imap:")
        print_all(pool.imap_unordered(slow_square, range(8)), "imap_unordered:")
        print(f"{PARENT} imap, one dies: not run: Python's Pool would wait for ever")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        total = sum(pool.imap(cube, numbers(args.n), chunksize=1000)) % 2**64
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(f"{PARENT} sum(imap(cube, numbers({args.n}), chunksize=1000)) % 2**64 = {total}")
    print(f"{PARENT} peak memory grew by {grown} KiB")


if __name__ == "__main__":
    main()
