#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""6_crashed_task.py - the Python original of 6_crashed_task.c: the task
for pair K kills its own worker with SIGKILL.

Usage: python3 6_crashed_task.py [-j N] [--crash-task K] [-q]

Pool replaces the dead worker (Pool._maintain_pool in
Lib/multiprocessing/pool.py) but nothing tells the result handler that the
task was lost, so pool.starmap() would wait forever. This mirror waits with
get(timeout=3) instead, and gives up with exit status 1.
"""
import argparse
import os
import signal
import sys
from multiprocessing import Pool, TimeoutError

NPAIRS = 6
CRASH_TASK = 3


def init_worker(crash_task):
    global CRASH_TASK
    CRASH_TASK = crash_task


def add(x, y):
    if x - 1 == CRASH_TASK:      # pair k is (k + 1, k + 2)
        os.kill(os.getpid(), signal.SIGKILL)
    return x + y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--crash-task", type=int, choices=range(NPAIRS), default=3)
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args()
    pairs = [(i + 1, i + 2) for i in range(NPAIRS)]
    if not args.quiet:
        print(f"[parent {os.getpid()}] starmap(add, pairs) on {args.workers} workers; "
              f"the task for pair {args.crash_task} {pairs[args.crash_task]} will kill "
              f"its worker with SIGKILL", flush=True)
    with Pool(args.workers, initializer=init_worker, initargs=(args.crash_task,)) as pool:
        try:
            pool.starmap_async(add, pairs).get(timeout=3)
        except TimeoutError:
            sys.exit("6_crashed_task.py: starmap(add, pairs) failed: no result after 3 s "
                     "(a worker died; Pool cannot say which task, and without a timeout "
                     "it waits forever)")
    sys.exit("6_crashed_task.py: starmap(add, pairs) succeeded: the crash did not happen")


if __name__ == "__main__":
    main()
