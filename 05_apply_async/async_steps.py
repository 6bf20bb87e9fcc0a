# SPDX-License-Identifier: MIT
"""async_steps.py - what the Python steps of chapter 05 share, as
async_steps.h does for the C steps: a tagged print, the command line, and
common/verdict.h's rules (best of N runs, "too close to call", the busy
machine note; the last two from common/python/forklore_verdict.py)."""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_verdict import MARGIN, busy_note, compare  # noqa: E402,F401 (the path first)

QUIET = False


def say(text):
    if not QUIET:
        print(f"[parent {os.getpid()}] {text}", flush=True)


def best_of(runs, fn):
    """The smallest of `runs` timings of fn(), in seconds."""
    best = None
    for _ in range(runs):
        t0 = time.monotonic()
        fn()
        t = time.monotonic() - t0
        best = t if best is None or t < best else best
    return best


def time_pair(runs, fn_a, fn_b):
    """verdict_time_pair: a, b, a, b, ...; (a_best, a_worst, b_best, b_worst)."""
    times_a, times_b = [], []
    for _ in range(runs):
        for fn, times in ((fn_a, times_a), (fn_b, times_b)):
            t0 = time.monotonic()
            fn()
            times.append(time.monotonic() - t0)
    return min(times_a), max(times_a), min(times_b), max(times_b)


def compare_pair(pair, b_wins, a_wins):
    """verdict_compare_pair: as compare, with the runs' spread as the margin
    when it is larger than 5 %."""
    a_best, a_worst, b_best, b_worst = pair
    margin = max(MARGIN, a_worst / a_best - 1, b_worst / b_best - 1)
    return compare(a_best, b_best, b_wins, a_wins, margin)


def say_busy():
    """verdict_print_busy: load average >= the CPUs this process may use."""
    if note := busy_note():
        say(note)


def bounded(low, high):
    def parse(text):
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{value} is out of range ({low} to {high})")
        return value
    return parse


def parse(about, rows=None, seed=False, quiet=True, crash=None):
    """-j always; -n ROWS (rows = (default, min, max)), --seed, -q and
    --crash-task K (crash = highest K) when asked for."""
    global QUIET
    usable = len(os.sched_getaffinity(0))
    p = argparse.ArgumentParser(description=about)
    p.add_argument("-j", "--workers", type=bounded(1, 8 * usable),
                   default=usable)
    if rows:
        p.add_argument("-n", type=bounded(rows[1], rows[2]), default=rows[0],
                       help="rows of the data set")
    if seed:
        p.add_argument("--seed", type=bounded(0, 2 ** 63 - 1), default=1)
    if quiet:
        p.add_argument("-q", "--quiet", action="store_true")
    if crash is not None:
        p.add_argument("--crash-task", type=bounded(0, crash), default=-1)
    args = p.parse_args()
    QUIET = getattr(args, "quiet", False)
    return args
