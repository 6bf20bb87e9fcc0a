#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""shared_memory.py - Value, Array, RawArray, Lock, SharedMemory and Manager:
a race you can see, the fixes, a zero-copy array, named shared memory and a
server process.

The Python mirror of shared_memory.c: same flags, same sections, the same
deterministic results (totals, element counts, the reader's sum, the
server's table for a seed: the random numbers are common/rng.c's
xoshiro256**, from common/python/forklore_rng.py). Two sections have no
Python counterpart and are skipped: C11 atomics (Python has no atomic
integers) and false sharing (the interpreter's own work per increment hides
the cache line). The defaults are smaller than C's, because one Python
increment costs about what a hundred C ones do: --race-n 200K, -n 100K,
--array-mib 8, --ops 2000.

Usage: shared_memory.py [-j N] [-n N] [--race-n N] [--ops N] [--array-mib M]
                        [--seed S] [-q] [--section NAME]
"""
import argparse
import array
import multiprocessing as mp
import os
import signal
import struct
import subprocess
import sys
import time
from multiprocessing import resource_tracker, shared_memory
from multiprocessing.managers import BaseManager

# common/rng.c's seeded streams, so a seed gives the C program's table.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_rng import Rng  # noqa: E402 (the path first)

SECTIONS = ["race", "fixes", "false-sharing", "array", "named", "server"]
KEYS = ["apples", "pears", "plums", "figs", "dates", "limes", "kiwis", "cherries"]
NAMED_NUMBERS = 1000
# struct named_segment in the C program: char[64], long[1000], long, long.
SEGMENT = struct.Struct(f"64s{NAMED_NUMBERS}qqq")


def next_op(rng):
    """One client operation: (is_add, key index, amount), as next_op() in C."""
    key = rng.below(len(KEYS))
    is_add = rng.below(4) != 0
    amount = rng.below(100) + 1 if is_add else 0
    return is_add, key, amount


def say(text):
    print(f"[parent {os.getpid()}] {text}", flush=True)


def explain(args, text):
    if not args.quiet:
        print(f"[parent {os.getpid()}]   {text}", flush=True)


def run_workers(count, target, *extra):
    """Start `count` Processes of target(w, *extra) and join them; seconds."""
    procs = [mp.Process(target=target, args=(w, *extra)) for w in range(count)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
        if p.exitcode != 0:
            sys.exit(f"shared_memory.py: worker pid {p.pid} exitcode {p.exitcode}")
    return time.perf_counter() - start


# ------------------------------------------------------------ 1. the race

def increment_unlocked(w, counter, n):
    for _ in range(n):
        counter.value += 1  # load, add, store: not one step


def section_race(args):
    print("\n== a race, seen ==")
    expected = args.workers * args.race_n
    say(f"{args.workers} workers each add 1 to one shared counter {args.race_n} times, no lock")
    counter = mp.RawValue("l", 0)  # Value('l', 0, lock=False)
    seconds = run_workers(args.workers, increment_unlocked, counter, args.race_n)
    got = counter.value
    say(f"counter = {got}, expected {expected}: {expected - got} updates lost "
        f"({100 * (expected - got) / expected:.1f}%) in {seconds:.3f} s")
    explain(args, "counter.value += 1 reads, adds and writes: two workers that read")
    explain(args, "the same value both write value+1, and one increment vanishes.")
    return True


# -------------------------------------------------- 2. the fix, three ways

def increment_locked(w, counter, n):
    for _ in range(n):
        with counter.get_lock():
            counter.value += 1


def increment_partial(w, partials, n):
    count = 0
    for _ in range(n):
        count += 1
    partials[w] = count  # each worker writes only its own slot


def report_fix(args, label, got, seconds):
    expected = args.workers * args.n
    say(f"{label:<24} total {got} of {expected}, "
        f"{'exact' if got == expected else 'WRONG'}, {seconds:.3f} s, "
        f"{expected / seconds / 1e6:.1f} M increments/s")
    return got == expected


def section_fixes(args):
    print("\n== the fix, three ways ==")
    counter = mp.Value("l", 0)  # with its lock
    seconds = run_workers(args.workers, increment_locked, counter, args.n)
    ok = report_fix(args, "mutex (Value's lock):", counter.value, seconds)
    # C11 atomic: Python has no atomic integers; the lock is its only way.
    partials = mp.RawArray("l", args.workers)
    seconds = run_workers(args.workers, increment_partial, partials, args.n)
    ok &= report_fix(args, "partial counts, summed:", sum(partials), seconds)
    explain(args, "the lock makes workers take turns; partial counts share nothing")
    explain(args, "until the one sum at the end. Fastest is not sharing at all.")
    return ok


# ------------------------------------------------------ 4. a shared array

def bounds(length, workers, w):
    return length * w // workers, length * (w + 1) // workers


def fill_shared(w, shared, workers):
    lo, hi = bounds(len(shared), workers, w)
    shared[lo:hi] = array.array("Q", range(3 * lo + 1, 3 * hi + 1, 3))


def fill_through_pipe(w, conn, length, workers):
    lo, hi = bounds(length, workers, w)
    chunk = 8192
    for start in range(lo, hi, chunk):
        end = min(hi, start + chunk)
        conn.send_bytes(array.array("Q", range(3 * start + 1, 3 * end + 1, 3)))
    conn.close()


def count_correct(buffer, length):
    expected = array.array("Q", range(1, 3 * length + 1, 3))
    got = array.array("Q")
    got.frombytes(bytes(buffer))
    if got == expected:
        return length
    return sum(1 for a, b in zip(got, expected) if a == b)


def section_array(args):
    print("\n== a shared array ==")
    length = (args.array_mib << 20) // 8
    say(f"{args.workers} workers fill disjoint slices of a {args.array_mib} MiB "
        f"array ({length} elements)")
    shared = mp.RawArray("Q", length)  # zero-filled, shared, no lock
    seconds = run_workers(args.workers, fill_shared, shared, args.workers)
    good = count_correct(memoryview(shared).cast("B"), length)
    say(f"shared (MAP_SHARED, zero-copy): {good} of {length} elements correct, {seconds:.3f} s")
    ok = good == length

    dest = bytearray(length * 8)
    pipes = [mp.Pipe(duplex=False) for _ in range(args.workers)]
    procs = [mp.Process(target=fill_through_pipe, args=(w, pipes[w][1], length, args.workers))
             for w in range(args.workers)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    for w, (reader, writer) in enumerate(pipes):
        writer.close()
        lo, hi = bounds(length, args.workers, w)
        offset = lo * 8
        while offset < hi * 8:
            offset += reader.recv_bytes_into(memoryview(dest)[offset:])
    for p in procs:
        p.join()
    pipe_s = time.perf_counter() - start
    good = count_correct(dest, length)
    say(f"sent back through pipes (copied):  {good} of {length} elements correct, {pipe_s:.3f} s")
    say(f"the pipe took {pipe_s / seconds:.1f}x the time of shared memory")
    return ok and good == length


# ------------------------------------------------ 5. named shared memory

def run_reader(name):
    shm = shared_memory.SharedMemory(name=name)
    # Before Python 3.13 attaching registers the segment with the resource
    # tracker, which would unlink it when this reader exits: not ours to do.
    resource_tracker.unregister(shm._name, "shared_memory")
    me = os.getpid()
    print(f"[reader {me}] opened /{name} by name: {shm.size} bytes")
    fields = SEGMENT.unpack_from(shm.buf)
    greeting = fields[0].rstrip(b"\0").decode()
    total = sum(fields[1:1 + NAMED_NUMBERS])
    print(f'[reader {me}] greeting "{greeting}"; sum of the {NAMED_NUMBERS} numbers = {total}')
    struct.pack_into("qq", shm.buf, 64 + 8 * NAMED_NUMBERS, total, me)
    print(f"[reader {me}] wrote its answer into the segment", flush=True)
    shm.close()
    return 0


def section_named(args):
    print("\n== named shared memory ==")
    name = f"forklore-07-{os.getpid()}"  # Python adds the leading "/"
    # A Ctrl-C inside SharedMemory() (after shm_open, before `try:`) would
    # leave the name behind: hold the signals until the `finally:` is armed.
    # Start the resource tracker first: starting it unblocks them again.
    resource_tracker.ensure_running()
    stop = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    shm = shared_memory.SharedMemory(name=name, create=True, size=SEGMENT.size)
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stop)
        say(f'shm_open("/{name}"), {SEGMENT.size} bytes, visible as /dev/shm/{name}')
        struct.pack_into("64s", shm.buf, 0, f"hello from pid {os.getpid()}".encode())
        struct.pack_into(f"{NAMED_NUMBERS}q", shm.buf, 64, *range(1, NAMED_NUMBERS + 1))
        say(f"wrote a greeting and the numbers 1..{NAMED_NUMBERS}")
        if args.hold_ms:
            say(f"holding the segment for {args.hold_ms} ms")
            time.sleep(args.hold_ms / 1000)
        say(f"starting a reader: fork + exec of this program --reader /{name}")
        reader = subprocess.run([sys.executable, os.path.abspath(__file__), "--reader", name])
        answer, reader_pid = struct.unpack_from("qq", shm.buf, 64 + 8 * NAMED_NUMBERS)
        status = "exited normally" if reader.returncode == 0 else f"exitcode {reader.returncode}"
        say(f"reader (pid {reader_pid}) {status}; its answer in the segment: sum {answer}")
        ok = reader.returncode == 0 and answer == NAMED_NUMBERS * (NAMED_NUMBERS + 1) // 2
    finally:
        shm.close()
        shm.unlink()  # also on Ctrl-C, SIGTERM (see main) and errors
    gone = not os.path.exists(f"/dev/shm/{name}")
    say(f'shm_unlink("/{name}"): /dev/shm/{name} {"is gone" if gone else "is STILL THERE"}')
    return ok


# ---------------------------------------------------- 6. a server process

class Table:
    """Lives in the manager's server process; clients call it by proxy."""

    def __init__(self):
        self.table = dict.fromkeys(KEYS, 0)
        self.served = 0

    def add(self, key, amount):
        self.served += 1
        self.table[key] += amount
        return self.table[key]

    def get(self, key):
        self.served += 1
        return self.table[key]

    def snapshot(self):
        return dict(self.table), self.served


