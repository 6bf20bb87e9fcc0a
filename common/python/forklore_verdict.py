# SPDX-License-Identifier: MIT
"""forklore_verdict.py - common/verdict.h for the Python mirrors: best of N,
a comparison that says "too close to call", and the busy-machine note.

    import sys, os; sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "common", "python"))
    from forklore_verdict import best_of, compare, busy_note
"""
import os

MARGIN = 0.05  # VERDICT_MARGIN


def best_of(runs, fn):
    """The smallest of `runs` timings fn() (seconds)."""
    return min(fn() for _ in range(runs))


def compare(a, b, b_wins, a_wins, margin=MARGIN):
    """As verdict_compare: b_wins when b is more than 5 % (margin) faster
    than a, a_wins when it is that much slower."""
    if b < a * (1 - margin):
        return b_wins
    if b > a * (1 + margin):
        return a_wins
    return "too close to call on this machine"


def busy_note():
    """As verdict_busy: the note when the load average >= usable CPUs, else ""."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return ""
    cpus = len(os.sched_getaffinity(0))
    if load < cpus:
        return ""
    return (f"this machine is busy (load {load:.2f} on {cpus} CPU{'' if cpus == 1 else 's'}): "
            "timings unreliable")
