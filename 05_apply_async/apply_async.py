#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""apply_async.py - the Python original of apply_async.c: Pool.apply against
Pool.apply_async, AsyncResult (get, timeout, ready, wait, successful),
heterogeneous tasks, three data-science shapes, errors and a killed worker.

Usage: apply_async.py [-j N] [-n ROWS] [--seed S] [-q] [--crash-task K]

The heterogeneous tasks, the data-science tables and the error lines are
the same as the C program's for the same --seed and -n: the data set comes
from the same generator (xoshiro256**, common/python/forklore_rng.py) and
the same arithmetic. Timings differ, and so does the CPU-bound work of the
first section (Python is about 50 times slower per step, so it does fewer
steps). With --crash-task, Python's Pool never reports the dead worker: see
errors().
"""
import argparse
import heapq
import multiprocessing
import os
import signal
import sys
import time

# common/rng.c's seeded generator, so the data set is the C program's.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_rng import Rng  # noqa: E402 (the path first)

SPEED_TASKS, ORDER_TASKS, ERROR_TASKS = 8, 6, 8
CLASSES, MAX_ROWS, DEFAULT_ROWS, MAX_K = 3, 5000, 120, 15
SWEEP = (MAX_K + 1) // 2
PERCEPTRON_EPOCHS = 10
ROUND_TRIPS = 2000
SPIN_STEPS = 300_000   # about 40 ms in CPython (32 million in C)
MAJORITY, CENTROID, KNN, PERCEPTRON = range(4)
MODELS = [(MAJORITY, 0), (CENTROID, 0), (KNN, 1), (KNN, 7), (PERCEPTRON, 0)]

quiet = False


def say(text):
    if not quiet:
        print(f"[parent {os.getpid()}] {text}", flush=True)


def title(text):
    if not quiet:
        print(f"\n== {text} ==", flush=True)


# ----------------------------------------------- 1. apply vs apply_async

def spin(index):
    started = time.monotonic()   # CLOCK_MONOTONIC: one clock for all
    x = 0.0
    for i in range(1, SPIN_STEPS + 1):
        x += 1.0 / (float(i) * float(i))
    return index, os.getpid(), started, time.monotonic(), x


def most_at_once(results):
    return max(sum(s <= r[2] < f for _, _, s, f, _ in results)
               for r in results)


def mean_ms(results):
    return sum(f - s for _, _, s, f, _ in results) / len(results) * 1000


def apply_vs_apply_async(pool, workers):
    title("apply vs apply_async: the same 8 CPU-bound tasks")
    t0 = time.monotonic()
    blocking = [pool.apply(spin, (i,)) for i in range(SPEED_TASKS)]
    t_apply = time.monotonic() - t0
    t0 = time.monotonic()
    handles = [pool.apply_async(spin, (i,)) for i in range(SPEED_TASKS)]
    parallel = [h.get() for h in handles]
    t_async = time.monotonic() - t0
    same = all(b[0] == i and a[0] == i and b[4] == a[4]
               for i, (b, a) in enumerate(zip(blocking, parallel)))
    usable = len(os.sched_getaffinity(0))
    ideal = min(workers, usable, SPEED_TASKS)
    speedup = t_apply / t_async
    say(f"each task sums 1/i^2 for i up to {SPIN_STEPS} (-> pi^2/6), "
        f"{workers} workers")
    say("               total     per task   most running at once")
    say(f"apply        {t_apply:7.3f} s  {mean_ms(blocking):6.1f} ms   "
        f"{most_at_once(blocking)}")
    say(f"apply_async  {t_async:7.3f} s  {mean_ms(parallel):6.1f} ms   "
        f"{most_at_once(parallel)}")
    say(f"speedup {speedup:.2f}x (ideal {ideal}x: {workers} workers, "
        f"{usable} usable CPUs)")
    say(f"every task returned {parallel[0][4]:.6f}, in both runs: "
        f"{'yes' if same else 'NO'}")
    return speedup


# ------------------------------------------------------ 2. async results

def nap(x, ms):
    if x < 0:
        raise ValueError(f"negative input {x}")
    time.sleep(ms / 1000)
    return x, x * x, os.getpid(), time.monotonic()


def completion_order(pool, workers):
    title("async results: submission order vs completion order")
    ms = [300, 50, 40, 30, 20, 10]
    t0 = time.monotonic()
    handles = [pool.apply_async(nap, (i, ms[i])) for i in range(ORDER_TASKS)]
    say(f"submitted {ORDER_TASKS} tasks (square x after sleeping): "
        f"ms = {' '.join(map(str, ms))}")
    results = []
    for i, h in enumerate(handles):
        x, square, pid, finished = h.get()
        results.append((x, square, pid, finished))
        say(f"get() task {i}: {x}^2 = {square:<3d} after "
            f"{(time.monotonic() - t0) * 1000:4.0f} ms  (worker pid {pid})")
    order = sorted(range(ORDER_TASKS), key=lambda i: results[i][3])
    say(f"submission order: {' '.join(map(str, range(ORDER_TASKS)))}")
    say(f"completion order: {' '.join(map(str, order))}")
    matched = all(r[0] == i and r[1] == i * i for i, r in enumerate(results))
    say(f"every result matches its task: {'yes' if matched else 'NO'}")
    if workers == 1:
        say("(one worker runs them one after another: try -j 2)")

    title("get with a timeout, ready, wait, successful")
    h = pool.apply_async(nap, (7, 200))
    say("submitted task 7 (sleeps 200 ms)")
    say(f"ready() right away: {h.ready()}")
    t0 = time.monotonic()
    try:
        h.get(timeout=0.05)
        say("get(timeout=0.05): already done (the machine is slow?)")
    except multiprocessing.TimeoutError:
        say(f"get(timeout=0.05): timed out after {time.monotonic() - t0:.3f} s"
            " (TimeoutError): the task is still running")
    h.wait(5)
    say(f"wait(timeout=5) returned after {time.monotonic() - t0:.3f} s; "
        f"ready(): {h.ready()}, successful(): {h.successful()}")
    say(f"get(): {h.get()[1]}")
    h = pool.apply_async(nap, (-1, 0))
    h.wait()
    say(f"task 8 (x = -1): ready(): {h.ready()}, "
        f"successful(): {h.successful()}")
    try:
        h.get()
    except ValueError as e:
        say(f"get() fails: task 8 failed: {e}")
    return matched


# ------------------------------------------------- 3. heterogeneous tasks

def factorize(n):
    factors, p = [], 2
    while p * p <= n:
        while n % p == 0:
            factors.append(p)
            n //= p
        p += 1
    if n > 1:
        factors.append(n)
    return factors


def text_stats(text):
    words = letters = vowels = 0
    in_word = False
    for ch in text:
        letter = ch.isascii() and ch.isalpha()
        words += letter and not in_word
        letters += letter
        vowels += letter and ch in "aeiouAEIOU"
        in_word = letter
    return words, letters, vowels


def poly_eval(c, x):
    y = c[3]                  # Horner's rule
    for i in (2, 1, 0):
        y = y * x + c[i]
    return y


def collatz_steps(n):
    steps = 0
    while n != 1:
        n = 3 * n + 1 if n % 2 else n // 2
        steps += 1
    return steps


def heterogeneous(pool):
    title("heterogeneous tasks: different functions and argument types, "
          "one pool")
    text = "the quick brown fox jumps over the lazy dog"
    hf = pool.apply_async(factorize, (360360,))
    ht = pool.apply_async(text_stats, (text,))
    hp = pool.apply_async(poly_eval, ((1, -3, 0, 2), 1.5))
    hc = pool.apply_async(collatz_steps, (27,))
    say(f"factorize(360360) -> {' '.join(map(str, hf.get()))}")
    say('text_stats("%s") -> %d words, %d letters, %d vowels'
        % ((text,) + ht.get()))
    say("poly_eval(1 - 3x + 2x^3, x = %g) -> %g" % (1.5, hp.get()))
    say(f"collatz_steps(27) -> {hc.get()}")


# ---------------------------------------------------- 4. data science

# The data set is a module-level global filled before Pool() is created:
# with the fork start method, every worker inherits it.
DATA = []
TRAIN = 0


def make_data(seed, n):
    global TRAIN
    centre = [(0, 0), (3, 1), (1, 3)]
    spread = 2.5
    r = Rng(seed)
    DATA.clear()
    for _ in range(n):
        label = r.below(CLASSES)
        nx = r.uniform()
        nx += r.uniform()
        nx += r.uniform()
        ny = r.uniform()
        ny += r.uniform()
        ny += r.uniform()
        DATA.append((centre[label][0] + spread * (nx - 1.5),
                     centre[label][1] + spread * (ny - 1.5), label))
    TRAIN = n * 2 // 3


def most_votes(votes):
    return votes.index(max(votes))       # a tie goes to the smaller label


def knn_predict(q, k, first, end, skip):
    qx, qy, _ = DATA[q]
    dists = []
    for i in range(first, end):
        if i != skip:
            dx, dy = DATA[i][0] - qx, DATA[i][1] - qy
            dists.append((dx * dx + dy * dy, i))
    votes = [0] * CLASSES
    for _, i in heapq.nsmallest(k, dists):    # ties in distance: lower row
        votes[DATA[i][2]] += 1
    return most_votes(votes)


def model_name(algorithm, k):
    if algorithm == KNN:
        return f"{k}-nearest neighbour{'s' if k > 1 else ''}"
    return ["majority class", "nearest centroid", "",
            f"perceptron, {PERCEPTRON_EPOCHS} epochs"][algorithm]


def evaluate(algorithm, k):
    """Train one model on the training rows; count right test rows."""
    count, sx, sy = [0] * CLASSES, [0.0] * CLASSES, [0.0] * CLASSES
    w = [[0.0, 0.0, 0.0] for _ in range(CLASSES)]
    for x, y, label in DATA[:TRAIN]:
        count[label] += 1
        sx[label] += x
        sy[label] += y
    if algorithm == PERCEPTRON:
        for _ in range(PERCEPTRON_EPOCHS):
            for x, y, label in DATA[:TRAIN]:
                scores = [w[c][0] * x + w[c][1] * y + w[c][2]
                          for c in range(CLASSES)]
                guess = most_votes(scores)
                if guess != label:
                    w[label][0] += x
                    w[guess][0] -= x
                    w[label][1] += y
                    w[guess][1] -= y
                    w[label][2] += 1
                    w[guess][2] -= 1
    correct = 0
    for q in range(TRAIN, len(DATA)):
        x, y, label = DATA[q]
        if algorithm == MAJORITY:
            guess = most_votes(count)
        elif algorithm == CENTROID:
            guess, top = 0, -1
            for c in range(CLASSES):
                if count[c]:
                    dx, dy = sx[c] / count[c] - x, sy[c] / count[c] - y
                    d = dx * dx + dy * dy
                    if top < 0 or d < top:
                        top, guess = d, c
        elif algorithm == KNN:
            guess = knn_predict(q, k, 0, TRAIN, -1)
        else:
            guess = most_votes([w[c][0] * x + w[c][1] * y + w[c][2]
                                for c in range(CLASSES)])
        correct += guess == label
    return correct, len(DATA) - TRAIN


def leave_one_out(row, k):
    return knn_predict(row, k, 0, len(DATA), row)


def run_all(pool, fn, args):
    if pool is None:
        return [fn(*a) for a in args]
    handles = [pool.apply_async(fn, a) for a in args]
    return [h.get() for h in handles]


def run_science(pool):
    models = run_all(pool, evaluate, MODELS)
    sweep = run_all(pool, evaluate, [(KNN, 2 * i + 1) for i in range(SWEEP)])
    best_k = 2 * max(range(SWEEP), key=lambda i: (sweep[i][0], -i)) + 1
    loo = run_all(pool, leave_one_out, [(i, best_k) for i in range(len(DATA))])
    return models, sweep, best_k, loo


def data_science(pool, seed):
    title("data science: three shapes of apply_async work")
    rows = len(DATA)
    per_class = [sum(p[2] == c for p in DATA) for c in range(CLASSES)]
    say(f"data set: {rows} points in {CLASSES} classes "
        f"({' '.join(map(str, per_class))}), seed {seed}; "
        f"train on {TRAIN}, test on {rows - TRAIN}")
    t0 = time.monotonic()
    par = run_science(pool)
    t_par = time.monotonic() - t0
    t0 = time.monotonic()
    seq = run_science(None)
    t_seq = time.monotonic() - t0
    models, sweep, best_k, loo = par

    say("(a) several algorithms, one task each:")
    for (algorithm, k), (correct, tested) in zip(MODELS, models):
        say("    %-24s %3d/%d  %5.1f%%" % (model_name(algorithm, k), correct,
                                            tested, 100.0 * correct / tested))
    best = max(range(len(MODELS)), key=lambda i: (models[i][0], -i))
    say(f"    best: {model_name(*MODELS[best])}")
    say("(b) k-nearest neighbours over a sweep of k, one task per k:")
    for i, (correct, tested) in enumerate(sweep):
        say("    k = %-2d %3d/%d  %5.1f%%" % (2 * i + 1, correct, tested,
                                              100.0 * correct / tested))
    say(f"    best: k = {best_k}")
    say(f"(c) leave-one-out cross-validation of {best_k}-NN, "
        "one task per row:")
    confusion = [[0] * CLASSES for _ in range(CLASSES)]
    for (_, _, label), guess in zip(DATA, loo):
        confusion[label][guess] += 1
    right = sum(confusion[c][c] for c in range(CLASSES))
    say("    true \\ predicted     0    1    2")
    for c in range(CLASSES):
        say("    class %d          %4d %4d %4d" % (c, *confusion[c]))
    say("    %d/%d right  %5.1f%%" % (right, rows, 100.0 * right / rows))
    same = par == seq
    say(f"the same {len(MODELS) + SWEEP + rows} tasks run sequentially in the "
        f"parent give the same results: {'yes' if same else 'NO'}")
    say(f"time: pool {t_par:.3f} s, sequential {t_seq:.3f} s (tiny tasks: the "
        "pool's messages cost more than the work)")
    return same


# --------------------------------------------------------------- 5. errors

def divide(divisor, crash):
    if crash:
        os.kill(os.getpid(), signal.SIGKILL)
    if divisor == 0:
        raise ZeroDivisionError(f"division by zero (100 / {divisor})")
    return int(100 / divisor)            # C's / truncates toward zero


def worker_pids(pool):
    return " ".join(str(p.pid) for p in pool._pool)   # (a private attribute)


def errors(pool, crash_task):
    title("errors: a failing task and a crashed worker")
    say(f"worker pids before: {worker_pids(pool)}")
    handles = [pool.apply_async(divide, (i - 3, i == crash_task))
               for i in range(ERROR_TASKS)]
    failed = lost = 0
    for i, h in enumerate(handles):
        try:
            # Python's Pool replaces a killed worker but never fails its
            # task: without a timeout, this get() would wait forever.
            say(f"task {i}: 100 / {i - 3} = {h.get(timeout=2)}")
        except multiprocessing.TimeoutError:
            say(f"task {i}: no result after 2 s: its worker died, and "
                "multiprocessing.Pool does not say so")
            failed += 1
            lost += 1
        except ZeroDivisionError as e:
            say(f"task {i} failed: {e}")
            failed += 1
    say(f"worker pids after : {worker_pids(pool)}")
    if crash_task < 0:
        say("(run with --crash-task K to kill the worker running task K)")
    return failed, lost


# ----------------------------------------------------------- 6. round trip

def trivial(x):
    return x + 1


def pool_round_trip(pool):
    for i in range(-100, ROUND_TRIPS):
        if i == 0:
            t0 = time.monotonic()
        assert pool.apply_async(trivial, (i,)).get() == i + 1
    return (time.monotonic() - t0) / ROUND_TRIPS * 1e6


def pipe_round_trip():
    down_r, down_w = os.pipe()
    up_r, up_w = os.pipe()
    pid = os.fork()
    if pid == 0:     # child: echo each byte until the parent closes its end
        os.close(down_w)
        os.close(up_r)
        while (byte := os.read(down_r, 1)):
            os.write(up_w, byte)
        os._exit(0)
    os.close(down_r)
    os.close(up_w)
    for i in range(-100, ROUND_TRIPS):
        if i == 0:
            t0 = time.monotonic()
        os.write(down_w, b"x")
        os.read(up_r, 1)
    us = (time.monotonic() - t0) / ROUND_TRIPS * 1e6
    os.close(down_w)
    _, status = os.waitpid(pid, 0)
    os.close(up_r)
    how = ("exited normally" if os.waitstatus_to_exitcode(status) == 0
           else f"ended with status {status}")
    say(f"ping-pong child {pid} {how}, reaped")
    return us


# --------------------------------------------------------------------- main

def bounded(low, high):
    def parse(text):
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{value} is out of range ({low} to {high})")
        return value
    return parse


def main():
    global quiet
    usable = len(os.sched_getaffinity(0))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-j", "--workers", type=bounded(1, 8 * usable),
                        default=usable)
    parser.add_argument("-n", type=bounded(3 * MAX_K, MAX_ROWS),
                        default=DEFAULT_ROWS, help="rows of the data set")
    parser.add_argument("--seed", type=bounded(0, 2 ** 63 - 1), default=1)
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("--crash-task", type=bounded(0, ERROR_TASKS - 1),
                        default=-1)
    args = parser.parse_args()
    quiet = args.quiet

    make_data(args.seed, args.n)
    # fork, as the C pool does (and so the workers inherit DATA); Python
    # 3.14 defaults to forkserver on Linux, spawn on macOS and Windows.
    # The with-block calls pool.terminate() on the way out, also when Ctrl-C
    # raises KeyboardInterrupt in the middle.
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        say(f"a pool of {args.workers} workers")
        speedup = apply_vs_apply_async(pool, args.workers)
        completion_order(pool, args.workers)
        heterogeneous(pool)
        same = data_science(pool, args.seed)
        failed, lost = errors(pool, args.crash_task)

        title("round trip: one trivial apply_async + get vs a bare pipe")
        pool_us = pool_round_trip(pool)
        if not lost:         # join() would wait for the lost task forever
            pool.close()
            pool.join()
    pipe_us = pipe_round_trip()   # after the pool's threads are gone
    say(f"apply_async + get: {pool_us:6.1f} us per task (mean of "
        f"{ROUND_TRIPS})")
    say(f"pipe ping-pong   : {pipe_us:6.1f} us per round trip (mean of "
        f"{ROUND_TRIPS})")
    say(f"ratio {pool_us / pipe_us:.1f}x (target: within 3x)")
    if not quiet:
        print()
    print(f"[parent {os.getpid()}] summary: speedup {speedup:.2f}x with "
          f"{args.workers} workers; data science equals sequential: "
          f"{'yes' if same else 'no'}; {failed} of {ERROR_TASKS} error tasks "
          f"failed, {lost} lost without a word; round trip {pool_us:.1f} us "
          f"(pipe {pipe_us:.1f} us, {pool_us / pipe_us:.1f}x)")
    return 0 if same and not lost else 1


if __name__ == "__main__":
    sys.exit(main())
