#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""callbacks.py - Pool.apply_async(..., callback=, error_callback=): the
callbacks run in the parent, one at a time, as tasks finish.

The Python mirror of callbacks.c: same flags, same sections, the same
inputs (the same random number generator, xoshiro256**, from
common/python/forklore_rng.py) and so the same results for the same seed.

Usage: callbacks.py [-j N] [-n N] [--seed S] [-q] [--callback-ms MS]
                    [--crash-task K]
"""
import argparse
import functools
import multiprocessing as mp
import os
import signal
import sys
import time

# common/rng.c's generator, so a seed gives the C program's x and sleeps.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_rng import Rng  # noqa: E402 (the path first)


# ------------------------------------------------------------- workers

def square_unless_multiple_of_7(index, x, sleep_ms, crash):
    """Runs in a worker. Sleeps (a stand-in for work that takes the time
    asked, whatever the machine's load), then squares x."""
    time.sleep(sleep_ms / 1000)
    if crash:
        os.kill(os.getpid(), signal.SIGKILL)
    if x % 7 == 0:
        raise ValueError(f"input {x} is a multiple of 7")
    return index, x, x * x, sleep_ms, os.getpid()


def square_quietly(index, x):
    return index, x * x


# A Queue cannot be an argument of apply_async ("Queue objects should only be
# shared between processes through inheritance"): the initializer puts it in
# a global of each worker.
worker_queue = None


def remember_queue(queue):
    global worker_queue
    worker_queue = queue


def square_onto_queue(index, x):
    worker_queue.put((index, x * x))
    return 1


# ------------------------------------------------------------- parent

class Collector:
    """What the callbacks update. They run in the parent, in the Pool's
    result-handler thread, one at a time."""

    def __init__(self, tasks, callback_ms=0, show=False, live=False):
        self.parent = os.getpid()
        self.tasks = tasks
        self.results = [None] * tasks
        self.failed_task = [False] * tasks
        self.calls = [0] * tasks
        self.order = []
        self.elsewhere = 0
        self.ok = self.failed = 0
        self.callback_ms = callback_ms
        self.show = show
        self.live = live

    def progress(self):
        if self.live:
            sys.stderr.write(f"\r\033[K[parent {self.parent}] "
                             f"{len(self.order)}/{self.tasks} done")
            sys.stderr.flush()

    def erase(self):
        if self.live:
            sys.stderr.write("\r\033[K")

    def _note(self, index):
        if os.getpid() != self.parent:
            self.elsewhere += 1
        self.calls[index] += 1
        self.order.append(index)
        if self.callback_ms:
            time.sleep(self.callback_ms / 1000)

    def on_result(self, value):          # callback=
        index, x, square, sleep_ms, worker_pid = value
        self._note(index)
        self.results[index] = square
        self.ok += 1
        if self.show:
            self.erase()
            print(f"[callback pid {os.getpid()}] task {index}: {x}^2 = "
                  f"{square} (slept {sleep_ms} ms in worker pid {worker_pid})",
                  flush=True)
        self.progress()

    def on_error(self, index, exc):      # error_callback=, via partial
        self._note(index)
        self.failed_task[index] = True
        self.failed += 1
        if self.show:
            self.erase()
            print(f"[error_callback pid {os.getpid()}] task {index} failed: "
                  f"{exc}", flush=True)
        self.progress()


def run_with_callbacks(workers, tasks, collector, patience):
    """apply_async every task with both callbacks, close, join. Returns the
    seconds taken and the tasks that never called back."""
    with mp.Pool(workers) as pool:
        t0 = time.perf_counter()
        handles = [pool.apply_async(
            square_unless_multiple_of_7, task,
            callback=collector.on_result,
            error_callback=functools.partial(collector.on_error, task[0]))
            for task in tasks]
        pool.close()
        # pool.join() would wait forever for a task whose worker was killed:
        # Python's Pool replaces the worker but never fails the task. So we
        # wait with a deadline, then give up on what is missing.
        deadline = time.monotonic() + patience
        for h in handles:
            h.wait(max(0.0, deadline - time.monotonic()))
        lost = [i for i, h in enumerate(handles) if not h.ready()]
        seconds = time.perf_counter() - t0
        if lost:
            pool.terminate()
        else:
            pool.join()
    return seconds, lost


def callbacks_in_the_parent(args):
    n, parent = args.n, os.getpid()
    rng = Rng(args.seed)
    tasks = []
    for i in range(n):
        x = 1 + rng.below(99)
        sleep_ms = 1 + rng.below(20)
        tasks.append((i, x, sleep_ms, i == args.crash_task))

    print("== callbacks run in the parent ==")
    print(f"[parent {parent}] {n} tasks (x^2 for a random x in 1..99, each "
          f"sleeping 1-20 ms; seed {args.seed}) on {args.workers} workers")
    print(f"[parent {parent}] apply_async(callback=on_result, error_callback="
          f"on_error) for each, then close and join", flush=True)
    live = sys.stderr.isatty()
    c = Collector(n, show=not args.quiet, live=live)
    _, lost = run_with_callbacks(args.workers, tasks, c, 2 + n * 0.05)
    c.erase()
    for i in lost:
        print(f"[parent {parent}] task {i}: no callback and no error callback "
              f"after waiting {2 + n * 0.05:.1f} s: its worker was killed, and "
              f"Python's Pool lost the task")
    done = len(c.order)
    print(f"[parent {parent}] progress: {done}/{n} done")
    once = sum(1 for k in c.calls if k == 1)
    print(f"[parent {parent}] pool_join returned after {done} callbacks: "
          f"{done - c.elsewhere} in pid {parent} (the parent), {c.elsewhere} "
          f"elsewhere; {once} of {n} tasks called back exactly once")
    print(f"[parent {parent}] completion order: "
          + " ".join(map(str, c.order)))
    shown = ["-" if r is None else str(r) for r in c.results]
    print(f"[parent {parent}] results[] (task order, - = failed): "
          + " ".join(shown))
    total = sum(r for r in c.results if r is not None)
    expected = sum(x * x for _, x, _, crash in tasks
                   if x % 7 != 0 and not crash)
    print(f"[parent {parent}] sum of the squares: {total} (a plain loop in the "
          f"parent gives {expected}: "
          f"{'the same' if total == expected else 'DIFFERENT'})")

    print("\n== error callbacks ==")
    got = [i for i in range(n) if c.failed_task[i]]
    want = [i for i, x, _, crash in tasks if x % 7 == 0 or crash]
    print(f"[parent {parent}] error_callback got tasks: "
          + (" ".join(map(str, got)) or "none"))
    label = ("tasks that had to fail (x a multiple of 7, or --crash-task)"
             if args.crash_task is not None
             else "tasks that had to fail (x a multiple of 7)")
    print(f"[parent {parent}] {label}: " + (" ".join(map(str, want)) or "none"))
    same = got == want
    print(f"[parent {parent}] " + (
        "the same tasks: each failure reached the error callback, no success did"
        if same else
        "DIFFERENT: the error callback missed or invented a failure"))
    print(f"[parent {parent}] totals: {c.ok} callbacks + {c.failed} error "
          f"callbacks = {c.ok + c.failed} of {n} tasks")
    bad = not same or total != expected or c.elsewhere or once != n or lost
    return 1 if bad else 0


def keep_callbacks_short(args):
    n, w, parent, task_ms = args.n, args.workers, os.getpid(), 5
    tasks = [(i, 1, task_ms, False) for i in range(n)]
    print("\n== keep callbacks short ==")
    print(f"[parent {parent}] {n} tasks of {task_ms} ms each on {w} workers, "
          f"timed from the first apply_async to the end of join")
    seconds = []
    for cb in (0, args.callback_ms):
        s, _ = run_with_callbacks(w, tasks, Collector(n, callback_ms=cb), 60)
        seconds.append(s)
    work = n * task_ms / 1000
    print(f"[parent {parent}] callback of 0 ms:  {seconds[0]:.3f} s  (the work "
          f"alone: {n} x {task_ms} ms / {w} workers = {work / w:.3f} s)")
    print(f"[parent {parent}] callback of {args.callback_ms} ms: "
          f"{seconds[1]:.3f} s  ({n} callbacks x {args.callback_ms} ms = "
          f"{n * args.callback_ms / 1000:.3f} s in the parent, one at a time)")
    print(f"[parent {parent}] the slow callback made the run "
          f"{seconds[1] / seconds[0]:.1f}x longer; the workers were busy "
          f"{100 * work / (w * seconds[1]):.0f}% of the time "
          f"({100 * work / (w * seconds[0]):.0f}% with the fast one)")
    # Python's Pool differs from the C pool here: one thread of the parent
    # feeds the workers, another runs the callbacks, so in principle a
    # worker need not wait for a callback. Measure and compare with the C
    # program's numbers (README, "things to try").
    print(f"[parent {parent}] in Python one thread of the parent sends the "
          f"tasks and another runs the callbacks")


def callback_or_queue(args):
    # The C program runs 500 x N tasks, best of 5; Python's apply_async costs
    # far more per task, so one run of 50 x N keeps this section short.
    n, w, parent = 50 * args.n, args.workers, os.getpid()
    expected = sum((i % 1000) ** 2 for i in range(n))
    print("\n== callback or queue? ==")
    print(f"[parent {parent}] {n} tiny tasks (x^2) on {w} workers, results "
          f"collected two ways, one run each")

    results = [None] * n

    def store(value):
        index, square = value
        results[index] = square

    with mp.Pool(w) as pool:
        t0 = time.perf_counter()
        for i in range(n):
            pool.apply_async(square_quietly, (i, i % 1000), callback=store)
        pool.close()
        pool.join()
        by_callback = time.perf_counter() - t0

    queue = mp.Queue()
    with mp.Pool(w, initializer=remember_queue, initargs=(queue,)) as pool:
        t0 = time.perf_counter()
        for i in range(n):
            pool.apply_async(square_onto_queue, (i, i % 1000))
        pool.close()
        # Get before join: a process that put to a Queue does not exit until
        # its items are in the pipe, so joining first can deadlock.
        got = [queue.get(timeout=30) for _ in range(n)]
        pool.join()
        by_queue = time.perf_counter() - t0
    for name, seconds, total in (
            ("by callback:", by_callback, sum(results)),
            ("by queue:   ", by_queue, sum(sq for _, sq in got))):
        print(f"[parent {parent}] {name} {seconds:.3f} s, "
              f"{seconds / n * 1e6:.2f} us per result, sum of squares "
              f"{'right' if total == expected else 'WRONG'}")
    print(f"[parent {parent}] the queue way took {by_queue / by_callback:.2f}x "
          f"the time of the callback way")


class Parser(argparse.ArgumentParser):
    def error(self, message):
        # one line, as every program of the tutorial
        sys.stderr.write(f"{self.prog}: {message} (try '{self.prog} --help')\n")
        sys.exit(2)


def int_in(option, low, high):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"'{text}' is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{value} is out of range ({low} to {high})")
        return value
    return parse


