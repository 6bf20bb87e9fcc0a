#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""1_pi_by_hand.py - the mirror of 1_pi_by_hand.c: 4 forked children throw
darts with a toy generator of their own (Knuth's MMIX LCG, seed c + 1) and
send their hits through one pipe; the parent adds them up. The same hits as C.

Usage: python3 1_pi_by_hand.py   (4 x 250000 darts, fixed)
"""
import os
import struct
import sys

CHILDREN, DARTS = 4, 250_000
MASK = (1 << 64) - 1


def child(c, out):
    s, hits = c + 1, 0
    for _ in range(DARTS):
        s = (s * 6364136223846793005 + 1442695040888963407) & MASK
        x = (s >> 11) / 2**53
        s = (s * 6364136223846793005 + 1442695040888963407) & MASK
        y = (s >> 11) / 2**53
        hits += x * x + y * y < 1.0
    # One write for the whole line (print writes the text and the newline
    # apart when stdout is unbuffered, PYTHONUNBUFFERED=1: lines would mix).
    sys.stdout.write(f"[child {c} pid {os.getpid()}] {hits} of {DARTS} darts inside\n")
    sys.stdout.flush()
    os.write(out, struct.pack("=Q", hits))   # 8 bytes: one atomic write
    os._exit(0)                              # _exit: no Python clean-up in the child


def main():
    r, w = os.pipe()
    sys.stdout.flush()
    for c in range(CHILDREN):
        if os.fork() == 0:
            child(c, w)
    os.close(w)                              # end of file once every child wrote and left
    inside = 0
    while data := os.read(r, 8):
        inside += struct.unpack("=Q", data)[0]
    failed = 0
    for _ in range(CHILDREN):
        _, status = os.wait()
        failed |= os.waitstatus_to_exitcode(status) != 0
    print(f"[parent {os.getpid()}] {inside} of {CHILDREN * DARTS} darts inside: "
          f"pi ~ {4 * inside / (CHILDREN * DARTS):.7f}")
    return failed


if __name__ == "__main__":
    sys.exit(main())
