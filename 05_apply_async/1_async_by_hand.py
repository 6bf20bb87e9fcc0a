#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""1_async_by_hand.py - the C step 1_async_by_hand.c in Python: start every
task now (a child and a pipe each), collect the results later (read the
pipe, reap the child). It is what Pool.apply_async + get does underneath,
without the pool.

Usage: 1_async_by_hand.py
"""
import os
import time

t0 = time.monotonic()
handles = []
for x in range(4):                       # apply_async: start it, keep a handle
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:                         # child: x^2 after (4 - x) x 100 ms
        os.close(r)
        time.sleep((4 - x) * 0.1)
        os.write(w, (x * x).to_bytes(4, "little"))
        os._exit(0)
    os.close(w)                          # the parent only reads
    handles.append((r, pid))
    print(f"[parent {os.getpid()}] submitted task {x} to child {pid}", flush=True)
for x, (r, pid) in enumerate(handles):   # get(): read blocks until it is there
    value = int.from_bytes(os.read(r, 4), "little")
    os.close(r)
    os.waitpid(pid, 0)
    print(f"[parent {os.getpid()}] get() task {x}: {x}^2 = {value} "
          f"(child {pid} reaped)")
print(f"[parent {os.getpid()}] 4 tasks of 400+300+200+100 ms took "
      f"{time.monotonic() - t0:.2f} s")
