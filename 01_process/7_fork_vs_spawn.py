#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""7_fork_vs_spawn.py - the mirror of 7_fork_vs_spawn.c: Python's three start
methods, fork, spawn and forkserver, timed: each starts and joins N processes
one at a time, best of 3 rounds, with a verdict and a busy-machine note.

Usage: 7_fork_vs_spawn.py [-n N] [-m MB] [-q]

Which is the default (Lib/multiprocessing/context.py): fork on Linux up to
3.13, forkserver from 3.14; spawn on macOS since 3.8 and always on Windows.
"""
import multiprocessing as mp
import os
import sys
import time

from forklore_cli import Parser, number

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_verdict import busy_note, compare  # noqa: E402 (the path first)

ROUNDS = 3


def noop():
    pass


def one_round(ctx, n):
    t0 = time.perf_counter()
    for _ in range(n):
        p = ctx.Process(target=noop)
        p.start()
        p.join()
        if p.exitcode != 0:
            sys.exit(f"7_fork_vs_spawn.py: a child ended with {p.exitcode}")
    return (time.perf_counter() - t0) / n


def main():
    parser = Parser(prog="7_fork_vs_spawn.py",
                    description="Python's start methods, timed.")
    # A spawned Python costs far more than a fork (a whole interpreter
    # starts and imports this file), so the default is 10, not the C's 30.
    parser.add_argument("-n", type=number("-n", 1, 100000), default=10)
    parser.add_argument("-m", "--memory", type=number("-m", 0, 4096),
                        default=0)
    parser.add_argument("-q", "--quiet", action="store_true")
    opts = parser.parse_args()
    me = os.getpid()
    print("== fork vs spawn ==")
    memory = None
    if opts.memory:
        memory = bytearray(b"\x01") * (opts.memory << 20)  # every page touched
        print(f"[parent {me}] touched {opts.memory} MB of memory first")
    print(f"[parent {me}] starting and reaping {opts.n} processes each way, "
          "one at a time", flush=True)
    t = {}
    for method in ("fork", "spawn", "forkserver"):
        ctx = mp.get_context(method)
        one_round(ctx, 1)  # untimed warm-up (forkserver: starts the server)
        t[method] = min(one_round(ctx, opts.n) for _ in range(ROUNDS))
        label = f'Process, "{method}"'
        print(f"[parent {me}] {label:<34} {t[method] * 1e6:9.1f} µs per "
              f"process (best of {ROUNDS} rounds)", flush=True)
    del memory
    print(f"[parent {me}] spawn took {t['spawn'] / t['fork']:.1f} x the time "
          f"of fork ({compare(t['fork'], t['spawn'], 'spawn faster', 'fork faster')}), "
          f"forkserver {t['forkserver'] / t['fork']:.1f} x "
          f"({compare(t['fork'], t['forkserver'], 'forkserver faster', 'fork faster')})")
    if note := busy_note():
        print(f"[parent {me}] {note}")
    if not opts.quiet:
        print("  spawn starts a fresh interpreter that imports this file "
              "again: the __main__ guard\n  below is what stops each child "
              "from running the demo itself.")
    return 0


# Under "spawn" and "forkserver", each child imports this file again: without
# this guard it would run main() and start children of its own.
if __name__ == "__main__":
    sys.exit(main())
