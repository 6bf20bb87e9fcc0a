# SPDX-License-Identifier: MIT
"""pool_map.py - the Python that pool_map.c mirrors: Pool.map, chunking and
ordered results, with the standard library only.

Usage: python3 pool_map.py [-j N] [-n N] [--chunksize C] [--seed S]
                           [--files F] [--timeline FILE] [--crash-task K] [-q]

The same sections, flags and deterministic results as build/bin/pool_map:
the classic cube, the chunk trace, the chunksize sweep, the schedule of
uneven tasks, map-then-reduce word count, a loop against map; -q prints one
line (to time against the C program); --crash-task K kills the worker that
runs task K.
"""
import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from multiprocessing import get_context

# common/rng.c's seeded generator, so the costs and files are the C program's.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_rng import Rng  # noqa: E402 (the path first)

# The C program forks its workers; say so here too (Python 3.14 would
# otherwise use "forkserver" on Linux).
mp = get_context("fork")
PARENT = f"[parent {os.getpid()}]"
MASK = 2**64 - 1


def python_chunksize(items, workers):
    """multiprocessing/pool.py, Pool._map_async."""
    chunksize, extra = divmod(items, workers * 4)
    return chunksize + 1 if extra else chunksize


# --------------------------------------------------------------------------
# The trivial task: square (the sweep, -q and --crash-task)
def square(x, crash_task=-1):
    if x == crash_task:  # range(n): the item is its own index
        os.kill(os.getpid(), signal.SIGKILL)
    return x * x


def quiet_run(args):
    with mp.Pool(args.workers) as pool:
        results = pool.map(square, range(args.items), args.chunksize or None)
    print(f"map(square, range({args.items})): {args.items} items, "
          f"checksum {sum(results) % 2**64}")


def crash_run(args):
    # multiprocessing.Pool.map would wait forever for the lost task: its
    # parent does not track which worker held it. ProcessPoolExecutor notices
    # that a worker died, but not which task or why.
    if not args.quiet:
        print(f"== a task kills its own worker: --crash-task {args.crash_task} ==")
        print(f"{PARENT} map(square, range({args.items})) on {args.workers} "
              f"workers; task {args.crash_task} raises SIGKILL in its worker")
    chunksize = args.chunksize or python_chunksize(args.items, args.workers)
    try:
        with ProcessPoolExecutor(args.workers, mp_context=mp) as ex:
            list(ex.map(partial(square, crash_task=args.crash_task),
                        range(args.items), chunksize=chunksize))
    except BrokenProcessPool as e:
        sys.stdout.flush()
        print(f"pool_map.py: map failed: BrokenProcessPool: {e}", file=sys.stderr)
        sys.exit(1)
    sys.exit(f"pool_map.py: task {args.crash_task} did not crash the map")


# --------------------------------------------------------------------------
# 1. The classic
def cube(x):
    time.sleep((7 - x) * 0.030)  # small x finish last
    return x**3, time.monotonic()


def section_classic(args):
    print("== the classic: pool.map(cube, range(1, 7)) ==")
    with mp.Pool(args.workers) as pool:
        print(f"{PARENT} {args.workers} workers; cube(x) first sleeps "
              f"(7 - x) x 30 ms, so small x finish last")
        pairs = pool.map(cube, range(1, 7))
    order = sorted(range(1, 7), key=lambda x: pairs[x - 1][1])
    print(f"{PARENT} finished in this order: {' '.join(map(str, order))}")
    results = [r for r, _ in pairs]
    print(results)
    print(f"{PARENT} results come in input order, not finishing order: "
          f"map puts result i in slot i")
    return results == [x**3 for x in range(1, 7)]


# --------------------------------------------------------------------------
# 2. How map splits the work. Python's map does not say which worker ran
# which chunk, so each item reports its pid and times, and we group them by
# chunk: chunk k is items [k * chunksize, (k + 1) * chunksize).
def work_a_little(x):
    started = time.monotonic()
    end = time.perf_counter() + 0.001
    while time.perf_counter() < end:
        pass
    return x, os.getpid(), started, time.monotonic()


def chunks_of(results, chunksize):
    """(number, first, count, pid, started, finished) per chunk."""
    for k, first in enumerate(range(0, len(results), chunksize)):
        part = results[first:first + chunksize]
        yield (k, first, len(part), part[0][1], min(r[2] for r in part),
               max(r[3] for r in part))


