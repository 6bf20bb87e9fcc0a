# SPDX-License-Identifier: MIT
"""_steps.py - what the chapter 07 Python mirrors share: the -j/-n/-q command
line, starting and joining workers, and best of N, "too close to call" and
the busy note of common/verdict.h, from common/python/forklore_verdict.py
(the C steps use common/team.c and common/verdict.c)."""
import argparse
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_verdict import busy_note, compare  # noqa: E402,F401 (the path first)
from forklore_verdict import best_of as best_of_runs  # noqa: E402

RUNS = 3


def count(text):
    """250000, 250K, 2M, 1e6: as cli_parse_count in C."""
    scale = {"K": 10**3, "M": 10**6, "G": 10**9}.get(text[-1:].upper(), 1)
    try:
        value = float(text[:-1] if scale > 1 else text) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a count")
    if value != int(value) or value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a count >= 1")
    return int(value)


def parser(prog, n=None, **extra):
    p = argparse.ArgumentParser(prog=prog)
    p.add_argument("-j", "--workers", type=count, default=max(2, len(os.sched_getaffinity(0))))
    if n is not None:
        p.add_argument("-n", type=count, default=n)
    for name, default in extra.items():
        p.add_argument("--" + name.replace("_", "-"), type=count, default=default)
    p.add_argument("-q", "--quiet", action="store_true")
    return p


def say(text):
    print(f"[parent {os.getpid()}] {text}", flush=True)


def run_workers(count_, target, *args):
    """Start count_ Processes of target(w, *args), join them; seconds."""
    procs = [mp.Process(target=target, args=(w, *args)) for w in range(count_)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
        if p.exitcode != 0:
            sys.exit(f"worker pid {p.pid} exitcode {p.exitcode}")
    return time.perf_counter() - start


def best_of(fn):
    return best_of_runs(RUNS, fn)


def print_busy():
    if note := busy_note():
        say(note)
