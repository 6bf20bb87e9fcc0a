#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""5_queue_workers.py - the Python side of 5_queue_workers.c: producers and
consumers over one multiprocessing.Queue(64); each item taken exactly once.

Usage: python3 5_queue_workers.py [-p PRODUCERS] [-j CONSUMERS] [-n ITEMS] [-q]

It prints the same deterministic results as build/bin/5_queue_workers (the
bats test compares them). Where C calls queue_close(), Python puts one None
sentinel per consumer. The producer, the consumer and the parent's ledger
are in _steps.py: step 6 runs the same round and kills consumer 1 in it.
"""
import sys

from _steps import queue_main  # the producers, the consumers and the ledger

if __name__ == "__main__":
    sys.exit(queue_main(kill_consumer=False))
