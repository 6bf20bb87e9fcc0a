#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""4_ping_pong.py - the Python side of 4_ping_pong.c: a counter bounced
between two processes over Pipe() (a socket pair on Unix) and over two
Pipe(duplex=False), each the best of 3 runs, and the verdict.

Usage: python3 4_ping_pong.py [-n ROUND_TRIPS] [-q]
"""
import argparse
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common", "python"))
from forklore_verdict import best_of, busy_note, compare  # noqa: E402
from _steps import count  # noqa: E402  (chapter 02's -n parser)

RUNS = 3


def bouncer(parent_ends, child_in, child_out):
    # fork gave this child copies of the parent's ends: close them, or our
    # recv() would never see EOFError when the parent closes its own.
    for end in parent_ends:
        end.close()
    while True:
        try:
            v = child_in.recv()
        except EOFError:
            return
        child_out.send(v + 1)


def one_run(round_trips, sockets, state):
    if sockets:
        a, b = mp.Pipe()  # duplex: a socket pair
        to_child = from_child = a
        child_in = child_out = b
    else:
        from_parent, to_child = mp.Pipe(duplex=False)
        from_child, to_parent = mp.Pipe(duplex=False)
        child_in, child_out = from_parent, to_parent
    parent_ends = {to_child, from_child}
    child = mp.Process(target=bouncer, args=(parent_ends, child_in, child_out))
    child.start()
    for end in {child_in, child_out}:
        end.close()
    counter = 0
    t0 = time.perf_counter()
    for _ in range(round_trips):
        to_child.send(counter)
        counter = from_child.recv()
    elapsed = time.perf_counter() - t0
    for end in parent_ends:
        end.close()
    child.join()
    state["counter"] = counter
    state["failures"] += child.exitcode != 0
    return elapsed


def measure(round_trips, sockets, name, state):
    best = best_of(RUNS, lambda: one_run(round_trips, sockets, state))
    print(f"[parent {os.getpid()}] {name}: {round_trips} round trips in {best:.3f} s (best of "
          f"{RUNS}): {round_trips / best:.0f} round trips/s, {best / round_trips * 1e6:.1f} us "
          "each", flush=True)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=lambda text: count(text, 100_000_000), default=10_000)
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args()
    mp.set_start_method("fork")
    me = os.getpid()
    print(f"\n== ping-pong: {args.n} round trips, an 8-byte counter each way ==")
    sock = {"counter": 0, "failures": 0}
    pipes = {"counter": 0, "failures": 0}
    s = measure(args.n, True, "socketpair (Pipe())", sock)
    p = measure(args.n, False, "two pipes (Pipe(duplex=False) x 2)", pipes)
    ok = sock["counter"] == pipes["counter"] == args.n and sock["failures"] + pipes["failures"] == 0
    print(f"[parent {me}] the counter came back as {sock['counter']}: "
          f"{'every message arrived, in order' if ok else 'MISMATCH'}; every child exited "
          f"normally: {'yes' if ok else 'NO'}")
    print(f"[parent {me}] two pipes vs socketpair: "
          f"{compare(s, p, 'two pipes are faster', 'the socketpair is faster')}")
    if note := busy_note():
        print(f"[parent {me}] {note}")
    if not args.quiet:
        print(f"[parent {me}] a pipe has two ends: enough for one writer and one reader; "
              "several of either need a queue (step 5)")
    print(f"\n[parent {me}] summary: "
          f"{'every round trip came back, in order' if ok else 'A ROUND TRIP WENT WRONG'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
