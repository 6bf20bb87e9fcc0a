#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench.py - the Python side of make bench: what multiprocessing costs, one
figure per run, measured the way forklore_bench.c measures the C library.

Usage: python3 bench.py start  [-n N] [--method fork|spawn]  us per start+join
       python3 bench.py queue  [-p P] [-j C] [-n N]   Queue messages/s (64 B)
       python3 bench.py pipe   [-n N]                 Pipe messages/s (64 B)
       python3 bench.py map    [-j W] [-n N] [--chunksize C]   Pool.map items/s
       python3 bench.py apply  [-n N]          us per apply_async(...).get()
       python3 bench.py value  [-j W] [-n N]   Value increments/s with its lock
       python3 bench.py pi     [-j W] [-n N]   darts/s per worker, random.random()
       python3 bench.py paymap   -s SIZE -b BYTES   Pool(1).map of bytes items, MB/s
       python3 bench.py payqueue -s SIZE -b BYTES   Queue put/get of bytes items, MB/s

Prints one number. -n is per process for queue, pipe (messages per
producer) and value (increments per worker), in all for the others. The
payload modes move BYTES // SIZE items of SIZE bytes (at least one) each way
and print MB/s each way, as payload_bench.c does.
"""
import argparse
import multiprocessing as mp
import random
import time

MESSAGE = bytes(64)


def noop():
    pass


def square(x):
    return x * x


def producer(q, n):
    for _ in range(n):
        q.put(MESSAGE)


def consumer(q):
    # A None per consumer is Python's end of queue (C: queue_close, EPIPE).
    while q.get() is not None:
        pass


def start_join(n, method):
    ctx = mp.get_context(method)
    ctx.Process(target=noop).start()  # untimed warm-up (spawn's first import)
    t0 = time.perf_counter()
    for _ in range(n):
        p = ctx.Process(target=noop)
        p.start()
        p.join()
    return (time.perf_counter() - t0) / n * 1e6


def queue_rate(producers, consumers, n):
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    t0 = time.perf_counter()
    prod = [ctx.Process(target=producer, args=(q, n)) for _ in range(producers)]
    cons = [ctx.Process(target=consumer, args=(q,)) for _ in range(consumers)]
    for p in prod + cons:
        p.start()
    for p in prod:
        p.join()
    for _ in cons:
        q.put(None)
    for p in cons:
        p.join()
    return n * producers / (time.perf_counter() - t0)


def pipe_sender(conn, n):
    for _ in range(n):
        conn.send_bytes(MESSAGE)
    conn.close()


def pipe_rate(n):
    ctx = mp.get_context("fork")
    reader, writer = ctx.Pipe(duplex=False)
    t0 = time.perf_counter()
    p = ctx.Process(target=pipe_sender, args=(writer, n))
    p.start()
    writer.close()  # else recv_bytes would never see end of file
    got = 0
    try:
        while True:
            reader.recv_bytes()
            got += 1
    except EOFError:
        pass
    p.join()
    assert got == n
    return n / (time.perf_counter() - t0)


def map_rate(workers, n, chunksize):
    items = [i % 40000 for i in range(n)]
    with mp.get_context("fork").Pool(workers) as pool:
        t0 = time.perf_counter()
        out = pool.map(square, items, chunksize)
        elapsed = time.perf_counter() - t0
    assert out == [x * x for x in items]
    return n / elapsed


def apply_round_trip(n):
    with mp.get_context("fork").Pool(1) as pool:
        t0 = time.perf_counter()
        for i in range(n):
            x = i % 40000
            assert pool.apply_async(square, (x,)).get() == x * x
        elapsed = time.perf_counter() - t0
    return elapsed / n * 1e6


def add(value, n):
    for _ in range(n):
        with value.get_lock():
            value.value += 1


def value_rate(workers, n):
    ctx = mp.get_context("fork")
    value = ctx.Value("q", 0)
    t0 = time.perf_counter()
    procs = [ctx.Process(target=add, args=(value, n)) for _ in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - t0
    assert value.value == n * workers
    return n * workers / elapsed


def pi_darts(darts, seed):
    """The Monte Carlo kernel as a Python user writes it: random.random()."""
    rng = random.Random(seed)
    draw = rng.random
    inside = 0
    for _ in range(darts):
        x = draw()
        y = draw()
        if x * x + y * y < 1.0:
            inside += 1
    return inside


def pi_rate(workers, n):
    per = [n // workers + (w < n % workers) for w in range(workers)]
    with mp.get_context("fork").Pool(workers) as pool:
        t0 = time.perf_counter()
        inside = sum(pool.starmap(pi_darts, [(d, 1 + w) for w, d in enumerate(per)]))
        elapsed = time.perf_counter() - t0
    assert 0 < inside <= n
    return n / elapsed / workers


def payload_items(size, total):
    """BYTES // SIZE distinct bytes objects of SIZE bytes, made untimed."""
    n = max(1, total // size)
    pattern = bytes((i * 7 + 1) & 255 for i in range(256)) * (size // 256 + 2)
    return [pattern[i % 256:i % 256 + size] for i in range(n)]


def echo(item):
    return item


def payload_map(size, total):
    """One Pool(1).map in a fresh process, as payload_bench first: the
    items are pickled to the worker in 4 chunks and the results back."""
    items = payload_items(size, total)
    with mp.get_context("fork").Pool(1) as pool:
        t0 = time.perf_counter()
        out = pool.map(echo, items)
        elapsed = time.perf_counter() - t0
    assert out == items
    return len(items) * size / elapsed / 1e6


def payload_producer(q, items):
    for item in items:
        q.put(item)


def payload_queue(size, total):
    """A child puts the items on a Queue, the parent gets them, as
    payload_bench queue: the clock runs from the start to the join."""
    items = payload_items(size, total)
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    t0 = time.perf_counter()
    p = ctx.Process(target=payload_producer, args=(q, items))  # fork: inherited
    p.start()
    out = [q.get() for _ in items]
    p.join()
    elapsed = time.perf_counter() - t0
    assert p.exitcode == 0 and out == items
    return len(items) * size / elapsed / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["start", "queue", "pipe", "map", "apply", "value", "pi", "paymap", "payqueue"],
    )
    parser.add_argument("-p", "--producers", type=int, default=1)
    parser.add_argument("-j", "--workers", type=int, default=1)
    parser.add_argument("-n", type=int, default=0)
    parser.add_argument("--chunksize", type=int, default=None)
    parser.add_argument("-s", "--size", type=int, default=65536)
    parser.add_argument("-b", "--bytes", type=int, default=16 << 20)
    parser.add_argument("--method", choices=["fork", "spawn"], default="fork")
    args = parser.parse_args()
    n = args.n
    if args.mode == "start":
        print(f"{start_join(n or 50, args.method):.2f}")
    elif args.mode == "queue":
        print(f"{queue_rate(args.producers, args.workers, n or 20000):.0f}")
    elif args.mode == "pipe":
        print(f"{pipe_rate(n or 50000):.0f}")
    elif args.mode == "map":
        print(f"{map_rate(args.workers, n or 100000, args.chunksize):.0f}")
    elif args.mode == "apply":
        print(f"{apply_round_trip(n or 2000):.2f}")
    elif args.mode == "paymap":
        print(f"{payload_map(args.size, args.bytes):.0f}")
    elif args.mode == "payqueue":
        print(f"{payload_queue(args.size, args.bytes):.0f}")
    elif args.mode == "pi":
        print(f"{pi_rate(args.workers, n or 1000000):.0f}")
    else:
        print(f"{value_rate(args.workers, n or 50000):.0f}")


if __name__ == "__main__":
    main()
