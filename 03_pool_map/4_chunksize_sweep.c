/* SPDX-License-Identifier: MIT */
/*
 * 4_chunksize_sweep.c - what a chunk costs: pool.map(square, range(n),
 * chunksize=c) for c = 1, 2, 4, ... n / workers and Python's rule, each
 * the best of 3 runs; -q: one map, one line (what make compare times).
 * Usage: 4_chunksize_sweep [-j N] [-n N] [-q [--chunksize C]]
 * Look for: a chunk is a message each way, so chunksize 1 is the slowest by
 * far; past a few hundred items the messages no longer matter. make plots
 * draws the table with a cost model (03_pool_map/sweep.gp).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "pool.h"
#include "report.h"
#include "team.h"
#include "timing.h"
#include "verdict.h"

#define RUNS 3 /* per chunksize: the best of 3 */

/* def square(x): return x * x. 32-bit items (every byte is copied to a
 * worker); the sum of the squares wraps modulo 2^64 (Python: % 2**64). */
static int square(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    uint64_t x = *(const uint32_t *)arg;
    *(uint64_t *)result = x * x;
    return 0;
}

static uint64_t checksum(const uint64_t *v, size_t n)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    return sum;
}

/* The map of this program: pool.map(square, range(n)) into out. */
static struct pool *pool;
static uint32_t *in;
static uint64_t *out;
static size_t n;

static double timed_map(size_t chunksize)
{
    double t0 = timing_now();
    if (pool_map(pool, square, in, n, sizeof *in, out, sizeof *out,
                 &(struct pool_map_options){.chunksize = chunksize}) != 0)
        die_msg("map failed: %s", pool_last_failure(pool)->message);
    return timing_now() - t0;
}

/* 1, 2, 4, ... below n / workers, then n / workers, and Python's rule. */
static size_t chunksizes(int workers, size_t *sizes)
{
    size_t largest = (n + (size_t)workers - 1) / (size_t)workers, count = 0;
    size_t automatic = pool_default_chunksize(n, workers);
    for (size_t c = 1; c <= largest; c = c * 2 < largest || c == largest ? c * 2 : largest) {
        if (count > 0 && sizes[count - 1] < automatic && automatic < c)
            sizes[count++] = automatic;
        sizes[count++] = c;
    }
    return count;
}

/* A row per chunksize, best of RUNS (best[k]); true if all maps agree. */
static bool sweep_table(size_t automatic, const size_t *sizes, size_t count, double *best)
{
    uint64_t expected = checksum(out, n);
    bool same = true;
    printf("chunksize    chunks     seconds     items/s\n");
    for (size_t k = 0; k < count; k++) {
        for (int run = 0; run < RUNS; run++) {
            double t = timed_map(sizes[k]);
            best[k] = run == 0 || t < best[k] ? t : best[k];
            same = same && checksum(out, n) == expected;
        }
        printf("%9zu %9zu %11.6f %11.0f%s\n", sizes[k], (n + sizes[k] - 1) / sizes[k], best[k],
               (double)n / best[k], sizes[k] == automatic ? "   <- Python's rule" : "");
    }
    return same;
}

/* The table, then chunksize 1 and Python's rule, each against the fastest. */
static bool sweep(int workers)
{
    long me = (long)getpid();
    printf("[parent %ld] map(square, range(%zu)) on %d workers, best of %d runs each; each "
           "chunk is one message to a worker and one back, square costs nanoseconds\n",
           me, n, workers, RUNS);
    timed_map(0); /* unmeasured: the first touch of memory, the first messages */
    size_t sizes[80] = {0}, count = chunksizes(workers, sizes), f = 0, a = 0;
    size_t automatic = pool_default_chunksize(n, workers);
    double best[80] = {0};
    bool same = sweep_table(automatic, sizes, count, best);
    for (size_t k = 0; k < count; k++)
        f = best[k] < best[f] ? k : f, a = sizes[k] == automatic ? k : a;
    printf("[parent %ld] chunksize 1 against the fastest, chunksize %zu: %.6f s against %.6f s "
           "(%.0fx): %s\n",
           me, sizes[f], best[0], best[f], best[0] / best[f],
           verdict_compare(best[0], best[f], "bigger chunks are faster", "chunksize 1 is faster"));
    printf("[parent %ld] Python's rule, chunksize %zu, against the fastest: %.6f s against %.6f s: "
           "%s\n",
           me, automatic, best[a], best[f],
           a == f ? "Python's rule was the fastest"
                  : verdict_compare(best[a], best[f], "the fastest beat Python's rule",
                                    "Python's rule is faster"));
    printf("[parent %ld] every chunksize gave the same results: %s\n", me, same ? "yes" : "NO");
    team_print_busy(); /* "[parent P] this machine is busy ...", or nothing */
    return same;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long workers = cpus_for_pool(), items = 200000, chunksize = 0;
    bool quiet = false;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "workers (default: CPUs)"),
        {'n', FLAG_COUNT, NULL, "N", "items (default 200000; 2M, 2e6 work)", 1, 50000000, &items},
        FLAG_QUIET(&quiet, "one map, one line: count, checksum"),
        {0, FLAG_COUNT, "chunksize", "C", "with -q (default: Python's rule)", 1, 50000000,
         &chunksize},
        OPTS_END("-j 2 -n 2M\n-q --chunksize 100"),
    };
    opts_parse(argc, argv, "[-j N] [-n N] [-q [--chunksize C]]",
               "Pool.map(square, range(n)) timed for chunksizes 1, 2, 4, ...", flags);
    fflush(stdout); /* the pool first: fork is cheaper before the arrays exist */
    pool = pool_create(&(struct pool_options){.workers = (int)workers});
    n = (size_t)items;
    if (pool == NULL)
        die("pool_create");
    in = malloc(n * sizeof *in);
    out = malloc(n * sizeof *out);
    if (in == NULL || out == NULL)
        die("malloc");
    for (size_t i = 0; i < n; i++)
        in[i] = (uint32_t)i;
    bool ok = true;
    if (quiet) {
        timed_map((size_t)chunksize);
        printf("map(square, range(%zu)): %zu items, checksum %llu\n", n, n,
               (unsigned long long)checksum(out, n));
    } else
        ok = sweep((int)workers);
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
    free(in);
    free(out);
    return ok ? 0 : 1;
}
