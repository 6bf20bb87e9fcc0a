#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""2_mpi_pi_reduce.py - the mirror of 2_mpi_pi_reduce.c: rank 0 decides the
job and broadcasts it, each rank throws its blocks, comm.reduce sums the hits.

Usage: mpirun -np R python3 2_mpi_pi_reduce.py   (needs mpi4py)
The C library's generator in pure Python (common/python/forklore_rng.py), so
the same hits as C, about a hundred times slower: 500K darts here, not 20M
(the C program's hits for 500K: mpirun -np R 3_mpi_pi -n 500K).
"""
import os
import sys

from mpi4py import MPI

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_rng import Rng  # noqa: E402 (the path first)

BLOCK_DARTS = 100_000


def throw_darts(rng, darts):
    """Chapter 08's kernel: x then y for each dart, count those inside."""
    draws = rng.uniforms(2 * darts)
    return sum(x * x + y * y < 1.0 for x, y in zip(draws, draws))


def throw_share(darts, seed, rank, ranks):
    """This rank's contiguous blocks: (first, blocks, hits, darts thrown)."""
    all_blocks = (darts + BLOCK_DARTS - 1) // BLOCK_DARTS
    first, end = all_blocks * rank // ranks, all_blocks * (rank + 1) // ranks
    stream = Rng(seed, stream=first)      # the seed, jumped once per block before ours
    hits = thrown = 0
    for k in range(first, end):
        block = BLOCK_DARTS if k + 1 < all_blocks else darts - k * BLOCK_DARTS
        hits += throw_darts(stream.copy(), block)
        thrown += block
        stream.jump()
    return first, end - first, hits, thrown


def main():
    comm = MPI.COMM_WORLD
    rank, ranks = comm.Get_rank(), comm.Get_size()
    darts, seed = comm.bcast((500_000, 1) if rank == 0 else None, root=0)
    first, blocks, hits, thrown = throw_share(darts, seed, rank, ranks)
    line = (f"[rank {rank} pid {os.getpid()}] blocks {first} to {first + blocks - 1}: "
            f"{hits} of {thrown} darts inside")
    os.write(1, (line + "\n").encode())  # one write(): never spliced with another rank's line
    inside = comm.reduce(hits, op=MPI.SUM, root=0)    # None on the other ranks
    if rank == 0:
        print(f"[rank 0 pid {os.getpid()}] MPI_Reduce: {inside} of {darts} darts inside, "
              f"from {ranks} rank{'' if ranks == 1 else 's'}: pi ~ {4 * inside / darts:.7f}")


if __name__ == "__main__":
    main()