def trace_map(pool, workers, chunksize, numbers):
    items = 20
    t0 = time.monotonic()
    results = pool.map(work_a_little, range(items), chunksize)
    per_worker = {}
    seen = [0] * items
    for k, first, count, pid, started, finished in chunks_of(results, chunksize):
        # Worker numbers in order of first appearance (Python has none).
        w = numbers.setdefault(pid, len(numbers))
        print(f"  chunk {k}: items {first}-{first + count - 1}  worker {w} "
              f"pid {pid}  {(started - t0) * 1e3:.1f}-{(finished - t0) * 1e3:.1f} ms")
        chunks, n = per_worker.get(w, (0, 0))
        per_worker[w] = (chunks + 1, n + count)
        for i in range(first, first + count):
            seen[i] += 1
    pids = {w: pid for pid, w in numbers.items()}
    for w in range(workers):
        chunks, n = per_worker.get(w, (0, 0))
        print(f"{PARENT} worker {w} pid {pids.get(w, 0)}: chunks {chunks}, items {n}")
    once = seen == [1] * items and [r[0] for r in results] == list(range(items))
    print(f"{PARENT} every item 0-{items - 1} was in exactly one chunk: "
          f"{'yes' if once else 'NO'}")
    return once


def section_trace(args):
    items, workers = 20, args.workers
    print(f"\n== how map splits the work: {items} items, {workers} workers ==")
    automatic = python_chunksize(items, workers)
    print(f"{PARENT} Python's rule: chunksize = ceil({items} / (4 x {workers} "
          f"workers)) = {automatic}, so {-(-items // automatic)} chunks")
    numbers = {}
    with mp.Pool(workers) as pool:
        ok = trace_map(pool, workers, automatic, numbers)
        if args.chunksize:
            chosen = args.chunksize
            print(f"{PARENT} chunksize = {chosen}, from --chunksize, so "
                  f"{-(-items // chosen)} chunks")
        else:
            chosen = -(-items // workers)
            print(f"{PARENT} chunksize = {chosen}: one chunk per worker "
                  f"(choose another with --chunksize), so "
                  f"{-(-items // chosen)} chunks")
        ok = trace_map(pool, workers, chosen, numbers) and ok
    return ok


# --------------------------------------------------------------------------
# 3. Chunksize matters
def section_sweep(args):
    n, workers = args.items, args.workers
    largest = -(-n // workers)
    automatic = python_chunksize(n, workers)
    sizes, cs = [], 1
    while cs < largest:
        sizes.append(cs)
        cs *= 2
    sizes = sorted(set(sizes + [largest, automatic]))
    print(f"\n== chunksize matters: map(square, range({n})), {workers} workers ==")
    print(f"{PARENT} each chunk is one message to a worker and one back; "
          f"square itself costs nanoseconds")
    print("chunksize    chunks   seconds     items/s")
    same, rates = True, {}
    with mp.Pool(workers) as pool:
        expected = pool.map(square, range(n))  # unmeasured: a warm-up
        for cs in sizes:
            best, spent, run = None, 0.0, 0
            while run < 5 and (run == 0 or spent < 0.02):
                t0 = time.perf_counter()
                results = pool.map(square, range(n), cs)
                t = time.perf_counter() - t0
                spent, run = spent + t, run + 1
                best = t if best is None else min(best, t)
                same = same and results == expected
            rates[cs] = n / best
            mark = "   <- Python's rule" if cs == automatic else ""
            print(f"{cs:9d} {-(-n // cs):9d} {best:9.4f} {n / best:11.0f}{mark}")
    fastest = max(rates, key=rates.get)
    print(f"{PARENT} chunksize 1 took {rates[fastest] / rates[1]:.0f}x as long "
          f"as the fastest, chunksize {fastest} (best of a few runs each; it varies)")
    print(f"{PARENT} every chunksize gave the same results: {'yes' if same else 'NO'}")
    return same


# --------------------------------------------------------------------------
# 4. See the schedule: tasks of uneven cost
def spin(seconds):
    started = time.monotonic()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
    return os.getpid(), started, time.monotonic()


def schedule_map(pool, workers, cost, chunksize, timeline):
    t0 = time.monotonic()
    results = pool.map(spin, cost, chunksize)
    wall = time.monotonic() - t0
    busy, last_end, numbers, count = {}, {}, {}, 0
    for k, first, n, pid, started, finished in chunks_of(
            [(None,) + r for r in results], chunksize):
        w = numbers.setdefault(pid, len(numbers))
        busy[w] = busy.get(w, 0) + finished - started
        last_end[w] = max(last_end.get(w, 0), finished - t0)
        count += 1
        if timeline:
            timeline.write(f"{chunksize} {w} {pid} {k} {first} {n} "
                           f"{(started - t0) * 1e3:.3f} {(finished - t0) * 1e3:.3f}\n")
    if timeline:
        timeline.write("\n\n")
    b = [busy.get(w, 0) for w in range(workers)]
    first_idle = min(last_end.get(w, 0) for w in range(workers))
    print(f"chunksize {chunksize:2d}: {count:2d} chunks, done in {wall:.3f} s; "
          f"busiest worker {max(b):.3f} s, least busy {min(b):.3f} s; "
          f"idle at the end up to {wall - first_idle:.3f} s")


def section_schedule(args):
    tasks, workers = 40, args.workers
    rng = Rng(args.seed)
    cost = [(2.0 + 6.0 * i / (tasks - 1)) * (0.75 + 0.5 * rng.uniform()) / 1e3
            for i in range(tasks)]
    print(f"\n== see the schedule: {tasks} tasks of uneven cost, {workers} workers ==")
    print(f"{PARENT} task i burns about 2 + 6 i/{tasks - 1} ms of CPU, "
          f"{sum(cost):.3f} s in all: {sum(cost) / workers:.3f} s per worker "
          f"if shared evenly")
    timeline = open(args.timeline, "w") if args.timeline else None
    if timeline:
        timeline.write("# pool_map --timeline: one line per chunk, times in ms "
                       "from the start of the map\n"
                       "# chunksize worker pid chunk first count start end\n")
    with mp.Pool(workers) as pool:
        schedule_map(pool, workers, cost, 1, timeline)
        schedule_map(pool, workers, cost, -(-tasks // workers), timeline)
    if timeline:
        timeline.close()
        print(f"{PARENT} timeline written to {args.timeline}; draw it with: "
              f"gnuplot -e \"data='{args.timeline}'\" 03_pool_map/timeline.gp")
    print(f"{PARENT} small chunks keep every worker busy to the end; with one "
          f"big chunk each, the worker holding the expensive tail is a straggler")
    return True


# --------------------------------------------------------------------------
# 5. Map, then reduce: word count over generated files
VOCABULARY = ["fork", "exec", "wait", "pipe", "signal", "queue", "pool", "map",
              "chunk", "worker", "parent", "child", "reap", "zombie", "kernel",
              "pid"]


def count_file(path):
    with open(path, "rb") as f:
        data = f.read()
    words = data.decode().split()
    counts = Counter(w for w in words if w in VOCABULARY)
    return data.count(b"\n"), len(words), len(data), counts, os.getpid()


def write_text_file(path, rng):
    words = 3000 + rng.below(3000)
    parts = []
    for w in range(words):
        parts.append(VOCABULARY[rng.below(len(VOCABULARY))])
        parts.append("\n" if w + 1 == words or rng.below(10) == 0 else " ")
    with open(path, "w") as f:
        f.write("".join(parts))


def section_wordcount(args):
    print(f"\n== map, then reduce: word count over {args.files} generated files ==")
    # SIGTERM ends the program through the finally: below, as Ctrl-C does
    # (KeyboardInterrupt). The workers go back to the default: die.
    signal.signal(signal.SIGTERM, lambda signo, frame: sys.exit(128 + signo))
    directory = tempfile.mkdtemp(prefix="pool_map.")
    try:
        rng = Rng(args.seed)
        paths = [os.path.join(directory, f"text-{i:02d}.txt") for i in range(args.files)]
        for path in paths:
            write_text_file(path, rng)
        print(f"{PARENT} wrote {args.files} files to a temporary directory:")
        print(f"{PARENT}   {directory}")
        with mp.Pool(args.workers, initializer=signal.signal,
                     initargs=(signal.SIGTERM, signal.SIG_DFL)) as pool:
            results = pool.map(count_file, paths, chunksize=1)  # the map
        numbers, total = {}, Counter()
        lines = words = size = 0
        for path, (nl, nw, nb, counts, pid) in zip(paths, results):
            w = numbers.setdefault(pid, len(numbers))
            print(f"  {os.path.basename(path)}: {nl:5d} lines {nw:6d} words "
                  f"{nb:7d} bytes  (worker {w})")
            lines, words, size = lines + nl, words + nw, size + nb  # the reduce
            total += counts
        print(f"totals: {args.files} files, {lines} lines, {words} words, {size} bytes")
        # Ties go to the earlier vocabulary word, as in the C program.
        top = sorted(VOCABULARY, key=lambda v: (-total[v], VOCABULARY.index(v)))[:3]
        print("top words: " + ", ".join(f"{v} {total[v]}" for v in top))
        serial = [count_file(p)[:4] for p in paths]
        agree = (sum(r[0] for r in serial), sum(r[1] for r in serial),
                 sum(r[2] for r in serial), sum((r[3] for r in serial), Counter())) \
            == (lines, words, size, total)
        print(f"{PARENT} a serial count in the parent agrees: {'yes' if agree else 'NO'}")
    finally:  # also on Ctrl-C (KeyboardInterrupt) and SIGTERM (see main)
        shutil.rmtree(directory)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    print(f"{PARENT} removed the temporary directory")
    return agree


# --------------------------------------------------------------------------
# 6. Timing. The same arithmetic as crunch() in pool_map.c, but Python runs
# it about a hundred times slower, so each task does 1/100 of the steps (and
# the results differ from C's).
CRUNCH_TASKS, CRUNCH_STEPS, TIMING_RUNS = 16, 4000000 // 100, 3


def crunch(seed):
    x, acc = seed, 0
    for _ in range(CRUNCH_STEPS):
        x = (x * 6364136223846793005 + 1442695040888963407) & MASK
        acc ^= ((x >> 29) + (acc << 5)) & MASK
    return acc


def best_of(runs, fn):
    """The shortest of a few runs: other programs only ever slow one down."""
    best = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        t = time.perf_counter() - t0
        best = t if best is None else min(best, t)
    return best, result


def section_timing(args):
    print("\n== timing: a sequential loop against map, CPU-bound ==")
    print(f"{PARENT} {CRUNCH_TASKS} tasks of {CRUNCH_STEPS} arithmetic steps each; "
          f"best of {TIMING_RUNS} runs; each pool is started before the clock starts")
    inputs = [i + args.seed for i in range(CRUNCH_TASKS)]
    sequential, serial = best_of(TIMING_RUNS, lambda: [crunch(x) for x in inputs])
    print(f"sequential loop     {sequential:7.3f} s")
    same = True
    for w in range(1, args.workers + 1):
        with mp.Pool(w) as pool:
            seconds, results = best_of(TIMING_RUNS, lambda: pool.map(crunch, inputs))
        print(f"map, {w:2d} worker{' ' if w == 1 else 's'}    {seconds:7.3f} s   "
              f"speedup {sequential / seconds:.2f}x")
        same = same and results == serial
    print(f"{PARENT} every run computed the same results: {'yes' if same else 'NO'}")
    print(f"{PARENT} this machine lets us use {len(os.sched_getaffinity(0))} CPUs: "
          f"more workers than that take turns on them")
    return same


# --------------------------------------------------------------------------
def count(text):
    """-n 2000000, 2M, 2e6 (like cli_parse_count)."""
    scale = {"k": 10**3, "m": 10**6, "g": 10**9}.get(text[-1:].lower(), 1)
    value = float(text[:-1] if scale > 1 else text) * scale
    if value != int(value):
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number")
    return int(value)


def in_range(parse, low, high):
    def check(text):
        try:
            value = parse(text)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f"'{text}' is not a number")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range ({low} to {high})")
        return value
    return check


def main():
    p = argparse.ArgumentParser(description="Pool.map: chunking and ordered results.")
    p.add_argument("-j", "--workers", type=in_range(int, 1, 8 * len(os.sched_getaffinity(0))),
                   default=len(os.sched_getaffinity(0)))
    p.add_argument("-n", dest="items", type=in_range(count, 1, 50000000), default=200000)
    p.add_argument("--chunksize", type=in_range(count, 1, 50000000), default=0)
    p.add_argument("--seed", type=in_range(int, 0, 2**63 - 1), default=1)
    p.add_argument("--files", type=in_range(int, 1, 10000), default=8)
    p.add_argument("--timeline", metavar="FILE")
    p.add_argument("--crash-task", type=in_range(int, 0, 49999999), default=-1)
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args()
    if args.crash_task >= args.items:
        p.error(f"--crash-task: {args.crash_task} is out of range (0 to {args.items - 1})")
    if args.crash_task >= 0:
        crash_run(args)
    if args.quiet:
        quiet_run(args)
        return 0
    checks = [section_classic(args), section_trace(args), section_sweep(args),
              section_schedule(args), section_wordcount(args), section_timing(args)]
    classic, trace, sweep, _, words, timing = ["ok" if c else "WRONG" for c in checks]
    print(f"\n{PARENT} summary: cube {classic}, chunks cover every item {trace}, "
          f"sweep results {sweep}, word counts {words}, timing results {timing}")
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
