# SPDX-License-Identifier: MIT
"""_steps.py - what the chapter's Python mirrors share: the command line
(numbers checked like cli.h's), Python's chunksize rule, the fork context,
and common/python's generator and verdicts on the path."""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from multiprocessing import get_context  # noqa: E402

# The C steps fork their workers; say so here too (Python 3.14 would
# otherwise use "forkserver" on Linux).
mp = get_context("fork")
CPUS = len(os.sched_getaffinity(0))
PARENT = f"[parent {os.getpid()}]"


def python_chunksize(items, workers):
    """Lib/multiprocessing/pool.py, Pool._map_async."""
    chunksize, extra = divmod(items, workers * 4)
    return chunksize + 1 if extra else chunksize


def count(text):
    """-n 2000000, 2M, 2e6 (like cli_parse_count)."""
    scale = {"k": 10**3, "m": 10**6, "g": 10**9}.get(text[-1:].lower(), 1)
    value = float(text[:-1] if scale > 1 else text) * scale
    if value != int(value):
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number")
    return int(value)


def in_range(parse, low, high):
    def check(text):
        try:
            value = parse(text)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f"'{text}' is not a number")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range ({low} to {high})")
        return value
    return check


def parser(doc):
    """An ArgumentParser with -j/--workers, as every step has."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("-j", "--workers", type=in_range(int, 1, 8 * CPUS), default=CPUS)
    return p
