#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""starmap.py - the Python original of 04_starmap/starmap.c: Pool.starmap,
map_async/starmap_async and the parallel-for pattern.

Usage: python3 starmap.py [-j N] [-n N] [--chunksize C] [--seed S] [-q]
                          [--crash-task K]

Same flags and the same results as build/bin/starmap (times differ, and
Python's loop body is about a hundred times slower, so -n defaults to 20000
here instead of 1000000). Not mirrored: the order in which the power tasks
finish (starmap has no per-task hook in Python) and the data bytes column
(Python copies pickles, not raw structs).
"""
import argparse
import math
import os
import signal
import sys
import time
import multiprocessing
from multiprocessing import Pool, cpu_count, current_process

NPAIRS = 6
MASK = (1 << 64) - 1

# Given to every worker by Pool(initializer=...), so that they reach the
# workers whatever the start method (fork copies globals, spawn does not).
SEED = 42
CRASH_TASK = -1


def init_worker(seed, crash_task):
    global SEED, CRASH_TASK
    SEED, CRASH_TASK = seed, crash_task


def maybe_crash(index):
    if index == CRASH_TASK:
        os.kill(os.getpid(), signal.SIGKILL)


# 1. several arguments per task ------------------------------------------

def add(x, y):
    maybe_crash(x - 1)          # pair k is (k + 1, k + 2)
    return x + y


def power(x, y):
    maybe_crash(x - 1)
    time.sleep(0.005 * (NPAIRS - x))   # later pairs sleep less
    return x ** y


# 2. map_async and starmap_async ----------------------------------------

def slow_power(x, y):
    time.sleep(0.020)
    return x ** y


def slow_cube(x):
    time.sleep(0.020)
    return x ** 3


def count_primes(below):
    """Something else for the parent to do (a sieve: trial division, as in
    the C version, would take seconds in Python)."""
    sieve = bytearray([1]) * below
    sieve[0:2] = b"\0\0"
    for k in range(2, math.isqrt(below - 1) + 1):
        if sieve[k]:
            sieve[k * k::k] = bytes(len(range(k * k, below, k)))
    return sum(sieve)


# 3. the parallel-for pattern --------------------------------------------

def do_something(i):
    """The loop body: 64 rounds of splitmix64's mixing, as in the C."""
    z = (SEED + i * 0x9E3779B97F4A7C15) & MASK
    for _ in range(64):
        z ^= z >> 30
        z = (z * 0xBF58476D1CE4E5B9) & MASK
        z ^= z >> 27
        z = (z * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
    return z


def do_range(start, end):
    """One task of the parallel-for: the worker runs the loop itself."""
    total = 0
    for i in range(start, end):
        total += do_something(i)
    return total & MASK, current_process().name, os.getpid(), start, end


def chunks(n, processes):
    size = -(-n // processes)   # ceil(n / processes)
    return [(start, min(start + size, n)) for start in range(0, n, size)]


def pool_default_chunksize(n, workers):   # Pool.map's own rule
    chunksize, extra = divmod(n, workers * 4)
    return chunksize + 1 if extra else chunksize


def count(text):
    scale = {"k": 10**3, "m": 10**6, "g": 10**9}.get(text[-1:].lower(), 1)
    value = float(text[:-1] if scale > 1 else text) * scale
    if value != int(value):
        raise ValueError(text)
    return int(value)


def in_range(parse, low, high):
    def check(text):
        try:
            value = parse(text)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{value} is out of range ({low} to {high})")
        return value
    return check


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--workers", type=in_range(int, 1, 8 * cpu_count()),
                        default=len(os.sched_getaffinity(0)))
    parser.add_argument("-n", type=in_range(count, 1, 10**9), default=20000)
    parser.add_argument("--chunksize", type=in_range(count, 1, 10**9), default=1)
    parser.add_argument("--seed", type=in_range(int, 0, 2**63 - 1), default=42)
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("--crash-task", type=in_range(int, 0, NPAIRS - 1),
                        default=-1)
    args = parser.parse_args()
    init_worker(args.seed, args.crash_task)   # the parent's copy, for serial
    workers, n, me = args.workers, args.n, os.getpid()
    pairs = [(i + 1, i + 2) for i in range(NPAIRS)]

    with Pool(workers, initializer=init_worker,
              initargs=(args.seed, args.crash_task)) as pool:
        if not args.quiet:
            print(f"[parent {me}] a pool of {workers} workers\n")

        # Pool.starmap would wait forever for a task whose worker was
        # killed (Pool replaces the worker but loses the task), so with
        # --crash-task we wait with a timeout instead.
        def starmap(fn, items, **kw):
            if args.crash_task < 0:
                return pool.starmap(fn, items, **kw)
            try:
                return pool.starmap_async(fn, items, **kw).get(timeout=3)
            except multiprocessing.TimeoutError:
                sys.exit(f"starmap.py: starmap({fn.__name__}, pairs) failed: no "
                         f"result after 3 s (a worker died; Pool cannot say "
                         f"which task, and without a timeout it waits forever)")

        sums = starmap(add, pairs)
        powers = starmap(power, pairs, chunksize=1)
        if not args.quiet:
            print("== several arguments per task: starmap ==")
            print(f"[parent {me}] pairs = {pairs}")
            print(f"[parent {me}] starmap(add, pairs)   = {sums}")
            print(f"[parent {me}] starmap(power, pairs) = {powers}\n")

        if not args.quiet:
            print("== map_async / starmap_async: start, do something else, wait ==")
            t0 = time.perf_counter()
            r1 = pool.starmap_async(slow_power, pairs, chunksize=1)
            r2 = pool.map_async(slow_cube, range(1, 7), chunksize=1)
            print(f"[parent {me}] started starmap_async(slow_power, pairs) and "
                  f"map_async(slow_cube, 1..6): {2 * NPAIRS} tasks of 20 ms each")
            print(f"[parent {me}] ready() right away: "
                  f"{str(r1.ready()).lower()}, {str(r2.ready()).lower()}")
            # Pool's background threads keep the workers fed meanwhile.
            print(f"[parent {me}] meanwhile the parent counts primes below "
                  f"1000000 itself...")
            w0 = time.perf_counter()
            primes = count_primes(1000000)
            print(f"[parent {me}] found {primes} primes in "
                  f"{(time.perf_counter() - w0) * 1e3:.1f} ms")
            cubes, powers = r2.get(), r1.get()
            print(f"[parent {me}] get(): both done "
                  f"{(time.perf_counter() - t0) * 1e3:.1f} ms after the start")
            print(f"[parent {me}] successful(): "
                  f"{str(r1.successful()).lower()}, {str(r2.successful()).lower()}")
            print(f"[parent {me}] starmap_async(slow_power, pairs).get() = {powers}")
            print(f"[parent {me}] map_async(slow_cube, 1..6).get()       = {cubes}\n")

        # the parallel-for pattern: pool.starmap(do_range, chunks(n, processes))
        if not args.quiet:
            print("== the parallel-for pattern: for i in range(n): do_something(i) ==")
        t0 = time.perf_counter()
        ranges = chunks(n, workers)
        parts = pool.starmap(do_range, ranges)
        chunked = sum(p[0] for p in parts) & MASK
        chunked_time = time.perf_counter() - t0
        if args.quiet:
            print(f"summary: {NPAIRS} pairs, n {n}, {workers} workers, "
                  f"checksum {chunked}")
            return
        print(f"[parent {me}] chunks({n}, {workers}) = {ranges}")
        for c, (_, name, pid, start, end) in enumerate(parts):
            print(f"[parent {me}] range {c}: {name} (pid {pid}) looped over "
                  f"indices {start} to {end - 1}: {end - start} indices")

        t0 = time.perf_counter()
        serial = sum(do_something(i) for i in range(n)) & MASK
        serial_time = time.perf_counter() - t0

        t0 = time.perf_counter()
        one = sum(pool.map(do_something, range(n), chunksize=args.chunksize)) & MASK
        one_time = time.perf_counter() - t0
        rule = pool_default_chunksize(n, workers)
        t0 = time.perf_counter()
        mapped = sum(pool.map(do_something, range(n))) & MASK
        mapped_time = time.perf_counter() - t0

        one_tasks = -(-n // args.chunksize)
        rows = [
            ("for i in range(n) (serial, in the parent)", 0, serial_time, serial),
            (f"map(do_something, range(n), chunksize={args.chunksize})",
             one_tasks, one_time, one),
            (f"map(do_something, range(n)) [chunksize={rule}]",
             -(-n // rule), mapped_time, mapped),
            (f"starmap(do_range, chunks(n, {workers}))", len(ranges),
             chunked_time, chunked),
        ]
        print(f"{'how':<44} {'tasks':>8} {'time ms':>9} {'speedup':>9}  checksum")
        for how, tasks, seconds, checksum in rows:
            print(f"{how:<44} {tasks:>8} {seconds * 1e3:9.1f} "
                  f"{serial_time / seconds:8.2f}x  {checksum}")
        print(f"[parent {me}] cost of one task (message out, result back, "
              f"bookkeeping): about "
              f"{(one_time * workers - serial_time) / one_tasks * 1e6:.2f} us")
        if one == serial == mapped == chunked:
            print(f"[parent {me}] all four give checksum {serial}\n")
        else:
            sys.exit("starmap.py: checksums differ")
        print(f"summary: {NPAIRS} pairs, n {n}, {workers} workers, "
              f"checksum {chunked}")


if __name__ == "__main__":
    main()
