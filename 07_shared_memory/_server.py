# SPDX-License-Identifier: MIT
"""_server.py - what 7_manager_server.py and 8_server_vs_shared_memory.py
share: the clients' random operations (common/rng.c's streams, so a seed
gives the C program's table) and a Table that lives in a Manager's server.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_rng import Rng  # noqa: E402 (the path first)
from multiprocessing.managers import BaseManager  # noqa: E402

KEYS = ["apples", "pears", "plums", "figs", "dates", "limes", "kiwis", "cherries"]


def next_op(rng):
    """(key index, amount): 1 in 4 reads (amount 0), 3 in 4 add 1..100."""
    key = rng.below(len(KEYS))
    return key, 0 if rng.below(4) == 0 else rng.below(100) + 1


def replay(seed, clients, ops):
    expected = [0] * len(KEYS)
    for w in range(clients):
        rng = Rng(seed, w)
        for _ in range(ops):
            key, amount = next_op(rng)
            expected[key] += amount
    return expected


class Table:
    """Lives in the manager's server process; add() runs there, whole."""

    def __init__(self):
        self.table = dict.fromkeys(KEYS, 0)
        self.served = 0

    def add(self, key, amount):
        self.served += 1
        self.table[key] += amount
        return self.table[key]

    def snapshot(self):
        return [self.table[k] for k in KEYS], self.served


class TableManager(BaseManager):
    pass


TableManager.register("Table", Table)


def format_table(values):
    return " ".join(f"{k}={v}" for k, v in zip(KEYS, values))
