#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""1_map_by_hand.py - the Python of 1_map_by_hand.c: a map by hand with
os.fork and one pipe; child w cubes items 4w..4w+3 and writes (index, cube)
pairs; the parent puts each at its own index.

Usage: python3 1_map_by_hand.py
"""
import os
import struct
import time

W, N = 3, 12
r, w = os.pipe()
pids = []
for child in range(W):
    pid = os.fork()
    if pid == 0:  # child: the later children start sooner
        time.sleep((W - child) * 0.030)
        for i in range(child * N // W, (child + 1) * N // W):
            os.write(w, struct.pack("qq", i, (i + 1) ** 3))  # 16 bytes: one write, never split
        os._exit(0)
    pids.append(pid)
os.close(w)  # read sees end-of-file once every child is done
result, order = [None] * N, []
while (data := os.read(r, 16)):
    i, cube = struct.unpack("qq", data)
    order.append(i + 1)
    result[i] = cube
for pid in pids:
    os.waitpid(pid, 0)
print(f"[parent {os.getpid()}] 3 children, 4 items each; x arrived in this order: "
      + " ".join(map(str, order)))
print(result)
