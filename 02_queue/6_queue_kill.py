#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""6_queue_kill.py - the Python side of 6_queue_kill.c: consumer 1 sends
itself SIGKILL a quarter into its share, holding an item; the parent says
what was lost. Python's Queue has no robust lock: a consumer killed while it
holds the queue's read lock (inside get()) leaves every other consumer stuck;
here it dies between get()s, so the others go on (get(timeout=5) bounds the
wait either way).

Usage: python3 6_queue_kill.py [-p PRODUCERS] [-j CONSUMERS] [-n ITEMS] [-q]

It prints the same accounting as build/bin/6_queue_kill (the bats test
compares them). The round is step 5's (_steps.py): the same producers, the
consumers and the ledger, with consumer 1 killed a quarter into its share.
"""
import sys

from _steps import queue_main  # the producers, the consumers and the ledger

if __name__ == "__main__":
    sys.exit(queue_main(kill_consumer=True))
