#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""5_zero_copy_array.py - workers fill slices of a RawArray in place, against
sending them back through Pipes, best of 3 each. Mirror of 5_zero_copy_array.c.

Usage: 5_zero_copy_array.py [-j N] [--array-mib M] [-q]
"""
import array
import multiprocessing as mp
import time

from _steps import RUNS, best_of, compare, parser, print_busy, run_workers, say


def bounds(length, workers, w):
    return length * w // workers, length * (w + 1) // workers


def fill_shared(w, shared, workers):
    lo, hi = bounds(len(shared), workers, w)
    shared[lo:hi] = array.array("Q", range(3 * lo + 1, 3 * hi + 1, 3))


def fill_through_pipe(w, conn, length, workers):
    lo, hi = bounds(length, workers, w)
    for start in range(lo, hi, 8192):
        end = min(hi, start + 8192)
        conn.send_bytes(array.array("Q", range(3 * start + 1, 3 * end + 1, 3)))
    conn.close()


def correct(buffer, length):
    got = array.array("Q")
    got.frombytes(bytes(buffer))
    return sum(1 for i, v in enumerate(got) if v == 3 * i + 1)


if __name__ == "__main__":
    args = parser("5_zero_copy_array.py", array_mib=8).parse_args()
    j, length = args.workers, (args.array_mib << 20) // 8
    say(f"{j} workers fill disjoint slices of a {args.array_mib} MiB array ({length} elements)")
    good = {}

    def shared_run():
        shared = mp.RawArray("Q", length)  # zero-filled, shared, no lock
        seconds = run_workers(j, fill_shared, shared, j)
        good["shared"] = min(good.get("shared", length), correct(memoryview(shared).cast("B"), length))
        return seconds

    def pipe_run():
        dest = bytearray(length * 8)
        pipes = [mp.Pipe(duplex=False) for _ in range(j)]
        procs = [mp.Process(target=fill_through_pipe, args=(w, pipes[w][1], length, j))
                 for w in range(j)]
        start = time.perf_counter()
        for p in procs:
            p.start()
        for w, (reader, writer) in enumerate(pipes):
            writer.close()
            lo, hi = bounds(length, j, w)
            offset = lo * 8
            while offset < hi * 8:
                offset += reader.recv_bytes_into(memoryview(dest)[offset:])
        for p in procs:
            p.join()
        seconds = time.perf_counter() - start
        good["pipe"] = min(good.get("pipe", length), correct(dest, length))
        return seconds

    shared_s, pipe_s = best_of(shared_run), best_of(pipe_run)
    say(f"shared (MAP_SHARED, zero-copy): {good['shared']} of {length} elements correct, "
        f"{shared_s:.3f} s (best of {RUNS})")
    say(f"sent back through pipes (copied):  {good['pipe']} of {length} elements correct, "
        f"{pipe_s:.3f} s (best of {RUNS})")
    say("shared memory against pipes: " + compare(pipe_s, shared_s, "shared memory is faster",
                                                  "shared memory is slower"))
    print_busy()
    raise SystemExit(0 if good["shared"] == good["pipe"] == length else 1)
