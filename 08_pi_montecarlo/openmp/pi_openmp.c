/* SPDX-License-Identifier: MIT */
/*
 * pi_openmp.c - the same Monte Carlo pi as 4_pi_timed.c, with OpenMP
 * threads sharing one address space instead of a pool of processes, so the
 * two can be compared: same kernel, same blocks, same random streams.
 *
 * Usage: OMP_NUM_THREADS=T pi_openmp [-n DARTS] [--seed S]
 *
 * Prints the same two CSV lines as `4_pi_timed --csv` (the first column
 * is the thread count), with the same estimate for the same seed and darts.
 * Not built by the Makefile (it needs -fopenmp): bench.sh builds it.
 */
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "darts.h" /* throw_darts: the kernel of pi_steps.h */
#include "opts.h"
#include "report.h"
#include "rng.h"
#include "timing.h"

#define BLOCK_DARTS 100000u
#define MAX_DARTS   100000000000LL

/* -n DARTS and --seed S, checked as in chapter 08 (opts.h); bad input: exit 2. */
static void parse_options(int argc, char **argv, long long *darts, uint64_t *seed)
{
    long long s = 1;
    const struct flag flags[] = {
        FLAG_N(darts, 1, MAX_DARTS, "darts in all (default 100M)"),
        {0, FLAG_INT, "seed", "S", "random seed (default 1)", 0, INT64_MAX, &s},
        OPTS_END("-n 1e9\n--seed 7"),
    };
    opts_parse(argc, argv, "[-n DARTS] [--seed S]   (threads: OMP_NUM_THREADS=T)",
               "Chapter 08's pi with OpenMP threads: the same blocks, the same estimate.", flags);
    *seed = (uint64_t)s;
}

int main(int argc, char **argv)
{
    long long darts = 100000000;
    uint64_t seed = 1;
    parse_options(argc, argv, &darts, &seed);

    /* The same plan as 4_pi_timed: block k starts at stream k. */
    size_t blocks = (size_t)(((uint64_t)darts + BLOCK_DARTS - 1) / BLOCK_DARTS);
    struct rng *start = malloc(blocks * sizeof *start);
    if (start == NULL)
        die("malloc");
    struct rng r;
    rng_seed(&r, seed);
    for (size_t k = 0; k < blocks; k++) {
        start[k] = r;
        rng_jump(&r);
    }

    /* The parallel for: threads take blocks one at a time, like the pool
     * with chunksize 1; the reduction sums each thread's hits at the end. */
    uint64_t inside = 0;
    double t0 = timing_now();
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : inside)
    for (size_t k = 0; k < blocks; k++) {
        uint64_t n = k + 1 < blocks ? BLOCK_DARTS : (uint64_t)darts - (uint64_t)k * BLOCK_DARTS;
        /* A private copy of the block's generator: advancing start[k] in
         * place would write, every dart, to a cache line that the thread on
         * block k + 1 writes too (32-byte states, 64-byte lines). That
         * false sharing made 2 threads slower than 1. Processes cannot
         * fall into it: each worker has its own copy of everything. */
        struct rng own = start[k];
        inside += throw_darts(&own, n);
    }
    double seconds = timing_now() - t0;

    double estimate = 4.0 * (double)inside / (double)darts;
    printf("threads,darts,seconds,estimate,error\n");
    printf("%d,%lld,%.6f,%.10f,%.10f\n", omp_get_max_threads(), darts, seconds, estimate,
           fabs(estimate - M_PI));
    free(start);
    return 0;
}
