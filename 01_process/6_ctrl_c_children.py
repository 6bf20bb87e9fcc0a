#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""6_ctrl_c_children.py - the mirror of 6_ctrl_c_children.c: SIGTERM to a
parent with three workers, first with Python's default action (it dies at
once: no atexit, no finally, the workers are orphans), then with a handler
that turns the signal into an exception, so `finally` terminates and joins
them before the parent dies of the same signal. Usage: 6_ctrl_c_children.py

(At a normal exit, Lib/multiprocessing/util.py's _exit_function terminates
daemonic children and joins the others; a signal's default action skips it.)
"""
import ctypes
import multiprocessing as mp
import os
import signal
import struct
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def parent(handled, report_fd):
    if handled:
        def stop(signum, frame):
            raise SystemExit(signum)
        signal.signal(signal.SIGTERM, stop)
    ctx = mp.get_context("fork")
    workers = [ctx.Process(target=time.sleep, args=(10,)) for _ in range(3)]
    try:  # the signal may come at any point from here on
        for w in workers:
            w.start()
        os.write(report_fd, struct.pack("3i", *(w.pid for w in workers)))
        for w in workers:
            w.join()
    except SystemExit:  # the handler's: stop and reap, then die of it
        print(f"[parent {os.getpid()}] SIGTERM: stopping and reaping 3 "
              "children, then dying of SIGTERM", flush=True)
        for w in workers:
            if w.pid is not None:
                w.kill()  # SIGKILL, as the C does
                w.join()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)


def parent_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return 0 if fields[0] == "Z" else int(fields[1])
    except FileNotFoundError:
        return 0


def round_trip(handled):
    me = os.getpid()
    r, w = os.pipe()
    sys.stdout.flush()  # else the child inherits our unwritten lines and prints them again
    pid = os.fork()
    if pid == 0:
        os.close(r)
        parent(handled, w)
        os._exit(1)
    os.close(w)
    workers = struct.unpack("3i", os.read(r, 12))
    os.close(r)
    print(f"[shell {me}] parent {pid} started 3 workers; kill({pid}, SIGTERM)",
          flush=True)
    os.kill(pid, signal.SIGTERM)
    _, status = os.waitpid(pid, 0)
    name = signal.Signals(os.WTERMSIG(status)).name
    print(f"[shell {me}] the parent: killed by {name}")
    left = 0
    for worker in workers:
        ppid = parent_of(worker)
        if ppid == 0:
            print(f"[shell {me}] worker {worker}: gone, reaped by its parent")
            continue
        left += 1
        print(f"[shell {me}] worker {worker}: still running, its parent is "
              f"now {ppid}: an orphan", flush=True)
        os.kill(worker, signal.SIGKILL)
        os.waitpid(worker, 0)
    return left


if __name__ == "__main__":
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("6_ctrl_c_children.py: prctl: "
                 + os.strerror(ctypes.get_errno()))
    print("== a parent that dies of the signal at once (no handler) ==")
    orphans = round_trip(False)
    print("\n== a parent with interrupt.h's handler: stop, reap, then die ==", flush=True)
    left = round_trip(True)
    print("  (interrupt.h in C; here a handler that raises SystemExit)")
    print(f"\n[shell {os.getpid()}] done: {orphans} orphans without a "
          f"handler, {left} with; none left behind")
    sys.exit(0 if orphans == 3 and left == 0 else 1)
