#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""8_crashed_map.py - the Python of 8_crashed_map.c: task K kills its own
worker with SIGKILL in the middle of a map.

Usage: python3 8_crashed_map.py [-j N] [-n N] [--chunksize C] [--crash-task K] [-q]

multiprocessing.Pool.map would wait for ever for the lost chunk (its
parent does not track which worker held it: Lib/multiprocessing/pool.py
replaces the dead worker in _maintain_pool, and nobody fails the job), so
this mirror uses concurrent.futures.ProcessPoolExecutor, which notices that
a worker died (BrokenProcessPool), though not which task or why.
"""
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial

from _steps import PARENT, count, in_range, mp, parser, python_chunksize


def square(x, crash_task=-1):
    if x == crash_task:  # range(n): the item is its own index
        os.kill(os.getpid(), signal.SIGKILL)
    return x * x


def main():
    p = parser(__doc__)
    p.add_argument("-n", dest="items", type=in_range(count, 1, 50000000), default=200000)
    p.add_argument("--chunksize", type=in_range(count, 1, 50000000), default=0)
    p.add_argument("--crash-task", type=in_range(int, 0, 49999999), default=7)
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args()
    if args.crash_task >= args.items:
        p.error(f"--crash-task: {args.crash_task} is out of range (0 to {args.items - 1})")
    chunksize = args.chunksize or python_chunksize(args.items, args.workers)
    if not args.quiet:
        print(f"{PARENT} map(square, range({args.items})) on {args.workers} workers, chunksize "
              f"{chunksize}; task {args.crash_task} raises SIGKILL in its worker")
    try:
        with ProcessPoolExecutor(args.workers, mp_context=mp) as ex:
            list(ex.map(partial(square, crash_task=args.crash_task), range(args.items),
                        chunksize=chunksize))
    except BrokenProcessPool as e:
        sys.stdout.flush()
        print(f"8_crashed_map.py: map failed: BrokenProcessPool: {e}", file=sys.stderr)
        return 1
    sys.exit(f"8_crashed_map.py: task {args.crash_task} did not crash the map")


if __name__ == "__main__":
    sys.exit(main())
