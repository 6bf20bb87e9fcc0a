#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""4_worker_killed.py - a worker killed in the middle of a task. The mirror of
4_worker_killed.c, and where Python differs: Pool replaces the dead worker
(Pool._handle_workers -> _maintain_pool, Lib/multiprocessing/pool.py), but
nothing fails the task it held: no callback, no error callback, and
pool.join() or get() without a timeout wait forever. So this program waits
with a deadline and reports what never came back. (concurrent.futures'
ProcessPoolExecutor raises BrokenProcessPool instead.)

Usage: 4_worker_killed.py [-j N] [-n N] [-q] [--crash-task K]
"""
import argparse
import multiprocessing as mp
import os
import signal
import sys
import time


def square_or_die(index, x, crash):  # in a worker
    time.sleep(0.005)
    if crash:
        os.kill(os.getpid(), signal.SIGKILL)  # as if the OOM killer chose it
    return index, x * x, os.getpid()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-j", "--workers", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("-n", type=int, default=40)
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--crash-task", type=int, default=5)
    args = p.parse_args()
    if not 0 <= args.crash_task < args.n:
        p.error(f"--crash-task: {args.crash_task} is out of range (0 to {args.n - 1})")
    mp.set_start_method("fork")
    sys.stdout.reconfigure(line_buffering=True)
    n, parent, patience = args.n, os.getpid(), 2 + args.n * 0.05
    counts = {"ok": 0, "failed": 0}

    def on_result(value):
        index, sq, worker = value
        counts["ok"] += 1
        if not args.quiet:
            print(f"[callback pid {os.getpid()}] task {index}: {sq} "
                  f"(computed by worker pid {worker})")

    def on_error(exc):
        counts["failed"] += 1
        print(f"[error_callback pid {os.getpid()}] {exc}")

    print(f"[parent {parent}] {n} tasks (x^2 for x = 0..{n - 1}, 5 ms each) on "
          f"{args.workers} workers; task {args.crash_task} kills its worker "
          f"with SIGKILL")
    with mp.Pool(args.workers) as pool:
        handles = [pool.apply_async(square_or_die, (i, i, i == args.crash_task),
                                    callback=on_result, error_callback=on_error)
                   for i in range(n)]
        pool.close()
        deadline = time.monotonic() + patience  # join() would never return
        for h in handles:
            h.wait(max(0.0, deadline - time.monotonic()))
        lost = [i for i, h in enumerate(handles) if not h.ready()]
        pool.terminate()
    for i in lost:
        print(f"[parent {parent}] task {i}: no callback and no error callback "
              f"after waiting {patience:.1f} s: its worker was killed, and "
              f"Python's Pool lost the task")
    ok, bad = counts["ok"], counts["failed"]
    print(f"[parent {parent}] totals: {ok} callbacks + {bad} error callbacks = "
          f"{ok + bad} of {n} tasks")
    return 1


if __name__ == "__main__":
    sys.exit(main())