def main():
    usable = len(os.sched_getaffinity(0))
    p = Parser(prog=os.path.basename(sys.argv[0]),
               description="Pool.apply_async with callback= and "
                           "error_callback=: callbacks run in the parent.")
    p.add_argument("-j", "--workers", type=int_in("-j", 1, 8 * usable),
                   default=usable, help="worker processes (default: usable CPUs)")
    p.add_argument("-n", type=int_in("-n", 1, 10000), default=40,
                   help="tasks per section (default 40)")
    p.add_argument("--seed", type=int_in("--seed", 0, 2**63 - 1), default=1)
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no line per callback")
    p.add_argument("--callback-ms", type=int_in("--callback-ms", 0, 1000),
                   default=20, help="how long the slow callback takes")
    p.add_argument("--crash-task", type=int_in("--crash-task", 0, 9999),
                   help="task K kills its worker with SIGKILL")
    args = p.parse_args()
    if args.crash_task is not None and args.crash_task >= args.n:
        p.error(f"argument --crash-task: {args.crash_task} is out of range "
                f"(0 to {args.n - 1}, the task numbers)")
    mp.set_start_method("fork")  # as the C pool: workers are copies
    # Line-buffered even into a pipe, so nothing is waiting in the buffer
    # when the pools fork (a forked copy of the buffer could be written
    # twice), and lines from the callbacks' thread arrive in order.
    sys.stdout.reconfigure(line_buffering=True)
    status = callbacks_in_the_parent(args)
    keep_callbacks_short(args)
    callback_or_queue(args)
    print(f"\n[parent {os.getpid()}] done: every callback ran in the parent; "
          f"exit status {status}"
          + (" (a worker was killed or a check failed: see above)"
             if status else ""))
    return status


if __name__ == "__main__":
    sys.exit(main())
