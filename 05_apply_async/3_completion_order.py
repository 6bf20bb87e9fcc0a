#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""3_completion_order.py - the Python original of 3_completion_order.c:
tasks finish in their own order; get() hands each result back when you ask
for it, and each result belongs to its task.

Usage: 3_completion_order.py [-j N]
"""
import multiprocessing
import os
import sys
import time

import async_steps as a

MS = [300, 50, 40, 30, 20, 10]


def nap(x, ms):
    time.sleep(ms / 1000)
    return x, x * x, os.getpid(), time.monotonic()


def main():
    args = a.parse("submission order against completion order.", quiet=False)
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        t0 = time.monotonic()
        handles = [pool.apply_async(nap, (i, ms)) for i, ms in enumerate(MS)]
        a.say(f"a pool of {args.workers} workers; submitted {len(MS)} tasks "
              f"(square x after sleeping): ms = {' '.join(map(str, MS))}")
        results = []
        for i, h in enumerate(handles):
            x, square, pid, finished = h.get()
            results.append((x, square, pid, finished))
            a.say(f"get() task {i}: {x}^2 = {square:<3d} after "
                  f"{(time.monotonic() - t0) * 1000:4.0f} ms  "
                  f"(worker pid {pid})")
    order = sorted(range(len(MS)), key=lambda i: results[i][3])
    a.say(f"submission order: {' '.join(map(str, range(len(MS))))}")
    a.say(f"completion order: {' '.join(map(str, order))}")
    matched = all(r[0] == i and r[1] == i * i for i, r in enumerate(results))
    a.say(f"every result matches its task: {'yes' if matched else 'NO'}")
    if args.workers == 1:
        a.say("(one worker runs them one after another: try -j 2)")
    return 0 if matched else 1


if __name__ == "__main__":
    sys.exit(main())
