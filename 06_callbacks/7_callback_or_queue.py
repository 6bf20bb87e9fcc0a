#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""7_callback_or_queue.py - results collected by callback, or through a
multiprocessing.Queue the tasks put on. The mirror of 7_callback_or_queue.c:
the same tasks, the same sizes, best of 3 runs each, alternating.

A Queue cannot be an argument of apply_async ("Queue objects should only be
shared between processes through inheritance"): Pool(initializer=,
initargs=) puts it in a global of each worker.

Usage: 7_callback_or_queue.py [-j N] [-n N] [-q]
"""
import argparse
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_verdict import busy_note, compare  # noqa: E402 (the path first)

ROUNDS = 3
worker_queue = None


def remember_queue(queue):
    global worker_queue
    worker_queue = queue


def square(x):
    return x * x


def square_onto_queue(x):
    worker_queue.put(x * x)
    return 0


def by_callback(workers, n):
    total = 0

    def add_up(sq):  # callback=: in the parent's result-handler thread
        nonlocal total
        total += sq
    with mp.Pool(workers) as pool:
        t0 = time.perf_counter()
        for i in range(n):
            pool.apply_async(square, (i % 1000,), callback=add_up)
        pool.close()
        pool.join()
        return time.perf_counter() - t0, total


def by_queue(workers, n):
    queue = mp.Queue()
    with mp.Pool(workers, initializer=remember_queue, initargs=(queue,)) as pool:
        t0 = time.perf_counter()
        for i in range(n):
            pool.apply_async(square_onto_queue, (i % 1000,))
        pool.close()
        # Get before join: a process that put items on a Queue waits at exit
        # until its feeder thread has flushed them into the pipe, and a pipe
        # full of results nobody reads would hold that up.
        total = sum(queue.get(timeout=30) for _ in range(n))
        pool.join()
        return time.perf_counter() - t0, total


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-j", "--workers", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("-n", type=int, default=20000)
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args()
    mp.set_start_method("fork")
    sys.stdout.reconfigure(line_buffering=True)
    n, w, parent = args.n, args.workers, os.getpid()
    expected = sum((i % 1000) ** 2 for i in range(n))
    print(f"[parent {parent}] {n} tiny tasks (x^2) on {w} workers, results "
          f"collected two ways, best of {ROUNDS} runs each")
    best, right = [float("inf")] * 2, [True, True]
    for rnd in range(1, ROUNDS + 1):  # alternate: load hits both alike
        for k, way in enumerate((by_callback, by_queue)):
            t, total = way(w, n)
            best[k] = min(best[k], t)
            right[k] = right[k] and total == expected
            if not args.quiet:
                print(f"[parent {parent}] round {rnd}: "
                      f"{'by queue' if k else 'by callback'} {t:.3f} s")
    for k, name in enumerate(("by callback:", "by queue:   ")):
        print(f"[parent {parent}] {name} {best[k]:.3f} s, "
              f"{best[k] / n * 1e6:.2f} us per result, sum of squares "
              f"{'right' if right[k] else 'WRONG'}")
    print(f"[parent {parent}] the queue way took {best[1] / best[0]:.2f}x the "
          f"time of the callback way: "
          + compare(best[0], best[1], "the queue is faster", "the callback is faster"))
    if note := busy_note():  # as verdict_print_busy
        print(f"[parent {parent}] {note}")
    return 0 if all(right) else 1


if __name__ == "__main__":
    sys.exit(main())
