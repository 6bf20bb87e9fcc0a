/* SPDX-License-Identifier: MIT */
/*
 * 2_mpi_pi_reduce.c - Monte Carlo pi with MPI ranks: rank 0 decides the job
 * and broadcasts it (MPI_Bcast), every rank throws its share of the blocks,
 * and MPI_Reduce adds the hits up on rank 0.
 *
 * Python: darts, seed = comm.bcast((20_000_000, 1) if rank == 0 else None)
 *         inside = comm.reduce(hits, op=MPI.SUM, root=0)
 * Usage: mpirun -np R 2_mpi_pi_reduce   (20M darts, seed 1: fixed)
 * Look for: the hits and the estimate are chapter 08's for 20M darts
 * (15707355 inside), with 1, 2 or 3 ranks: the blocks choose the darts.
 */
#include <inttypes.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <unistd.h>

#include "mpi_blocks.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, ranks;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);

    /* Only rank 0 decides; the others learn it from the broadcast. Every
     * rank must make the same collective call, or the others wait forever.
     * C says what it sends (type and count); mpi4py's bcast pickles. */
    uint64_t job[2] = {0, 0}; /* darts, seed */
    if (rank == 0) {
        job[0] = 20000000;
        job[1] = 1;
    }
    MPI_Bcast(job, 2, MPI_UINT64_T, 0, MPI_COMM_WORLD);

    struct share s = share_of(job[0], rank, ranks);
    uint64_t hits = throw_share(&s, job[1]);
    printf("[rank %d pid %ld] blocks %" PRIu64 " to %" PRId64 ": %" PRIu64 " of %" PRIu64
           " darts inside\n",
           rank, (long)getpid(), s.first, (int64_t)(s.first + s.blocks) - 1, hits, s.darts);

    /* The sum of every rank's hits, on rank 0 only (the root). */
    uint64_t inside = 0;
    MPI_Reduce(&hits, &inside, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("[rank 0 pid %ld] MPI_Reduce: %" PRIu64 " of %" PRIu64
               " darts inside, from %d rank%s: pi ~ %.7f\n",
               (long)getpid(), inside, job[0], ranks, ranks == 1 ? "" : "s",
               4.0 * (double)inside / (double)job[0]);
    MPI_Finalize();
    return 0;
}
