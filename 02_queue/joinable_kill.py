#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""joinable_kill.py - the Python of joinable_kill.c: JoinableQueue,
task_done() and join(); qsize(), empty(), full().

Usage: python3 joinable_kill.py [-j N] [-n N]
The second round is not run: in Lib/multiprocessing/queues.py a consumer
killed between get() and task_done() never releases its share of
_unfinished_tasks, so join() would wait for ever. (qsize() raises
NotImplementedError on macOS, where sem_getvalue is missing.)
"""
import argparse
import multiprocessing as mp
import os
import time

PARENT = f"[parent {os.getpid()}]"


def consume(q):
    while (x := q.get()) is not None:
        time.sleep(0.001)
        q.task_done()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-j", "--consumers", type=int, default=3)
    p.add_argument("-n", type=int, default=20)
    args = p.parse_args()
    ctx = mp.get_context("fork")
    q = ctx.JoinableQueue(8)
    for i in range(8):
        q.put(i)
    print(f"{PARENT} 8 items in a queue of 8: qsize() {q.qsize()}, empty() {q.empty()}, "
          f"full() {q.full()}")
    q = ctx.JoinableQueue(8)
    print(f"{PARENT} {args.consumers} consumers, {args.n} items, then q.join()")
    procs = [ctx.Process(target=consume, args=(q,)) for _ in range(args.consumers)]
    for proc in procs:
        proc.start()
    for i in range(args.n):
        q.put(i)
    q.join()
    print(f"{PARENT} q.join() returned: all {args.n} items done")
    for _ in procs:
        q.put(None)  # a sentinel per consumer: Python's queue has no close for consumers
    for proc in procs:
        proc.join()
    print(f"{PARENT} again, with a consumer killed before task_done: not run (join would hang)")


if __name__ == "__main__":
    main()
