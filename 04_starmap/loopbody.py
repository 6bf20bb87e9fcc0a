# SPDX-License-Identifier: MIT
"""loopbody.py - shared by the Python mirrors of steps 3 and 4: the loop
body do_something(i) (the C's splitmix64 rounds, bit for bit), chunks(),
and the command-line checks."""
import argparse

MASK = (1 << 64) - 1


def do_something(i, seed=42):
    """64 rounds of splitmix64's mixing, as in the C."""
    z = (seed + i * 0x9E3779B97F4A7C15) & MASK
    for _ in range(64):
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
    return z


def chunks(n, processes):
    size = -(-n // processes)   # ceil(n / processes)
    return [(start, min(start + size, n)) for start in range(0, n, size)]


def count(text):
    scale = {"k": 10**3, "m": 10**6, "g": 10**9}.get(text[-1:].lower(), 1)
    value = float(text[:-1] if scale > 1 else text) * scale
    if value != int(value):
        raise ValueError(text)
    return int(value)


def in_range(parse, low, high):
    def check(text):
        try:
            value = parse(text)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{value} is out of range ({low} to {high})")
        return value
    return check
