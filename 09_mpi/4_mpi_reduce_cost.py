#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""4_mpi_reduce_cost.py - the mirror of 4_mpi_reduce_cost.c: the work of one
rank against one reduce of a number (the median of 101).

Usage: mpirun -np R python3 4_mpi_reduce_cost.py   (needs mpi4py)
500K darts (pure Python is slow). comm.reduce pickles a Python int: the time
printed is mpi4py's, a few times the C program's MPI_Reduce of 8 bytes.
"""
import os
import statistics
import sys

from mpi4py import MPI

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module  # noqa: E402

step2 = import_module("2_mpi_pi_reduce")   # the kernel and the shares of step 2
DARTS, ROUNDS = 500_000, 101


def reduce_seconds(comm, hits):
    """The median of ROUNDS reduces, each started together (after a barrier)."""
    times = []
    for _ in range(ROUNDS):
        comm.Barrier()
        t0 = MPI.Wtime()
        comm.reduce(hits, op=MPI.SUM, root=0)
        times.append(MPI.Wtime() - t0)
    return statistics.median(times)


def main():
    comm = MPI.COMM_WORLD
    rank, ranks = comm.Get_rank(), comm.Get_size()
    comm.Barrier()
    t0 = MPI.Wtime()
    _, _, hits, _ = step2.throw_share(DARTS, 1, rank, ranks)
    inside = comm.reduce(hits, op=MPI.SUM, root=0)
    work = MPI.Wtime() - t0
    reduce = reduce_seconds(comm, hits)
    if rank == 0:
        me, rank_rate = os.getpid(), DARTS / work / ranks
        print(f"[rank 0 pid {me}] {DARTS} darts on {ranks} rank{'' if ranks == 1 else 's'}: "
              f"{inside} inside")
        print(f"[rank 0 pid {me}] one comm.reduce of an int (pickled): {reduce * 1e6:.1f} us (median of "
              f"{ROUNDS}); the work of one rank: {work:.3f} s")
        print(f"[rank 0 pid {me}] the reduce would cost 10 % of the work below about "
              f"{10 * reduce * rank_rate:.0f} darts per rank")


if __name__ == "__main__":
    main()
