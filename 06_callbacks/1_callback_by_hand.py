#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""1_callback_by_hand.py - a callback, underneath: children write results into
one pipe; the parent sleeps in read() until one arrives, then calls
on_result() itself. The mirror of 1_callback_by_hand.c.

Python's Pool does the same with one pipe for all workers (its outqueue) and
a thread of the parent, the result handler, that reads it and calls your
callback (Lib/multiprocessing/pool.py: Pool._handle_results ->
ApplyResult._set).

Usage: 1_callback_by_hand.py
"""
import os
import struct
import sys
import time

RESULT = struct.Struct("3q")  # task, x^2, child pid: 24 bytes, one write


def on_result(task, square, child):  # the callback: runs in the parent
    print(f"[callback pid {os.getpid()}] task {task}: {square} (child {child})")


def main():
    print(f"[parent {os.getpid()}] 3 tasks: x^2 for x = 3, 4, 5, taking 50, "
          f"30 and 10 ms", flush=True)
    read_end, write_end = os.pipe()
    pids = []
    for i in range(3):
        pid = os.fork()
        if pid == 0:  # child: "work" (sleep), one write, _exit
            time.sleep((50 - 20 * i) / 1000)
            os.write(write_end, RESULT.pack(i, (i + 3) ** 2, os.getpid()))
            os._exit(0)
        pids.append(pid)
    os.close(write_end)  # the parent only reads
    for _ in range(3):
        data = os.read(read_end, RESULT.size)  # asleep until a child wrote
        on_result(*RESULT.unpack(data))  # called by the parent itself
    for pid in pids:
        os.waitpid(pid, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
