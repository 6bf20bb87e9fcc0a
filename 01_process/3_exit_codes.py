#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""3_exit_codes.py - the mirror of 3_exit_codes.c: four children end four
ways; Process.exitcode is the code, or minus the signal. Usage: 3_exit_codes.py
"""
import multiprocessing as mp
import os
import resource
import signal
import sys
import time


def describe(exitcode):
    """Python's exitcode in words, as wait_describe() does in C."""
    if exitcode == 0:
        return "exited normally"
    if exitcode > 0:
        return f"exited with code {exitcode}"
    return f"killed by {signal.Signals(-exitcode).name}"


def returns():
    pass


def exits_3():
    sys.exit(3)


def crashes():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file
    os.kill(os.getpid(), signal.SIGSEGV)


def waits():
    time.sleep(10)


if __name__ == "__main__":
    me = os.getpid()
    ctx = mp.get_context("fork")
    children = [(returns, "returns normally"), (exits_3, "calls exit(3)"),
                (crashes, "crashes (SIGSEGV)"),
                (waits, "is terminated by its parent")]
    procs = [ctx.Process(target=target) for target, _ in children]
    for p in procs:
        p.start()
    for p, (target, what) in zip(procs, children):
        if target is waits:
            p.terminate()  # SIGTERM
        p.join()
        print(f"[parent {me}] child {what:<28} pid {p.pid}: "
              f"exitcode {p.exitcode} ({describe(p.exitcode)})")
    print("  Python's exitcode is the exit code for a child that exited, and "
          "minus the signal\n  number for one a signal killed: WIFEXITED/"
          "WEXITSTATUS and WIFSIGNALED/WTERMSIG in C.")
    left = mp.active_children()
    print(f"\n[parent {me}] done: 4 children started, 4 reaped, "
          + ("none left behind" if not left else "SOME LEFT BEHIND"))
    sys.exit(1 if left else 0)
