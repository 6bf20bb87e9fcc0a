#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""7_manager_server.py - d[k] += x on a manager.dict() is a get and a set,
two round trips (managers.py: DictProxy's __getitem__ and __setitem__ are
separate _callmethod calls), and loses updates; a registered method that
adds in the server does not. Mirror of 7_manager_server.c.

Usage: 7_manager_server.py [-j N] [--ops N] [--seed S] [-q]
"""
import multiprocessing as mp

from _server import KEYS, Rng, TableManager, format_table, next_op, replay
from _steps import parser, run_workers, say


def client_dict(w, d, seed, ops):
    rng = Rng(seed, w)
    for _ in range(ops):
        key, amount = next_op(rng)
        if amount:
            d[KEYS[key]] += amount  # __getitem__, then __setitem__: racy
        else:
            d[KEYS[key]]


def client_add(w, table, seed, ops):
    rng = Rng(seed, w)
    for _ in range(ops):
        key, amount = next_op(rng)
        table.add(KEYS[key], amount)  # one request, one reply


if __name__ == "__main__":
    p = parser("7_manager_server.py", ops=1000)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    j, ops, seed = args.workers, args.ops, args.seed
    say(f"a server owns a {len(KEYS)}-key table; {j} clients send {ops} requests each (seed {seed})")
    expected = replay(seed, j, ops)
    with mp.Manager() as manager:
        d = manager.dict(dict.fromkeys(KEYS, 0))
        run_workers(j, client_dict, d, seed, ops)
        got = sum(d.values())
    want = sum(expected)
    say(f"get then set: {want - got} of the {want} added lost ({100 * (want - got) / want:.1f}%)")
    with TableManager() as manager:
        table = manager.Table()
        run_workers(j, client_add, table, seed, ops)
        final, served = table.snapshot()
    say(f"server's table:   {format_table(final)}")
    say(f"replayed adds:    {format_table(expected)}")
    ok = final == expected and served == j * ops
    say(f"the server answered {served} of {j * ops} requests; its table "
        f"{'equals' if ok else 'DIFFERS FROM'} the replayed updates")
    raise SystemExit(0 if ok else 1)
