#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""2_pipe_deadlock.py - the Python side of 2_pipe_deadlock.c: joining a writer
before reading what it wrote, with 100 bytes (they fit in the pipe) and with
twice the pipe's capacity (a deadlock, until the timeout). Then the same with
a multiprocessing.Queue.

Usage: python3 2_pipe_deadlock.py [--timeout SECONDS] [-q]

The pipe runs use os.pipe(), so that the capacity (fcntl F_GETPIPE_SZ,
Python 3.10+) is the very pipe the child fills. The Queue runs show what
CPython's Lib/multiprocessing/queues.py does: put() appends to a buffer that
a feeder thread (Queue._feed) pickles and writes into the queue's pipe, and a
process that put items joins that thread when it exits (Queue._start_thread
registers Queue._finalize_join as a Finalize). So a child waits at exit until
its items are IN THE PIPE, not until they are taken: small items let it exit,
more than the pipe holds do not (the docs' "joining processes that use
queues").
"""
import argparse
import fcntl
import multiprocessing as mp
import os
import struct
import sys
import termios

from _steps import describe, say  # what chapter 02's mirrors share


def seconds(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number")
    if not 0.01 <= value <= 60:
        raise argparse.ArgumentTypeError(f"{value} is out of range (0.01 to 60)")
    return value


def writer(r, w, size, quiet):
    os.close(r)
    if not quiet:
        say(f"[child pid {os.getpid()}] writing {size} bytes, then exiting")
    data = bytes(size)
    while data:
        data = data[os.write(w, data):]  # blocks while the pipe is full
    if not quiet:
        say(f"[child pid {os.getpid()}] wrote all {size} bytes, exiting")


def process_state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "?"


def join_before_reading(overfill, args):
    me = os.getpid()
    r, w = os.pipe()
    capacity = fcntl.fcntl(r, fcntl.F_GETPIPE_SZ)
    size = 2 * capacity if overfill else 100
    print(f"\n== join before reading: the child writes {size} bytes ==\n[parent {me}] pipe "
          f"capacity (fcntl F_GETPIPE_SZ): {capacity} bytes; waiting for the child to exit "
          f"BEFORE reading (timeout {args.timeout:.1f} s)", flush=True)
    child = mp.Process(target=writer, args=(r, w, size, args.quiet))
    child.start()
    os.close(w)
    child.join(args.timeout)  # waits on child.sentinel, a pipe (popen_fork.py)
    queued = struct.unpack("i", fcntl.ioctl(r, termios.FIONREAD, b"\0" * 4))[0]
    hung = child.is_alive()
    if not hung:
        print(f"[parent {me}] child {child.pid} {describe(child.exitcode)}, nobody read: its "
              f"{size} bytes fit in the pipe, which still holds {queued}")
    else:
        print(f"[parent {me}] timed out: child {child.pid} is still alive (state "
              f"{process_state(child.pid)}), the pipe holds {queued} of {capacity} bytes: it "
              "waits for us to read, we wait for it to exit")
        child.kill()
        child.join()
        print(f"[parent {me}] deadlock: sent SIGKILL, child {child.pid} "
              f"{describe(child.exitcode)}")
    os.close(r)
    return hung


def putter(q, size):
    q.put(bytes(size))  # returns at once: the feeder thread writes it later


def queue_join_before_get(size, timeout):
    """The same mistake with a Queue: p.join() before q.get()."""
    me = os.getpid()
    q = mp.Queue()
    child = mp.Process(target=putter, args=(q, size))
    child.start()
    child.join(timeout)
    if child.is_alive():
        print(f"[parent {me}] Queue: the child put {size} bytes and is still alive after "
              f"{timeout:.1f} s: its feeder thread waits for room in the pipe")
        q.get()  # make room: now it can exit
    else:
        print(f"[parent {me}] Queue: the child put {size} bytes and "
              f"{describe(child.exitcode)} before anyone called get()")
        q.get()
    child.join()
    return child.exitcode == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=seconds, default=1.0)
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args()
    mp.set_start_method("fork")  # as in C; the default on Linux before 3.14
    small_hung = join_before_reading(False, args)
    hung = join_before_reading(True, args)
    print("\n== the same with multiprocessing.Queue: join() before get() ==", flush=True)
    r, w = os.pipe()
    capacity = fcntl.fcntl(r, fcntl.F_GETPIPE_SZ)
    os.close(r)
    os.close(w)
    queue_join_before_get(100, args.timeout)
    queue_join_before_get(2 * capacity, args.timeout)
    print(f"\n[parent {os.getpid()}] summary: 100 bytes did{'' if small_hung else ' not'} hang; "
          f"join before reading hung{'' if hung else ' NOT'}")
    return 0 if hung and not small_hung else 1


if __name__ == "__main__":
    sys.exit(main())
