#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""1_shared_counter_race.py - two Processes add 1 to one Value without its
lock: updates get lost. Mirror of 1_shared_counter_race.c (200K increments
each here, not 200M: one Python += costs about a hundred C ones).

Usage: 1_shared_counter_race.py
"""
import multiprocessing as mp
import os

N = 200_000


def add(counter):
    for _ in range(N):
        counter.value += 1  # load, add, store: three steps, no lock


if __name__ == "__main__":
    counter = mp.Value("l", 0, lock=False)  # shared memory, no lock
    print(f"[parent {os.getpid()}] 2 children each add 1 {N} times, no lock")
    children = [mp.Process(target=add, args=(counter,)) for _ in range(2)]
    for c in children:
        c.start()
    for c in children:
        c.join()
    print(f"[parent {os.getpid()}] counter = {counter.value}, expected {2 * N}: "
          f"{2 * N - counter.value} updates lost")
