#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""6_data_science.py - the Python original of 6_data_science.c: three
shapes of apply_async work on one data set, checked against a sequential
run, both timed (best of 3). The tables are the C program's for the same
--seed and -n (classify.py uses the same generator and arithmetic).

Usage: 6_data_science.py [-j N] [-n ROWS] [--seed S] [-q]
"""
import multiprocessing
import os
import sys

import async_steps as a
import classify as c
from classify import CLASSES, KNN, MAJORITY, CENTROID, PERCEPTRON

MODELS = [(MAJORITY, 0), (CENTROID, 0), (KNN, 1), (KNN, 7), (PERCEPTRON, 0)]
SWEEP = (c.MAX_K + 1) // 2
RUNS = 3


def run_all(pool, fn, args):
    if pool is None:
        return [fn(*x) for x in args]
    handles = [pool.apply_async(fn, x) for x in args]
    return [h.get() for h in handles]


def run_science(pool):
    models = run_all(pool, c.evaluate, MODELS)
    sweep = run_all(pool, c.evaluate, [(KNN, 2 * i + 1) for i in range(SWEEP)])
    best_k = 2 * max(range(SWEEP), key=lambda i: (sweep[i][0], -i)) + 1
    loo = run_all(pool, c.leave_one_out,
                  [(i, best_k) for i in range(len(c.DATA))])
    return models, sweep, best_k, loo


def print_science(par):
    models, sweep, best_k, loo = par
    a.say("(a) several algorithms, one task each:")
    for (algorithm, k), (correct, tested) in zip(MODELS, models):
        a.say("    %-24s %3d/%d  %5.1f%%" % (c.model_name(algorithm, k),
                                             correct, tested,
                                             100.0 * correct / tested))
    best = max(range(len(MODELS)), key=lambda i: (models[i][0], -i))
    a.say(f"    best: {c.model_name(*MODELS[best])}")
    a.say("(b) k-nearest neighbours over a sweep of k, one task per k:")
    for i, (correct, tested) in enumerate(sweep):
        a.say("    k = %-2d %3d/%d  %5.1f%%" % (2 * i + 1, correct, tested,
                                               100.0 * correct / tested))
    a.say(f"    best: k = {best_k}")
    a.say(f"(c) leave-one-out cross-validation of {best_k}-NN, "
          "one task per row:")
    confusion = [[0] * CLASSES for _ in range(CLASSES)]
    for (_, _, label), guess in zip(c.DATA, loo):
        confusion[label][guess] += 1
    right = sum(confusion[k][k] for k in range(CLASSES))
    rows = len(c.DATA)
    a.say("    true \\ predicted     0    1    2")
    for k in range(CLASSES):
        a.say("    class %d          %4d %4d %4d" % (k, *confusion[k]))
    a.say("    %d/%d right  %5.1f%%" % (right, rows, 100.0 * right / rows))


def main():
    args = a.parse("three shapes of apply_async work on a generated data set.",
                   rows=(120, c.MIN_ROWS, c.MAX_ROWS), seed=True)
    c.make_data(args.seed, args.n)      # before Pool(): the workers inherit it
    rows = len(c.DATA)
    per_class = [sum(p[2] == k for p in c.DATA) for k in range(CLASSES)]
    a.say(f"data set: {rows} points in {CLASSES} classes "
          f"({' '.join(map(str, per_class))}), seed {args.seed}; "
          f"train on {c.TRAIN}, test on {rows - c.TRAIN}")
    out = {}
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        t_par = a.best_of(RUNS, lambda: out.update(par=run_science(pool)))
    t_seq = a.best_of(RUNS, lambda: out.update(seq=run_science(None)))
    print_science(out["par"])
    same = out["par"] == out["seq"]
    a.say(f"the same {len(MODELS) + SWEEP + rows} tasks run sequentially in "
          f"the parent give the same results: {'yes' if same else 'NO'}")
    verdict = a.compare(t_seq, t_par, "the pool is faster", "the pool is slower")
    a.say(f"time: pool {t_par:.4f} s, sequential {t_seq:.4f} s (best of {RUNS}):"
          f" {verdict}")
    a.say_busy()
    print(f"[parent {os.getpid()}] summary: {rows} rows, {args.workers} workers; "
          f"equals sequential: {'yes' if same else 'no'}; pool {t_par:.4f} s, "
          f"sequential {t_seq:.4f} s (best of {RUNS}): {verdict}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
