#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""3_mpi_pi.py - the Python mirror of 3_mpi_pi.c: Monte Carlo pi with MPI ranks,
through mpi4py (not in the standard library: apt-get install python3-mpi4py,
or pip install mpi4py).

Usage: mpirun -np R python3 3_mpi_pi.py [-n DARTS] [--seed S] [--csv] [-q]

Rank 0 parses the options and broadcasts them (comm.bcast), each rank throws
its contiguous range of 100000-dart blocks (block k from stream k, the C
library's generator in pure Python: common/python/forklore_rng.py, as in 08),
comm.reduce sums the hits on rank 0, comm.gather brings each rank's report.
The same seed and darts give the same hits and estimate as the C program and
as chapter 08, only about a hundred times slower: hence -n 500K by default.
The busy-machine note of the C program is left out (common/verdict.h);
step 4 mirrors the cost of a reduce.
"""
import argparse
import math
import os
import sys

from mpi4py import MPI   # importing it runs MPI_Init

# common/rng.c's generator, so a seed gives the C program's darts.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_rng import Rng  # noqa: E402 (the path first)

BLOCK_DARTS = 100_000
MAX_DARTS = 10**11


# ---- the kernel: chapter 08's, the same darts in the same order ----------
def throw_darts(rng, darts):
    """Count the darts inside the quarter circle: x then y for each dart."""
    draws = rng.uniforms(2 * darts)   # x, y, x, y, ...
    return sum(x * x + y * y < 1.0 for x, y in zip(draws, draws))


# ---- options: the C program's flags and messages -------------------------
def count(text):
    """-n: 250000, 250K, 1e6 (whole, 1 .. MAX_DARTS), like cli_parse_count."""
    scale = {"k": 10**3, "m": 10**6, "g": 10**9}.get(text[-1:].lower(), 1)
    try:
        value = float(text[:-1] if scale > 1 else text) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a count") from None
    if value != math.floor(value) or not 1 <= value <= MAX_DARTS:
        raise argparse.ArgumentTypeError(f"'{text}' is out of range (1 to {MAX_DARTS})")
    return int(value)


class OneLineParser(argparse.ArgumentParser):
    """Bad input: one line and exit 2, like usage_error() in C."""
    def error(self, message):
        print(f"{self.prog}: {message} (try '{self.prog} --help')", file=sys.stderr)
        sys.exit(2)


def parse_options(argv):
    parser = OneLineParser(
        prog="3_mpi_pi.py", usage="mpirun -np R %(prog)s [-n DARTS] [--seed S] [--csv] [-q]",
        description="Estimate pi with DARTS random darts thrown by R MPI ranks.")
    parser.add_argument("-n", type=count, default=500_000, metavar="DARTS",
                        help="darts in all (default 500K)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--csv", action="store_true",
                        help="print 'workers,darts,seconds,estimate,error' and one line")
    parser.add_argument("-q", "--quiet", action="store_true", help="the summary line only")
    return parser.parse_args(argv)


def main():
    comm = MPI.COMM_WORLD
    rank, ranks = comm.Get_rank(), comm.Get_size()

    # Rank 0 parses; argparse ends bad input (and --help) with SystemExit,
    # which rank 0 catches to broadcast the verdict before leaving: the
    # other ranks wait for it in comm.bcast.
    verdict, opts = None, None
    if rank == 0:
        try:
            opts = parse_options(sys.argv[1:])
        except SystemExit as stop:
            verdict = stop.code if isinstance(stop.code, int) else 2
    verdict = comm.bcast(verdict, root=0)
    if verdict is not None:
        sys.exit(verdict)
    darts, seed = comm.bcast((opts.n, opts.seed) if rank == 0 else None, root=0)

    blocks = (darts + BLOCK_DARTS - 1) // BLOCK_DARTS
    first, end = blocks * rank // ranks, blocks * (rank + 1) // ranks

    comm.Barrier()
    t0 = MPI.Wtime()
    stream = Rng(seed, stream=first)   # the seed, jumped once per block before ours
    hits = my_darts = 0
    for k in range(first, end):
        block_darts = BLOCK_DARTS if k + 1 < blocks else darts - k * BLOCK_DARTS
        hits += throw_darts(stream.copy(), block_darts)   # a copy to advance
        my_darts += block_darts
        stream.jump()
    my_seconds = MPI.Wtime() - t0

    inside = comm.reduce(hits, op=MPI.SUM, root=0)   # None on other ranks
    seconds = MPI.Wtime() - t0
    reports = comm.gather((os.getpid(), MPI.Get_processor_name(), darts, first,
                           end - first, my_darts, my_seconds), root=0)
    if rank != 0:
        return

    estimate = 4.0 * inside / darts
    error = abs(estimate - math.pi)
    p = math.pi / 4
    std_error = 4.0 * math.sqrt(p * (1 - p) / darts)
    s = "" if ranks == 1 else "s"
    me = os.getpid()
    if opts.csv:
        print("workers,darts,seconds,estimate,error")
        print(f"{ranks},{darts},{seconds:.6f},{estimate:.10f},{error:.10f}")
        return
    if not opts.quiet:
        print(f"[rank 0 pid {me}] pi by Monte Carlo with MPI: {darts} darts, "
              f"{ranks} rank{s}, seed {seed}; {blocks} blocks of up to {BLOCK_DARTS} darts, "
              "block k from stream k")
        print("== the ranks: where each ran (MPI_Get_processor_name), what it threw ==")
        for r, (pid, host, got, r_first, r_blocks, r_darts, r_seconds) in enumerate(reports):
            if r_blocks == 0:
                share = "no blocks to throw"
            elif r_blocks == 1:
                share = f"block {r_first}, {r_darts} darts in {r_seconds:.3f} s"
            else:
                share = (f"blocks {r_first} to {r_first + r_blocks - 1}, "
                         f"{r_darts} darts in {r_seconds:.3f} s")
            print(f"[rank 0 pid {me}] rank {r} (pid {pid} on host {host}): got -n {got}; {share}")
        print("== result (MPI_Reduce summed the hits on rank 0) ==")
        print(f"[rank 0 pid {me}] {inside} of {darts} darts inside: pi ~ {estimate:.7f}")
        print(f"[rank 0 pid {me}] error {error:.7f} = {error / std_error:.2f} standard "
              f"errors (one standard error: {std_error:.7f})")
        print(f"[rank 0 pid {me}] {seconds:.3f} s, {darts / seconds / 1e6:.1f} million "
              f"darts/s with {ranks} rank{s}")
    print(f"3_mpi_pi.py: pi ~ {estimate:.7f} (error {error:.7f}) from {darts} darts "
          f"in {seconds:.3f} s with {ranks} rank{s}")


if __name__ == "__main__":
    main()
