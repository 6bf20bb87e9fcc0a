#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""2_shared_counter_lock.py - the fix: Value's lock around every increment.
Mirror of 2_shared_counter_lock.c. Value('l', 0) comes with an RLock built on
a POSIX named semaphore (sharedctypes.py, synchronize.py), not a mutex.

Usage: 2_shared_counter_lock.py [-j N] [-n N] [-q]
"""
import multiprocessing as mp

from _steps import parser, print_busy, run_workers, say


def add(w, counter, n):
    for _ in range(n):
        with counter.get_lock():
            counter.value += 1


if __name__ == "__main__":
    args = parser("2_shared_counter_lock.py", n=100_000).parse_args()
    say(f"{args.workers} workers each add 1 to one shared counter {args.n} times, under a lock")
    counter = mp.Value("l", 0)
    seconds = run_workers(args.workers, add, counter, args.n)
    expected = args.workers * args.n
    say(f"with a lock: total {counter.value} of {expected}, "
        f"{'exact' if counter.value == expected else 'WRONG'}, {seconds:.3f} s, "
        f"{expected / seconds / 1e6:.1f} M increments/s")
    print_busy()
    raise SystemExit(0 if counter.value == expected else 1)
