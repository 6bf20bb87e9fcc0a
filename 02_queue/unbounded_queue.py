#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""unbounded_queue.py - the Python of unbounded_queue.c: Queue() with no
maxsize; a producer's puts never wait, then the parent gets them all.

Usage: python3 unbounded_queue.py [-n N]
Two differences from the C (Lib/multiprocessing/queues.py). put() only
appends to a buffer in the producer; a feeder thread writes it to a 64 KiB
pipe, and the producer cannot end until that thread has written everything:
so here the parent waits for the puts to return (an Event), not for the
producer to end, then gets. The second round is not run: when memory runs
out, put() raises MemoryError in the producer (or the OOM killer comes
first), and what is still in its buffer dies with it.
"""
import argparse
import multiprocessing as mp
import os

PARENT = f"[parent {os.getpid()}]"


def produce(q, n, done):
    for i in range(n):
        q.put(i)  # never waits: appended to this process's buffer
    print(f"[producer {os.getpid()}] put {n} items, nobody getting; they wait in this "
          "process's buffer and the pipe", flush=True)
    done.set()  # the feeder thread still writes: this process cannot end yet


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=100000)
    args = p.parse_args()
    ctx = mp.get_context("fork")
    q, done = ctx.Queue(), ctx.Event()  # q = Queue(): no maxsize
    print(f"{PARENT} a producer puts {args.n} items into q = Queue(); nobody gets until its "
          "puts have returned", flush=True)
    producer = ctx.Process(target=produce, args=(q, args.n, done))
    producer.start()
    done.wait()
    got = [q.get() for _ in range(args.n)]
    producer.join()
    assert got == list(range(args.n))
    print(f"{PARENT} then got {args.n} items, 0 .. {args.n - 1} in order: all of them")
    print(f"{PARENT} again, putting until memory runs out: not run (MemoryError in the "
          "producer, or the OOM killer; its buffer dies with it)")


if __name__ == "__main__":
    main()
