#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""sync_primitives.py - the Python of sync_primitives.c: Lock, RLock,
Semaphore(2), Event, Condition and Barrier(3) across processes
(Lib/multiprocessing/synchronize.py).

Usage: python3 sync_primitives.py [-n N]   (N: increments per process, Lock round)
The killed holder is not run: Python's Lock is a SemLock of kind SEMAPHORE
with no owner the kernel knows of, so a holder killed holding it keeps it
for ever and the next acquire() waits for ever.
"""
import argparse
import multiprocessing as mp
import os
import sys
import time

PARENT = f"[parent {os.getpid()}]"


def add(lock, pair, n):
    for _ in range(n):
        with lock:  # a += 1; b += 1
            pair[0] += 1
            pair[1] += 1


def inside(sem, count, most):
    with sem:
        with count.get_lock():
            count.value += 1
            most.value = max(most.value, count.value)
        time.sleep(0.02)
        with count.get_lock():
            count.value -= 1


def wait_event(ev):
    sys.exit(0 if ev.wait(10) else 1)


def wait_cond(cond, item, conn):
    with cond:
        conn.send("!")  # it holds the RLock; wait() lets go
        while item.value == 0:
            cond.wait(10)
        sys.exit(0 if item.value == 42 else 1)


def rounds(bar, index, k):
    for r in range(3):
        index[3 * r + k] = bar.wait(10)


def run(ctx, n, target, *args):
    extra = [(k,) if target is rounds else () for k in range(n)]  # a barrier party's number
    procs = [ctx.Process(target=target, args=args + extra[k]) for k in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return sum(p.exitcode == 0 for p in procs)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=10000, help="increments per process (10000)")
    n = p.parse_args().n
    ctx = mp.get_context("fork")
    lock, pair = ctx.Lock(), ctx.RawArray("l", 2)
    print(f"{PARENT} Lock: a holder killed holding it: not run "
          "(Python's acquire() would wait for ever)")
    run(ctx, 2, add, lock, pair, n)
    print(f"{PARENT} Lock: then 2 processes x {n} increments: a = {pair[0]}, b = {pair[1]}")
    count, most = ctx.Value("i", 0), ctx.RawValue("i", 0)
    run(ctx, 4, inside, ctx.Semaphore(2), count, most)
    print(f"{PARENT} Semaphore(2): 4 processes, at most {most.value} inside at once")
    ev = ctx.Event()
    procs = [ctx.Process(target=wait_event, args=(ev,)) for _ in range(3)]
    for p in procs:
        p.start()
    time.sleep(0.05)
    ev.set()
    for p in procs:
        p.join()
    woke = sum(p.exitcode == 0 for p in procs)
    print(f"{PARENT} Event: set(); wait() returned True in {woke} of 3 processes")
    cond, item = ctx.Condition(), ctx.RawValue("l", 0)  # Condition() is on an RLock
    r, w = ctx.Pipe(duplex=False)
    waiter = ctx.Process(target=wait_cond, args=(cond, item, w))
    waiter.start()
    r.recv()
    with cond, cond:  # an RLock: twice by one process
        item.value = 42
        cond.notify()
    waiter.join()
    print(f"{PARENT} Condition (on an RLock taken twice): notify() woke the waiter, which read 42: "
          f"{'yes' if waiter.exitcode == 0 else 'NO'}")
    bar, index = ctx.Barrier(3), ctx.RawArray("i", 9)
    run(ctx, 3, rounds, bar, index)
    passed = sum(sorted(index[3 * r:3 * r + 3]) == [0, 1, 2] for r in range(3))
    print(f"{PARENT} Barrier(3): 3 processes, {passed} of 3 rounds passed with indexes 0, 1, 2")


if __name__ == "__main__":
    main()
