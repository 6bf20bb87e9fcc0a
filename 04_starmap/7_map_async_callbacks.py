#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""7_map_async_callbacks.py - the Python of 7_map_async_callbacks.c:
starmap_async and map_async with callback and error_callback.

Usage: python3 7_map_async_callbacks.py [-j N]
Python runs the callbacks in a thread of the parent (the pool's result
handler, Lib/multiprocessing/pool.py); the C pool runs them inside the call
that is waiting (get, wait). Both run them in the parent process. Python's
error_callback gets the exception, which does not name the task.
"""
import argparse
import multiprocessing
import os
import time

PARENT = f"[parent {os.getpid()}]"


def power(x, y):
    time.sleep(0.050)
    if y < 0:
        raise ValueError(f"negative power {y}")
    return x**y


def power_of_two(y):
    return power(2, y)


def show_sum(results):
    print(f"{PARENT} callback in pid {os.getpid()}: sum of the results = {sum(results)}")


def show_error(error):
    print(f"{PARENT} error_callback in pid {os.getpid()}: {error}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-j", "--workers", type=int, default=len(os.sched_getaffinity(0)))
    workers = p.parse_args().workers
    pairs = [(2, 1), (2, 2), (2, 3), (3, 2), (5, 0), (10, 3)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        print(f"{PARENT} starmap_async(power, pairs, callback=show_sum, "
              f"error_callback=show_error) on {workers} workers; each task takes 50 ms")
        r = pool.starmap_async(power, pairs, callback=show_sum, error_callback=show_error)
        try:
            r.get(timeout=0.01)
        except multiprocessing.TimeoutError:
            print(f"{PARENT} r.get(timeout=0.01): TimeoutError; r.ready(): {str(r.ready()).lower()}")
        results = r.get()
        print(f"{PARENT} r.get() = {results}")
        print(f"{PARENT} r.successful(): {str(r.successful()).lower()}")
        print(f"{PARENT} map_async(power_of_two, [1, 2, -3, 4], chunksize=1, "
              "error_callback=show_error)")
        r = pool.map_async(power_of_two, [1, 2, -3, 4], chunksize=1, error_callback=show_error)
        r.wait()
        print(f"{PARENT} r.wait() returned; r.ready(): {str(r.ready()).lower()}, "
              f"r.successful(): {str(r.successful()).lower()}")


if __name__ == "__main__":
    main()
