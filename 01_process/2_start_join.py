#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""2_start_join.py - the mirror of 2_start_join.c: Process(target=greet,
args=(who,), name="Process-1"), start, join, exitcode.

Usage: 2_start_join.py [-j N] [-q]
Process.name lives inside Python only: ps shows every child as "python3".
"""
import argparse
import multiprocessing as mp
import os
import sys

from forklore_cli import Parser, number

NAMES = ("bob", "alice", "carol", "dave", "erin", "frank", "grace", "heidi")


def greet(who):
    with open("/proc/self/comm") as f:
        comm = f.read().strip()
    me = mp.current_process()
    # one write, so that lines of children running together do not mix
    sys.stdout.write(f"[{me.name} pid {os.getpid()}] hello {who}; my parent "
                     f"is {os.getppid()}; ps shows me as \"{comm}\"\n")
    sys.stdout.flush()


def main():
    parser = Parser(prog="2_start_join.py",
                    description="Start N named children; join each.")
    parser.add_argument("-j", "--workers", default=3, type=number(
        "-j", 1, 8 * len(os.sched_getaffinity(0))), help="children")
    parser.add_argument("-q", "--quiet", action="store_true")
    opts = parser.parse_args()
    me, n = os.getpid(), opts.workers
    ctx = mp.get_context("fork")
    print(f"[parent {me}] starting {n} {'child' if n == 1 else 'children'} "
          "with target greet", flush=True)
    procs = [ctx.Process(target=greet, args=(NAMES[i % 8],),
                         name=f"Process-{i + 1}") for i in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    for p in procs:
        how = "exited normally" if p.exitcode == 0 else f"exitcode {p.exitcode}"
        print(f"[parent {me}] joined {p.name} (pid {p.pid}): "
              f"exitcode {p.exitcode} ({how})")
    if not opts.quiet:
        print("  The children run at the same time, so their hello lines come"
              " in any order.")
        print("  Each child is a copy of the parent made by fork(): same code,"
              " same data, its own pid.")
    left = mp.active_children()  # polls each child Python started, by pid
    print(f"\n[parent {me}] done: {n} {'child' if n == 1 else 'children'} "
          f"started, {n} reaped, "
          + ("none left behind" if not left else "SOME LEFT BEHIND"))
    return 0 if not left else 1


if __name__ == "__main__":
    sys.exit(main())
