#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pipe.py - the Python side of pipe.c: multiprocessing.Pipe one-way and
two-way (a ping-pong with round trips per second), and the deadlock of
joining a writer before reading what it wrote, then the fix.

Usage: python3 pipe.py [-n ROUND_TRIPS] [--timeout SECONDS]

Same sections and the same deterministic results as build/bin/pipe. The
deadlock uses os.pipe() so that the capacity (fcntl F_GETPIPE_SZ, Python
3.10+) is the very pipe the child fills; multiprocessing.Queue and
Connection.send() fill the same kind of pipe and hang the same way.
"""
import argparse
import fcntl
import multiprocessing as mp
import os
import signal
import struct
import sys
import termios
import time


def count(text):
    scale = {"k": 1e3, "m": 1e6, "g": 1e9}.get(text[-1:].lower(), 1)
    try:
        value = float(text[:-1] if scale != 1 else text) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a count")
    if value != int(value) or not 1 <= value <= 100_000_000:
        raise argparse.ArgumentTypeError(f"'{text}' is out of range (1 to 100000000)")
    return int(value)


def seconds(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number")
    if not 0.01 <= value <= 60:
        raise argparse.ArgumentTypeError(f"{value} is out of range (0.01 to 60)")
    return value


def say(line):
    """Print from a child: one write() per line, so that lines from several
    processes sharing stdout never mix (a write of up to PIPE_BUF bytes into
    a pipe is atomic); printf on a line-buffered stdout does the same in C."""
    sys.stdout.flush()
    os.write(sys.stdout.fileno(), (line + "\n").encode())


def describe(exitcode):
    if exitcode == 0:
        return "exited normally"
    if exitcode > 0:
        return f"exited with code {exitcode}"
    return f"killed by {signal.Signals(-exitcode).name}"


# ----------------------------------------------------------- one-way pipe

def talker(w):
    for i in range(1, 4):
        w.send(f"message {i} from pid {os.getpid()}\n")
    say(f"[child pid {os.getpid()}] wrote 3 lines, exiting (which closes its "
        "write end)")


def one_way_pipe():
    me = os.getpid()
    print("\n== one-way pipe ==")
    r, w = mp.Pipe(duplex=False)
    print(f"[parent {me}] Pipe(duplex=False): r can only recv(), w can only "
          "send(); fork copies both", flush=True)
    child = mp.Process(target=talker, args=(w,))
    child.start()
    w.close()  # our copy of the write end, or recv() never raises EOFError
    received = 0
    lines = 0
    while True:
        try:
            line = r.recv()
        except EOFError:
            break
        print(f"[parent {me}] read \"{line.rstrip()}\"")
        received += len(line)
        lines += 1
    print(f"[parent {me}] recv() raised EOFError after {received} bytes "
          f"({lines} lines): end of file, every write end is closed")
    r.close()
    child.join()
    print(f"[parent {me}] child {child.pid} {describe(child.exitcode)}")


# -------------------------------------------------------- two-way channel

def bouncer(a, b):
    # fork gave this child a copy of the parent's end too: close it, or our
    # recv() would never see EOFError when the parent closes its copy.
    a.close()
    while True:
        try:
            v = b.recv()
        except EOFError:  # the parent closed its end
            return
        b.send(v + 1)


def ping_pong(round_trips):
    me = os.getpid()
    print("\n== two-way: socketpair ping-pong ==")
    a, b = mp.Pipe()  # duplex: a socket pair underneath
    child = mp.Process(target=bouncer, args=(a, b))
    child.start()
    b.close()
    counter = 0
    t0 = time.perf_counter()
    for _ in range(round_trips):
        a.send(counter)
        counter = a.recv()
    elapsed = time.perf_counter() - t0
    a.close()
    child.join()
    print(f"[parent {me}] {round_trips} round trips in {elapsed:.3f} s: "
          f"{round_trips / elapsed:.0f} round trips/s, "
          f"{elapsed / round_trips * 1e6:.1f} us each (varies: measured)")
    verdict = ("every message arrived, in order" if counter == round_trips
               else "MISMATCH")
    print(f"[parent {me}] the counter came back as {counter}: {verdict}; "
          f"child {describe(child.exitcode)}")
    print(f"[parent {me}] a pipe has two ends: enough for one writer and one "
          "reader; several of either need a queue (queue_demo.py)")


# ------------------------------------------------------------ the deadlock

def writer(r, w, size):
    os.close(r)
    say(f"[child pid {os.getpid()}] writing {size} bytes, then exiting")
    data = bytes(size)
    while data:
        data = data[os.write(w, data):]  # blocks while the pipe is full
    say(f"[child pid {os.getpid()}] wrote all {size} bytes, exiting")


def process_state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "?"


def the_deadlock(timeout):
    me = os.getpid()
    print("\n== the pipe deadlock ==")
    r, w = os.pipe()
    capacity = fcntl.fcntl(r, fcntl.F_GETPIPE_SZ)
    size = 2 * capacity
    print(f"[parent {me}] pipe capacity (fcntl F_GETPIPE_SZ): {capacity} bytes; "
          f"the child will write {size}")
    print(f"[parent {me}] will wait for the child to exit BEFORE reading "
          f"(timeout {timeout:.1f} s)", flush=True)
    child = mp.Process(target=writer, args=(r, w, size))
    child.start()
    os.close(w)
    child.join(timeout)  # the mistake: join before reading
    hung = child.is_alive()
    if hung:
        queued = struct.unpack("i", fcntl.ioctl(r, termios.FIONREAD, b"\0" * 4))[0]
        print(f"[parent {me}] timed out: child {child.pid} is still alive (state "
              f"{process_state(child.pid)}), the pipe holds {queued} of "
              f"{capacity} bytes: it waits for us to read, we wait for it to exit")
        child.kill()
        child.join()
        print(f"[parent {me}] deadlock: sent SIGKILL, child {child.pid} "
              f"{describe(child.exitcode)}")
    else:
        print(f"[parent {me}] no deadlock: the child ended (its data fitted?)")
    os.close(r)
    return hung


def the_fix():
    me = os.getpid()
    print("\n== the fix: drain before joining ==", flush=True)
    r, w = os.pipe()
    size = 2 * fcntl.fcntl(r, fcntl.F_GETPIPE_SZ)
    t0 = time.perf_counter()
    child = mp.Process(target=writer, args=(r, w, size))
    child.start()
    os.close(w)
    total = 0
    while chunk := os.read(r, 4096):  # read until end of file ...
        total += len(chunk)
    os.close(r)
    child.join()  # ... THEN join
    print(f"[parent {me}] read {total} bytes until end of file, THEN waited: "
          f"child {child.pid} {describe(child.exitcode)}, after "
          f"{time.perf_counter() - t0:.3f} s")
    print(f"[parent {me}] Python's Queue has the same trap: a process that put "
          "items won't exit until they are taken; get them before join()")
    return total == size and child.exitcode == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=count, default=10_000)
    parser.add_argument("--timeout", type=seconds, default=1.0)
    args = parser.parse_args()
    mp.set_start_method("fork")

    one_way_pipe()
    ping_pong(args.n)
    hung = the_deadlock(args.timeout)
    fixed = the_fix()
    print(f"\n[parent {os.getpid()}] summary: join before reading "
          f"{'hung' if hung else 'did NOT hang'}; drain before joining "
          f"{'finished' if fixed else 'FAILED'}")
    return 0 if hung and fixed else 1


if __name__ == "__main__":
    sys.exit(main())
