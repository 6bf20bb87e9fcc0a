#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""1_args_by_hand.py - the Python side of 1_args_by_hand.c: several
arguments per task, by hand. Child i gets the tuple pairs[i] (as Process
args) and puts (i, pow(x, y)) on one queue; the parent puts each answer at
its own index.

Usage: python3 1_args_by_hand.py
"""
import os
from multiprocessing import Process, SimpleQueue

W = 3


def child(i, x, y, answers):
    answers.put((i, x ** y))   # a pickle of the tuple through a pipe


def main():
    pairs = [(2, 3), (3, 4), (4, 5)]
    answers = SimpleQueue()
    children = [Process(target=child, args=(i, x, y, answers))
                for i, (x, y) in enumerate(pairs)]
    for p in children:
        p.start()
    result = [None] * W
    for _ in range(W):             # answers arrive in finishing order...
        i, value = answers.get()
        result[i] = value          # ...and land at their own index
    for p in children:
        p.join()
    for (x, y), value, p in zip(pairs, result, children):
        print(f"[parent {os.getpid()}] pow({x}, {y}) = {value} "
              f"(computed by child {p.pid})")


if __name__ == "__main__":
    main()