class TableManager(BaseManager):
    pass


TableManager.register("Table", Table)


def client(w, table, seed, ops):
    rng = Rng(seed, w)
    for _ in range(ops):
        is_add, key, amount = next_op(rng)
        if is_add:
            table.add(KEYS[key], amount)  # one request, one reply
        else:
            table.get(KEYS[key])


def client_shared(w, shared, seed, ops):
    rng = Rng(seed, w)
    for _ in range(ops):
        is_add, key, amount = next_op(rng)
        with shared.get_lock():
            if is_add:
                shared[key] += amount
            else:
                shared[key]


def format_table(values):
    return " ".join(f"{k}={v}" for k, v in zip(KEYS, values))


def section_server(args):
    print("\n== a server process ==")
    say(f"a server owns a {len(KEYS)}-key table; {args.workers} clients send "
        f"{args.ops} requests each (seed {args.seed})")
    expected = [0] * len(KEYS)
    for w in range(args.workers):
        rng = Rng(args.seed, w)
        for _ in range(args.ops):
            is_add, key, amount = next_op(rng)
            expected[key] += amount
    start = time.perf_counter()
    with TableManager() as manager:
        table = manager.Table()
        run_workers(args.workers, client, table, args.seed, args.ops)
        final, served = table.snapshot()
    server_s = time.perf_counter() - start
    got = [final[k] for k in KEYS]
    total = args.workers * args.ops
    say(f"server's table:   {format_table(got)}")
    say(f"replayed adds:    {format_table(expected)}")
    say(f"the server answered {served} of {total} requests; its table "
        f"{'equals' if got == expected else 'DIFFERS FROM'} the replayed updates")
    # No atomics in Python: the shared-memory table is an Array with its lock.
    shared = mp.Array("q", len(KEYS))
    shared_s = run_workers(args.workers, client_shared, shared, args.seed, args.ops)
    same = list(shared) == expected
    say(f"server: {server_s:.3f} s, {total / server_s:.0f} operations/s")
    say(f"shared memory (Array + lock), same operations: {shared_s:.3f} s, "
        f"{total / shared_s:.0f} operations/s, table {'equal' if same else 'DIFFERENT'}")
    say(f"the server is {server_s / shared_s:.0f}x slower")
    return got == expected and served == total and same


