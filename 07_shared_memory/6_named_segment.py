#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""6_named_segment.py - a SharedMemory segment with a name, read by another
program that knows only the name; removed on every way out (Ctrl-C and
SIGTERM included). Mirror of 6_named_segment.c and 6_named_segment_reader.c
(here one file: --reader NAME runs the reader side).

The resource tracker (resource_tracker.py): SharedMemory() registers the
segment; at exit the tracker unlinks what is still registered and warns of
"leaked" segments. Before Python 3.13 attaching registers it too, so the
reader unregisters it (else its tracker would unlink the writer's segment
when the reader exits: bpo-39959, gh-82300); 3.13 adds track=False.

Usage: 6_named_segment.py [--hold-ms MS]
"""
import argparse
import os
import signal
import struct
import subprocess
import sys
import time
from multiprocessing import resource_tracker, shared_memory

NAMED_NUMBERS = 1000
# struct segment in the C program: char[64], long[1000], long, long.
SEGMENT = struct.Struct(f"64s{NAMED_NUMBERS}qqq")


def say(text):
    print(f"[parent {os.getpid()}] {text}", flush=True)


def run_reader(name):
    shm = shared_memory.SharedMemory(name=name)
    # Before Python 3.13 attaching registers the segment with the resource
    # tracker, which would unlink it when this reader exits: not ours to do.
    resource_tracker.unregister(shm._name, "shared_memory")
    me = os.getpid()
    print(f"[reader {me}] opened /{name} by name: {shm.size} bytes")
    fields = SEGMENT.unpack_from(shm.buf)
    greeting = fields[0].rstrip(b"\0").decode()
    total = sum(fields[1:1 + NAMED_NUMBERS])
    print(f'[reader {me}] greeting "{greeting}"; sum of the {NAMED_NUMBERS} numbers = {total}')
    struct.pack_into("qq", shm.buf, 64 + 8 * NAMED_NUMBERS, total, me)
    print(f"[reader {me}] wrote its answer into the segment", flush=True)
    shm.close()
    return 0


def section_named(args):
    name = f"forklore-07-{os.getpid()}"  # Python adds the leading "/"
    # A Ctrl-C inside SharedMemory() (after shm_open, before `try:`) would
    # leave the name behind: hold the signals until the `finally:` is armed.
    # Start the resource tracker first: starting it unblocks them again.
    resource_tracker.ensure_running()
    stop = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    shm = shared_memory.SharedMemory(name=name, create=True, size=SEGMENT.size)
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stop)
        say(f'shm_open("/{name}"), {SEGMENT.size} bytes, visible as /dev/shm/{name}')
        struct.pack_into("64s", shm.buf, 0, f"hello from pid {os.getpid()}".encode())
        struct.pack_into(f"{NAMED_NUMBERS}q", shm.buf, 64, *range(1, NAMED_NUMBERS + 1))
        say(f"wrote a greeting and the numbers 1..{NAMED_NUMBERS}")
        if args.hold_ms:
            say(f"holding the segment for {args.hold_ms} ms")
            time.sleep(args.hold_ms / 1000)
        say(f"starting a reader: fork + exec of 6_named_segment_reader /{name}")
        reader = subprocess.run([sys.executable, os.path.abspath(__file__), "--reader", name])
        answer, reader_pid = struct.unpack_from("qq", shm.buf, 64 + 8 * NAMED_NUMBERS)
        status = "exited normally" if reader.returncode == 0 else f"exitcode {reader.returncode}"
        say(f"reader (pid {reader_pid}) {status}; its answer in the segment: sum {answer}")
        ok = reader.returncode == 0 and answer == NAMED_NUMBERS * (NAMED_NUMBERS + 1) // 2
    finally:
        shm.close()
        shm.unlink()  # also on Ctrl-C, SIGTERM (see main) and errors
    gone = not os.path.exists(f"/dev/shm/{name}")
    say(f'shm_unlink("/{name}"): /dev/shm/{name} {"is gone" if gone else "is STILL THERE"}')
    return ok



def main():
    parser = argparse.ArgumentParser(prog="6_named_segment.py")
    parser.add_argument("--hold-ms", type=int, default=0)
    parser.add_argument("--reader", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reader:
        return run_reader(args.reader)
    # SIGTERM becomes an exception too, so `finally:` unlinks the segment;
    # then the program dies of the signal that arrived (status 130 or 143).
    arrived = [signal.SIGINT]

    def terminated(signo, frame):
        arrived[0] = signo
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, terminated)
    try:
        ok = section_named(args)
    except KeyboardInterrupt:
        sys.stdout.flush()
        signal.signal(arrived[0], signal.SIG_DFL)
        os.kill(os.getpid(), arrived[0])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
