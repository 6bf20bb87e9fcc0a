/* SPDX-License-Identifier: MIT */
/*
 * 4_mpi_reduce_cost.c - what communication costs next to the work: time the
 * work of one rank, then one MPI_Reduce of 8 bytes (the median of 101), and
 * say below how much work per rank the reduce would cost a tenth of it.
 *
 * Python: comm.Barrier(); t0 = MPI.Wtime(); comm.reduce(hits, op=MPI.SUM)
 * Usage: mpirun -np R 4_mpi_reduce_cost   (20M darts, seed 1: fixed)
 * Look for: a reduce of a microsecond or so against a tenth of a second of
 * work: for this job the communication is negligible.
 */
#include <inttypes.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mpi_blocks.h"
#include "verdict.h"

enum { ROUNDS = 101 };
#define DARTS 20000000u

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median time of ROUNDS reduces of the same 8 bytes, each started
 * together (after a barrier). The median, because on a busy machine a few
 * of them wait for a rank that lost its CPU. The sums are thrown away. */
static double reduce_seconds(uint64_t hits)
{
    double t[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t sink;
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        MPI_Reduce(&hits, &sink, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
        t[i] = MPI_Wtime() - t0;
    }
    qsort(t, ROUNDS, sizeof t[0], compare_doubles);
    return t[ROUNDS / 2];
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, ranks;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);

    struct share s = share_of(DARTS, rank, ranks);
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    uint64_t hits = throw_share(&s, 1), inside = 0;
    MPI_Reduce(&hits, &inside, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    double work = MPI_Wtime() - t0; /* on rank 0: the slowest rank's work */
    double reduce = reduce_seconds(hits);

    if (rank == 0) {
        long me = (long)getpid();
        double rank_rate = (double)DARTS / work / ranks; /* darts/s of one rank */
        printf("[rank 0 pid %ld] %u darts on %d rank%s: %" PRIu64 " inside\n", me, DARTS, ranks,
               ranks == 1 ? "" : "s", inside);
        printf("[rank 0 pid %ld] one MPI_Reduce of 8 bytes: %.1f us (median of %d); "
               "the work of one rank: %.3f s\n",
               me, reduce * 1e6, ROUNDS, work);
        /* Efficiency stays near 0.9 or better while the reduce costs under
         * a tenth of the work of one rank. */
        printf("[rank 0 pid %ld] the reduce would cost 10 %% of the work below about %.0f darts "
               "per rank\n",
               me, 10 * reduce * rank_rate);
        verdict_print_busy(stdout, "[rank 0] ");
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return 0;
}