# ------------------------------------------------------------------ main

def count(text):
    """250000, 250K, 2M, 1e6: as cli_parse_count in C."""
    scale = {"K": 10**3, "M": 10**6, "G": 10**9}.get(text[-1:].upper(), 1)
    value = float(text[:-1] if scale > 1 else text) * scale
    if value != int(value) or value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a count >= 1")
    return int(value)


def main():
    parser = argparse.ArgumentParser(prog="shared_memory.py",
                                     description="Processes sharing memory, in Python.")
    parser.add_argument("-j", "--workers", type=int, default=max(2, os.cpu_count() or 1))
    parser.add_argument("-n", type=count, default=100_000)
    parser.add_argument("--race-n", type=count, default=200_000)
    parser.add_argument("--ops", type=count, default=2000)
    parser.add_argument("--array-mib", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("--section", choices=SECTIONS)
    parser.add_argument("--hold-ms", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--reader", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reader:
        return run_reader(args.reader)
    if args.workers < 1:
        parser.error("-j must be at least 1")

    # SIGTERM becomes an exception too, so `finally:` unlinks the segment;
    # then the program dies of the signal that arrived (status 130 or 143).
    arrived = [signal.SIGINT]

    def terminated(signo, frame):
        arrived[0] = signo
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, terminated)

    sections = {"race": section_race, "fixes": section_fixes, "array": section_array,
                "named": section_named, "server": section_server}
    # "false-sharing" has no Python counterpart (see the top of this file).
    say(f"{args.workers} workers, -n {args.n}, --race-n {args.race_n}, "
        f"{len(os.sched_getaffinity(0))} usable CPUs")
    run = failed = 0
    try:
        for name in SECTIONS:
            if name not in sections or (args.section and args.section != name):
                continue
            run += 1
            failed += not sections[name](args)
    except KeyboardInterrupt:
        sys.stdout.flush()
        signal.signal(arrived[0], signal.SIG_DFL)
        os.kill(os.getpid(), arrived[0])
    print()
    say(f"done: {run} section{'s' if run != 1 else ''} run, {failed} check"
        f"{'s' if failed != 1 else ''} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
