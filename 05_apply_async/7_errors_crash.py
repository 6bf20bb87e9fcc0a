#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""7_errors_crash.py - the Python original of 7_errors_crash.c: a task
that raises, and (with --crash-task K) a worker killed in the middle of
task K. The error lines are the C program's. A killed worker is where
Python differs: Pool replaces the worker (Pool._maintain_pool in
Lib/multiprocessing/pool.py) but never sets the lost task's result, so its
get() without a timeout would wait forever; this mirror uses a timeout.

Usage: 7_errors_crash.py [-j N] [-q] [--crash-task K]
"""
import multiprocessing
import os
import signal
import sys

import async_steps as a

TASKS = 8


def divide(divisor, crash):
    if crash:
        os.kill(os.getpid(), signal.SIGKILL)
    if divisor == 0:
        raise ZeroDivisionError(f"division by zero (100 / {divisor})")
    return int(100 / divisor)            # C's / truncates toward zero


def worker_pids(pool):
    return " ".join(str(p.pid) for p in pool._pool)   # (a private attribute)


def run_divisions(pool, crash_task):
    handles = [pool.apply_async(divide, (i - 3, i == crash_task))
               for i in range(TASKS)]
    failed = lost = 0
    for i, h in enumerate(handles):
        try:
            a.say(f"task {i}: 100 / {i - 3} = {h.get(timeout=2)}")
        except multiprocessing.TimeoutError:
            a.say(f"task {i}: no result after 2 s: its worker died, and "
                  "multiprocessing.Pool does not say so")
            failed += 1
            lost += 1
        except ZeroDivisionError as e:   # get() raises the task's exception
            a.say(f"task {i} failed: {e}")
            failed += 1
    return failed, lost


def main():
    args = a.parse("a failing task and a crashed worker, each told by its "
                   "handle.", crash=TASKS - 1)
    pool = multiprocessing.get_context("fork").Pool(args.workers)
    a.say(f"worker pids before: {worker_pids(pool)}")
    failed, lost = run_divisions(pool, args.crash_task)
    a.say(f"worker pids after : {worker_pids(pool)}")
    if args.crash_task < 0:
        a.say("(run with --crash-task K to kill the worker running task K)")
    if lost:
        pool.terminate()         # join() would wait for the lost task forever
    else:
        pool.close()
    pool.join()
    print(f"[parent {os.getpid()}] summary: {failed} of {TASKS} tasks failed, "
          f"{lost} lost without a word")
    return 0 if not lost else 1


if __name__ == "__main__":
    sys.exit(main())
