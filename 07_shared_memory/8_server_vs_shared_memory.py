#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""8_server_vs_shared_memory.py - the same updates through a Manager's server
(a registered add()) and in shared memory (an Array with its lock: Python has
no atomics), best of 3 each. Mirror of 8_server_vs_shared_memory.c.

Usage: 8_server_vs_shared_memory.py [-j N] [--ops N] [--seed S] [-q]
"""
import multiprocessing as mp

from _server import KEYS, Rng, TableManager, next_op, replay
from _steps import RUNS, best_of, compare, parser, print_busy, run_workers, say


def client_server(w, table, seed, ops):
    rng = Rng(seed, w)
    for _ in range(ops):
        key, amount = next_op(rng)
        table.add(KEYS[key], amount)


def client_shared(w, shared, seed, ops):
    rng = Rng(seed, w)
    for _ in range(ops):
        key, amount = next_op(rng)
        with shared.get_lock():
            shared[key] += amount


if __name__ == "__main__":
    p = parser("8_server_vs_shared_memory.py", ops=1000)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    j, ops, seed, total = args.workers, args.ops, args.seed, args.workers * args.ops
    say(f"a server owns a {len(KEYS)}-key table; {j} clients send {ops} requests each (seed {seed})")
    expected = replay(seed, j, ops)
    tables = {}

    def server_run():
        with TableManager() as manager:
            table = manager.Table()
            seconds = run_workers(j, client_server, table, seed, ops)
            tables["server"] = table.snapshot()[0]
        return seconds

    def shared_run():
        shared = mp.Array("q", len(KEYS))
        seconds = run_workers(j, client_shared, shared, seed, ops)
        tables["shared"] = list(shared)
        return seconds

    server_s, shared_s = best_of(server_run), best_of(shared_run)
    ok, same = tables["server"] == expected, tables["shared"] == expected
    say(f"server: {server_s:.3f} s, {total / server_s:.0f} operations/s (best of {RUNS}), "
        f"table {'equal' if ok else 'DIFFERENT'}")
    say(f"shared memory (Array + lock), same operations: {shared_s:.3f} s, "
        f"{total / shared_s:.0f} operations/s, table {'equal' if same else 'DIFFERENT'}")
    say("shared memory against the server: " + compare(server_s, shared_s, "shared memory is faster",
                                                       "shared memory is slower"))
    print_busy()
    raise SystemExit(0 if ok and same else 1)
