#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""1_fork_join.py - the mirror of 1_fork_join.c: three children say hello,
the parent joins each by its pid. Usage: 1_fork_join.py"""
import multiprocessing as mp
import os
import sys


def hello(i):
    # one write, so that lines of children running together do not mix
    sys.stdout.write(f"[child {i} pid {os.getpid()}] hello; my parent is "
                     f"{os.getppid()}\n")
    sys.stdout.flush()


if __name__ == "__main__":
    ctx = mp.get_context("fork")  # what the C does, whatever the default
    print(f"[parent {os.getpid()}] starting 3 children", flush=True)
    procs = [ctx.Process(target=hello, args=(i + 1,)) for i in range(3)]
    for p in procs:
        p.start()  # fork()
    for i, p in enumerate(procs):
        p.join()  # waitpid(p.pid, ...)
        print(f"[parent {os.getpid()}] joined child {i + 1} (pid {p.pid}): "
              f"exit code {p.exitcode}")
    sys.exit(0)
