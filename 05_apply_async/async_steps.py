# SPDX-License-Identifier: MIT
"""async_steps.py - what the Python steps of chapter 05 share, as
async_steps.h does for the C steps: a tagged print, the command line, and
common/verdict.h's rules (best of N runs, "too close to call", the busy
machine note)."""
import argparse
import os
import time

QUIET = False
MARGIN = 0.05                 # common/verdict.h's VERDICT_MARGIN


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


def compare(a, b, b_wins, a_wins):
    """verdict_compare: b_wins when b is more than 5 % faster than a."""
    if b < a * (1 - MARGIN):
        return b_wins
    if b > a * (1 + MARGIN):
        return a_wins
    return "too close to call on this machine"


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
    if b_best < a_best * (1 - margin):
        return b_wins
    if b_best > a_best * (1 + margin):
        return a_wins
    return "too close to call on this machine"


def say_busy():
    """verdict_print_busy: load average >= the CPUs this process may use."""
    load, cpus = os.getloadavg()[0], len(os.sched_getaffinity(0))
    if load >= cpus:
        say(f"this machine is busy (load {load:.2f} on {cpus} CPU"
            f"{'' if cpus == 1 else 's'}): timings unreliable")


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
