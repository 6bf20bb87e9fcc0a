#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""6_word_count.py - the Python of 6_word_count.c: map, then reduce, a word
count over generated files (the same files, from the same generator).

Usage: python3 6_word_count.py [-j N] [--files F] [--seed S]
"""
import os
import shutil
import signal
import sys
import tempfile
from collections import Counter

from _steps import PARENT, in_range, mp, parser
from forklore_rng import Rng

VOCABULARY = ["fork", "exec", "wait", "pipe", "signal", "queue", "pool", "map",
              "chunk", "worker", "parent", "child", "reap", "zombie", "kernel", "pid"]


def count_file(path):
    with open(path, "rb") as f:
        data = f.read()
    words = data.decode().split()
    counts = Counter(w for w in words if w in VOCABULARY)
    return data.count(b"\n"), len(words), len(data), counts, os.getpid()


def write_text_file(path, rng):
    words = 3000 + rng.below(3000)
    parts = []
    for w in range(words):
        parts.append(VOCABULARY[rng.below(len(VOCABULARY))])
        parts.append("\n" if w + 1 == words or rng.below(10) == 0 else " ")
    with open(path, "w") as f:
        f.write("".join(parts))


def report(paths, results):
    numbers, total = {}, Counter()
    lines = words = size = 0
    for path, (nl, nw, nb, counts, pid) in zip(paths, results):
        w = numbers.setdefault(pid, len(numbers))
        print(f"  {os.path.basename(path)}: {nl:5d} lines {nw:6d} words {nb:7d} bytes  (worker {w})")
        lines, words, size = lines + nl, words + nw, size + nb  # the reduce
        total += counts
    print(f"totals: {len(paths)} files, {lines} lines, {words} words, {size} bytes")
    top = sorted(VOCABULARY, key=lambda v: (-total[v], VOCABULARY.index(v)))[:3]
    print("top words: " + ", ".join(f"{v} {total[v]}" for v in top))
    serial = [count_file(p)[:4] for p in paths]
    return (sum(r[0] for r in serial), sum(r[1] for r in serial), sum(r[2] for r in serial),
            sum((r[3] for r in serial), Counter())) == (lines, words, size, total)


def main():
    p = parser(__doc__)
    p.add_argument("--files", type=in_range(int, 1, 10000), default=8)
    p.add_argument("--seed", type=in_range(int, 0, 2**63 - 1), default=1)
    args = p.parse_args()
    # SIGTERM ends the program through the finally: below, as Ctrl-C does
    # (KeyboardInterrupt). The workers go back to the default: die.
    signal.signal(signal.SIGTERM, lambda signo, frame: sys.exit(128 + signo))
    directory = tempfile.mkdtemp(prefix="pool_map.")
    try:
        rng = Rng(args.seed)
        paths = [os.path.join(directory, f"text-{i:02d}.txt") for i in range(args.files)]
        for path in paths:
            write_text_file(path, rng)
        print(f"{PARENT} wrote {args.files} files to a temporary directory:\n{PARENT}   {directory}")
        with mp.Pool(args.workers, initializer=signal.signal,
                     initargs=(signal.SIGTERM, signal.SIG_DFL)) as pool:
            results = pool.map(count_file, paths, chunksize=1)  # the map
        agree = report(paths, results)
        print(f"{PARENT} a serial count in the parent agrees: {'yes' if agree else 'NO'}")
    finally:
        shutil.rmtree(directory)
    print(f"{PARENT} removed the temporary directory")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
