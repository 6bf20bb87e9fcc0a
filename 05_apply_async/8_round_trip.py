#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""8_round_trip.py - the Python original of 8_round_trip.c: one trivial
apply_async + get, timed, next to one byte back and forth through two pipes
between two processes. Best of 3 runs of 2000 each.

Usage: 8_round_trip.py [-j N] [-q]
"""
import multiprocessing
import os
import sys
import time

import async_steps as a

ROUND_TRIPS, RUNS = 2000, 3


def trivial(x):
    return x + 1


def pool_round_trip(pool):
    for i in range(-100, ROUND_TRIPS):             # 100 to warm up
        if i == 0:
            t0 = time.monotonic()
        assert pool.apply_async(trivial, (i,)).get() == i + 1
    return (time.monotonic() - t0) / ROUND_TRIPS * 1e6


def pipe_round_trip(down_w, up_r):
    for i in range(-100, ROUND_TRIPS):
        if i == 0:
            t0 = time.monotonic()
        os.write(down_w, b"x")
        os.read(up_r, 1)
    return (time.monotonic() - t0) / ROUND_TRIPS * 1e6


def pipe_best():
    down_r, down_w = os.pipe()
    up_r, up_w = os.pipe()
    pid = os.fork()
    if pid == 0:     # child: echo each byte until the parent closes its end
        os.close(down_w)
        os.close(up_r)
        while (byte := os.read(down_r, 1)):
            os.write(up_w, byte)
        os._exit(0)
    os.close(down_r)
    os.close(up_w)
    us = min(pipe_round_trip(down_w, up_r) for _ in range(RUNS))
    os.close(down_w)
    _, status = os.waitpid(pid, 0)
    os.close(up_r)
    how = ("exited normally" if os.waitstatus_to_exitcode(status) == 0
           else f"ended with status {status}")
    a.say(f"ping-pong child {pid} {how}, reaped")
    return us


def main():
    args = a.parse("one trivial apply_async + get against a bare pipe.")
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        pool_us = min(pool_round_trip(pool) for _ in range(RUNS))
        pool.close()
        pool.join()
    pipe_us = pipe_best()        # after the pool's threads are gone
    a.say(f"apply_async + get: {pool_us:6.1f} us per task (best of {RUNS} "
          f"runs of {ROUND_TRIPS})")
    a.say(f"pipe ping-pong   : {pipe_us:6.1f} us per round trip (best of "
          f"{RUNS} runs of {ROUND_TRIPS})")
    verdict = a.compare(pipe_us, pool_us, "the pool is cheaper than the pipe",
                        "the pool costs more than the bare pipe")
    a.say(f"ratio {pool_us / pipe_us:.1f}x: {verdict}")
    a.say_busy()
    print(f"[parent {os.getpid()}] summary: round trip {pool_us:.1f} us (pipe "
          f"{pipe_us:.1f} us, {pool_us / pipe_us:.1f}x, best of {RUNS}): "
          f"{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
