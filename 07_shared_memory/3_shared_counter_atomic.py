#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""3_shared_counter_atomic.py - the lock against partial counts, best of 3.
Mirror of 3_shared_counter_atomic.c; Python has no atomic integers, so the
C11 atomic has no line here.

Usage: 3_shared_counter_atomic.py [-j N] [-n N] [-q]
"""
import multiprocessing as mp

from _steps import RUNS, best_of, compare, parser, print_busy, run_workers, say


def add_locked(w, counter, n):
    for _ in range(n):
        with counter.get_lock():
            counter.value += 1


def add_partial(w, partials, n):
    count = 0
    for _ in range(n):
        count += 1
    partials[w] = count  # each worker writes only its own slot


if __name__ == "__main__":
    args = parser("3_shared_counter_atomic.py", n=100_000).parse_args()
    j, n, expected = args.workers, args.n, args.workers * args.n
    say(f"{j} workers each add 1 to a shared counter {n} times, 2 ways, best of {RUNS} runs")
    results = {}

    def locked():
        counter = mp.Value("l", 0)
        seconds = run_workers(j, add_locked, counter, n)
        results["mutex:"] = counter.value
        return seconds

    def partial():
        partials = mp.RawArray("l", j)
        seconds = run_workers(j, add_partial, partials, n)
        results["partial counts, summed:"] = sum(partials)
        return seconds

    times = {"mutex:": best_of(locked), "partial counts, summed:": best_of(partial)}
    for label, seconds in times.items():
        got = results[label]
        say(f"{label:<24} total {got} of {expected}, {'exact' if got == expected else 'WRONG'}, "
            f"{seconds:.3f} s, {expected / seconds / 1e6:.1f} M increments/s")
    say("partial counts against mutex: " + compare(times["mutex:"], times["partial counts, summed:"],
                                                    "partial counts are faster",
                                                    "partial counts are slower"))
    print_busy()
    raise SystemExit(0 if all(v == expected for v in results.values()) else 1)
