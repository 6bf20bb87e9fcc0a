#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""7_queue_results.py - the Python side of 7_queue_results.c: an object
through a Queue (pickled: only bytes cross), and results returned through a
Queue, got BEFORE the workers are joined.

Usage: python3 7_queue_results.py [-j WORKERS] [-q]
"""
import argparse
import multiprocessing as mp
import os
import sys
from dataclasses import dataclass

from _steps import describe, say, summary, workers  # what chapter 02's mirrors share


# --------------------------------------------------------- passing a struct

@dataclass
class Job:
    name: str
    id: int
    weight: float


def greeter(q, quiet):
    while (job := q.get()) is not None:
        if not quiet:
            say(f"[worker pid {os.getpid()}] got job {job.id} {{name "
                f"\"{job.name}\", weight {job.weight:.2f}}}: hello {job.name}, "
                f"from process {os.getpid()} (parent {os.getppid()})")


def passing_a_struct(args):
    me = os.getpid()
    print("\n== passing a struct ==")
    q = mp.Queue(4)
    worker = mp.Process(target=greeter, args=(q, args.quiet))
    worker.start()
    jobs = [Job("alice", 1, 0.5), Job("bob", 2, 2.5), Job("carol", 3, 1.25)]
    print(f"[parent {me}] putting {len(jobs)} Job objects (pickled), then None",
          flush=True)
    for job in jobs:
        q.put(job)
    q.put(None)
    worker.join()
    print(f"[parent {me}] worker {worker.pid} {describe(worker.exitcode)}")
    return worker.exitcode == 0


# ------------------------------------------ returning results through a queue

def sum_of_squares(results, w, workers, top):
    lo, hi = top * w // workers + 1, top * (w + 1) // workers
    results.put((w, os.getpid(), lo, hi, sum(k * k for k in range(lo, hi + 1))))


def returning_results(args):
    me = os.getpid()
    top = 1_000_000
    print("\n== returning results through a queue ==")
    results = mp.Queue()
    procs = [mp.Process(target=sum_of_squares, args=(results, w, args.workers, top))
             for w in range(args.workers)]
    for p in procs:
        p.start()
    got = {}
    arrival = []
    for _ in procs:  # get first ...
        w, pid, lo, hi, total = results.get()
        got[w] = (pid, lo, hi, total)
        arrival.append(w + 1)
    for p in procs:  # ... then join
        p.join()
    for w in range(args.workers):
        pid, lo, hi, total = got[w]
        print(f"[parent {me}] from worker {w + 1} (pid {pid}): sum of k*k for "
              f"k = {lo}..{hi} is {total}")
    print(f"[parent {me}] arrival order: {' '.join(map(str, arrival))} "
          "(completion order: varies)")
    total = sum(t for _, _, _, t in got.values())
    formula = top * (top + 1) * (2 * top + 1) // 6
    print(f"[parent {me}] total {total}, by the formula n(n+1)(2n+1)/6: "
          f"{formula}: {'match' if total == formula else 'MISMATCH'}")
    return total == formula and all(p.exitcode == 0 for p in procs)


def main():
    parser = argparse.ArgumentParser(description="A struct through a queue; results back.")
    parser.add_argument("-j", "--workers", type=workers, default=2)
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args()
    mp.set_start_method("fork")  # as in C; the default on Linux before 3.14
    ok = passing_a_struct(args)
    ok = returning_results(args) and ok
    return summary(ok)


if __name__ == "__main__":
    sys.exit(main())
