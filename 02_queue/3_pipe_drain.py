#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""3_pipe_drain.py - the Python side of 3_pipe_drain.c: read until end of
file FIRST, join the child after (with a Queue: results = [q.get() ...]
before p.join()); and Connection.poll(timeout), which says whether a read
would block (Lib/multiprocessing/connection.py: bool(wait([self], timeout))).

Usage: python3 3_pipe_drain.py
"""
import fcntl
import multiprocessing as mp
from multiprocessing.connection import Connection
import os
import sys


def writer(r, w, size):
    os.close(r)
    print(f"[child pid {os.getpid()}] writing {size} bytes, then exiting", flush=True)
    data = bytes(size)
    while data:
        data = data[os.write(w, data):]  # blocks while the pipe is full
    print(f"[child pid {os.getpid()}] wrote all {size} bytes, exiting", flush=True)


def main():
    mp.set_start_method("fork")
    me = os.getpid()
    r, w = os.pipe()
    capacity = fcntl.fcntl(r, fcntl.F_GETPIPE_SZ)
    size = 2 * capacity
    print(f"[parent {me}] pipe capacity (fcntl F_GETPIPE_SZ): {capacity} bytes; the child will "
          f"write {size}", flush=True)
    conn = Connection(r, writable=False)  # what Pipe(duplex=False) makes of a pipe's read end
    print(f"[parent {me}] r.poll(0.1) on the empty pipe: {conn.poll(0.1)}", flush=True)
    child = mp.Process(target=writer, args=(r, w, size))
    child.start()
    os.close(w)
    total = 0
    while chunk := os.read(r, 4096):  # read until end of file ...
        total += len(chunk)
    print(f"[parent {me}] r.poll() at end of file: {conn.poll()}: the next read returns 0 at once")
    conn.close()  # closes r
    child.join()  # ... THEN join
    how = "exited normally" if child.exitcode == 0 else f"exit code {child.exitcode}"
    print(f"[parent {me}] read {total} bytes until end of file, THEN waited: child "
          f"{child.pid} {how}")
    ok = total == size and child.exitcode == 0
    print(f"\n[parent {me}] summary: drain before joining {'finished' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
