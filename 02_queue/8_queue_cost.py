#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""8_queue_cost.py - the Python side of 8_queue_cost.c: items per second
through a multiprocessing.Queue, one item per put versus lists of 10, 100,
1000, each row the best of 3 runs.

Usage: python3 8_queue_cost.py [-n ITEMS] [-q]

Each put pickles its object, hands it to a feeder thread that writes it into
a pipe, and each get takes a lock, reads and unpickles: a fixed cost per call
far above the C queue's. Same table, same checks as build/bin/8_queue_cost;
the times are Python's own and vary.
"""
import argparse
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common", "python"))
from forklore_verdict import busy_note, compare  # noqa: E402
from _steps import count  # noqa: E402  (chapter 02's -n parser)

RUNS = 3

BATCHES = (1, 10, 100, 1000)


def producer(q, items, batch):
    if batch == 1:
        for i in range(items):  # q.put(i): one call per item
            q.put(i)
    else:
        for start in range(0, items, batch):  # q.put([...]): one call per batch
            q.put(list(range(start, min(start + batch, items))))


def one_row(items, batch):
    """Seconds until the last item arrived, or None if any was missing or
    out of order."""
    q = mp.Queue(64)
    t0 = time.perf_counter()
    p = mp.Process(target=producer, args=(q, items, batch))
    p.start()
    expect = 0
    in_order = True
    while expect < items:
        got = q.get()
        for value in ([got] if batch == 1 else got):
            in_order = in_order and value == expect
            expect += 1
    seconds = time.perf_counter() - t0
    p.join()  # after the last get: the feeder thread has nothing left to push
    return seconds if in_order and expect == items and p.exitcode == 0 else None


def best_row(items, batch):
    """The best of RUNS runs, or None if any run lost or reordered an item."""
    times = [one_row(items, batch) for _ in range(RUNS)]
    return None if None in times else min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=lambda text: count(text, 100_000_000), default=100_000)
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args()
    items = args.n
    mp.set_start_method("fork")
    me = os.getpid()
    print(f"\n== the cost of a queue call: {items} items, 1 producer -> the parent, best of "
          f"{RUNS} ==")
    print(f"{'items/put':>10} {'puts':>10} {'seconds':>10} {'items/s':>12} "
          f"{'ns/item':>10}", flush=True)
    times = []
    all_arrived = True
    for batch in BATCHES:
        s = best_row(items, batch)
        puts = (items + batch - 1) // batch
        if s is None:
            all_arrived = False
            print(f"{batch:10d} {puts:10d}  MISSING OR OUT OF ORDER")
            continue
        print(f"{batch:10d} {puts:10d} {s:10.3f} {items / s:12.0f} "
              f"{s / items * 1e9:10.0f}", flush=True)
        times.append(s)
    if all_arrived:
        print(f"[parent {me}] every row: all {items} items arrived once, in order")
        verdict = compare(times[0], times[-1], "batching is faster", "batching is slower")
        print(f"[parent {me}] {BATCHES[-1]} items per put vs 1: "
              f"{times[0] / times[-1]:.1f} times the speed: {verdict}")
    if note := busy_note():
        print(f"[parent {me}] {note}")
    if not args.quiet:
        print(f"[parent {me}] a call has a fixed cost: send fewer, bigger messages")
    print(f"\n[parent {me}] summary: "
          f"{'every row delivered every item' if all_arrived else 'A ROW LOST ITEMS'}")
    return 0 if all_arrived else 1


if __name__ == "__main__":
    sys.exit(main())
