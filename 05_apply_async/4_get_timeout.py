#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""4_get_timeout.py - the Python original of 4_get_timeout.c: ready(),
get(timeout), wait(timeout) and successful() on an AsyncResult
(Lib/multiprocessing/pool.py, class ApplyResult).

Usage: 4_get_timeout.py  (a pool of 2 workers)
"""
import multiprocessing
import sys
import time

from async_steps import say


def nap(x, ms):
    if x < 0:
        raise ValueError(f"negative input {x}")
    time.sleep(ms / 1000)
    return x * x


def main():
    with multiprocessing.get_context("fork").Pool(2) as pool:
        h = pool.apply_async(nap, (7, 200))
        say("submitted task 7 (sleeps 200 ms)")
        say(f"ready() right away: {h.ready()}")
        t0 = time.monotonic()
        try:
            h.get(timeout=0.05)
            say("get(timeout=0.05): already done (the machine is slow?)")
        except multiprocessing.TimeoutError:
            say(f"get(timeout=0.05): timed out after "
                f"{time.monotonic() - t0:.3f} s (TimeoutError): the task is "
                "still running")
        h.wait(5)                # returns None: ask ready() what happened
        say(f"wait(timeout=5) returned after {time.monotonic() - t0:.3f} s; "
            f"ready(): {h.ready()}, successful(): {h.successful()}")
        say(f"get(): {h.get()}")
        h = pool.apply_async(nap, (-1, 0))
        h.wait()
        say(f"task 8 (x = -1): ready(): {h.ready()}, "
            f"successful(): {h.successful()}")
        try:
            h.get()              # raises the task's own exception
        except ValueError as e:
            say(f"get() fails: task 8 failed: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
