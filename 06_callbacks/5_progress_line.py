#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""5_progress_line.py - a callback that keeps a live "12/40 done" line on a
terminal (sys.stderr.isatty()), and only the final count elsewhere. The
mirror of 5_progress_line.c. In Python the callback runs in the result-handler
thread, so the main thread is free meanwhile; here it just waits in join().

Usage: 5_progress_line.py [-j N] [-n N] [-q]
"""
import argparse
import multiprocessing as mp
import os
import sys
import time


def work(index):  # in a worker: sleep 1..20 ms, as the C program's tasks
    time.sleep((1 + index * 7 % 20) / 1000)
    return index


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-j", "--workers", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("-n", type=int, default=40)
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args()
    mp.set_start_method("fork")
    sys.stdout.reconfigure(line_buffering=True)
    n, parent, live = args.n, os.getpid(), sys.stderr.isatty()
    done = 0

    def erase():  # \r: back to the line's start; \033[K: erase to its end
        if live:
            sys.stderr.write("\r\033[K")

    def on_result(index):
        nonlocal done
        done += 1
        if not args.quiet:
            erase()  # a normal line must not land on the live one
            print(f"[callback pid {os.getpid()}] task {index} done")
        if live:
            sys.stderr.write(f"\r\033[K[parent {parent}] {done}/{n} done")
            sys.stderr.flush()

    state = "a terminal: a live progress line" if live else "not a terminal"
    print(f"[parent {parent}] {n} tasks of 1-20 ms on {args.workers} workers; "
          f"stderr is {state}")
    with mp.Pool(args.workers) as pool:
        for i in range(n):
            pool.apply_async(work, (i,), callback=on_result)
        pool.close()
        pool.join()
    erase()
    print(f"[parent {parent}] progress: {done}/{n} done")
    return 0 if done == n else 1


if __name__ == "__main__":
    sys.exit(main())
