#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""1_pipe_fifo.py - the Python side of 1_pipe_fifo.c: a one-way Pipe from
child to parent; messages come out in the order they went in.

Usage: python3 1_pipe_fifo.py
"""
import multiprocessing as mp
import os


def talker(r, w):
    r.close()  # fork gave the child the read end too: it only writes
    for i in (1, 2, 3):
        w.send(f"message {i}\n")


def main():
    mp.set_start_method("fork")  # as in C; the default on Linux before 3.14
    r, w = mp.Pipe(duplex=False)  # r can only recv(), w only send()
    child = mp.Process(target=talker, args=(r, w))
    child.start()
    w.close()  # ours too, or recv() would never raise EOFError
    lines = 0
    while True:
        try:
            line = r.recv()
        except EOFError:  # every write end is closed
            break
        print(f"[parent {os.getpid()}] got: {line}", end="")
        lines += 1
    child.join()
    print(f"[parent {os.getpid()}] end of file after {lines} lines: every write end is "
          f"closed; child {child.pid} exited with {child.exitcode}")


if __name__ == "__main__":
    main()
