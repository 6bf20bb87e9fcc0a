/* SPDX-License-Identifier: MIT */
/*
 * pi_steps.h - what steps 2 to 4 of chapter 08 share (read with step 3,
 * 3_block_streams.c): the command line (opts.h), the kernel, the plan of blocks and
 * random streams, the pool's task, a map that stops cleanly, the estimate.
 *
 *     struct pi_options o = {.accepts = "jnswcq", .about = "...", .examples = "-j 2"};
 *     pi_parse(argc, argv, &o);
 *     struct block *blocks = plan_blocks(o.seed, pi_total(&o), &tasks);
 */
#ifndef FORKLORE_PI_STEPS_H
#define FORKLORE_PI_STEPS_H

#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "cpus.h"
#include "darts.h" /* throw_darts: the kernel */
#include "interrupt.h"
#include "pool.h"
#include "report.h"
#include "rng.h"

/* Darts per block: small enough that blocks even out over any worker count
 * (and that the Python mirror can throw a few), large enough that a block
 * (about a millisecond) dwarfs the cost of sending it to a worker. */
#define BLOCK_DARTS 100000u
#define MAX_DARTS   100000000000LL /* 10^11: ten minutes or so on one core */

/* A step lists the options it takes in `accepts`: j -j W, n -n DARTS,
 * s --seed S, w --weak, c --csv, q -q, f --serial-fraction F, k --crash-task
 * K; pi_parse gives opts.h (the one parser) the table of those. */
struct pi_options {
    const char *accepts, *about, *examples; /* examples: as OPTS_END's */
    int workers;
    long long darts; /* -n: in all, or per worker with --weak */
    uint64_t seed;
    bool weak, csv, quiet;
    double serial_fraction;
    long long crash_task; /* block K kills its worker; -1: none */
};

static inline void pi_parse(int argc, char **argv, struct pi_options *o)
{
    long long workers = cpus_for_pool(), seed = 1;
    struct flag_real fraction = {0, 0, 1, true};
    o->darts = 100000000, o->crash_task = -1;
    const struct flag all[] = {
        FLAG_WORKERS(&workers, "worker processes (default: usable CPUs)"),
        FLAG_N(&o->darts, 1, MAX_DARTS, "darts in all (default 100M; 1e9, 250M, 2G work)"),
        {0, FLAG_INT, "seed", "S", "random seed (default 1)", 0, INT64_MAX, &seed},
        {0, FLAG_REAL, "serial-fraction", "F",
         "the parent throws fraction F (0 <= F < 1)\nof the 1-worker run alone first (Amdahl)", 0,
         0, &fraction},
        {0, FLAG_SWITCH, "weak", NULL, "-n is darts per worker (weak scaling)", 0, 0, &o->weak},
        {0, FLAG_SWITCH, "csv", NULL,
         "print 'workers,darts,seconds,estimate,error'\nand one line of values", 0, 0, &o->csv},
        {0, FLAG_INT, "crash-task", "K", "block K kills its worker with SIGKILL (exit 1)", 0,
         MAX_DARTS, &o->crash_task},
        FLAG_QUIET(&o->quiet, "print the summary line only"),
    };
    struct flag flags[sizeof all / sizeof all[0] + 1];
    size_t n = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) /* jnsfwckq, in that order */
        if (strchr(o->accepts, "jnsfwckq"[i]) != NULL)
            flags[n++] = all[i];
    flags[n] = (struct flag)OPTS_END_EXITS(o->examples, OPTS_EXITS_INTERRUPT);
    opts_parse(argc, argv, NULL, o->about, flags);
    o->workers = (int)workers, o->seed = (uint64_t)seed, o->serial_fraction = fraction.value;
    if (o->weak && o->darts * o->workers > MAX_DARTS)
        usage_error("invalid value '%lld' for -n: with --weak, %lld darts x %d workers is more "
                    "than %lld",
                    o->darts, o->darts, o->workers, MAX_DARTS);
}

/* Strong scaling: -n darts shared by the workers. Weak scaling (Gustafson):
 * each worker brings its own -n darts, so the job grows with them. */
static inline uint64_t pi_total(const struct pi_options *o)
{
    return (uint64_t)o->darts * (o->weak ? (uint64_t)o->workers : 1u);
}

/* One task: where a block's random numbers start, and how many darts. The
 * generator state travels as bytes: it is plain numbers. */
struct block {
    struct rng start;
    uint64_t darts;
};

/* The plan: block k starts at stream k, the seed jumped k times (2^128 steps
 * each), so no two blocks share a number, whoever throws them. One jump per
 * block as we walk (rng_stream(seed, k) from scratch: k^2/2 jumps in all). */
static inline struct block *plan_blocks(uint64_t seed, uint64_t total, size_t *tasks)
{
    *tasks = (size_t)((total + BLOCK_DARTS - 1) / BLOCK_DARTS);
    struct block *blocks = malloc(*tasks * sizeof *blocks);
    if (blocks == NULL)
        die("malloc");
    struct rng r;
    rng_seed(&r, seed);
    for (size_t k = 0; k < *tasks; k++) {
        blocks[k].start = r;
        blocks[k].darts = k + 1 < *tasks ? BLOCK_DARTS : total - (uint64_t)k * BLOCK_DARTS;
        rng_jump(&r);
    }
    return blocks;
}

/* The task, in a worker: Python's  def throw(block): ...  task->udata, if
 * set, points to --crash-task K (the worker got a copy at fork): block K's
 * worker dies as the OOM killer would kill it. */
static inline int throw_block(const void *arg, void *result, struct pool_task *task)
{
    const long long *crash_task = task->udata;
    if (crash_task != NULL && (long long)task->index == *crash_task)
        raise(SIGKILL);
    struct block b = *(const struct block *)arg; /* a copy we may advance */
    *(uint64_t *)result = throw_darts(&b.start, b.darts);
    return 0;
}

/* pool_map of the blocks (chunksize 1: each block a task, so the work evens
 * out for any worker count). On failure: a worker lost (one line, exit 1),
 * or Ctrl-C/kill (every worker stopped and reaped, then die of the signal). */
static inline void map_or_stop(struct pool *pool, const struct block *blocks, size_t tasks,
                               uint64_t *hits, struct pool_map_options *mo)
{
    mo->chunksize = 1;
    if (pool_map(pool, throw_block, blocks, tasks, sizeof *blocks, hits, sizeof *hits, mo) == 0)
        return;
    bool interrupted = interrupt_requested();
    if (!interrupted)
        fprintf(stderr, "%s: map failed: %s\n", report_program(), pool_last_failure(pool)->message);
    pool_terminate(pool);
    pool_destroy(pool);
    if (interrupted)
        interrupt_exit(); /* status 130/143 */
    exit(1);
}

/* --csv: the header and one line, the columns speedup.sh reads. */
static inline void print_csv(int workers, uint64_t total, double seconds, uint64_t inside)
{
    double estimate = 4.0 * (double)inside / (double)total;
    printf("workers,darts,seconds,estimate,error\n");
    printf("%d,%" PRIu64 ",%.6f,%.10f,%.10f\n", workers, total, seconds, estimate,
           fabs(estimate - M_PI));
}

/* The result lines. A dart is inside with probability p = pi/4, so the
 * estimate 4 x hits/darts has standard deviation 4 sqrt(p (1 - p) / darts). */
static inline double print_estimate(long me, uint64_t inside, uint64_t total)
{
    double estimate = 4.0 * (double)inside / (double)total, error = fabs(estimate - M_PI);
    double std_error = 4.0 * sqrt(M_PI / 4 * (1 - M_PI / 4) / (double)total);
    printf("[parent %ld] %" PRIu64 " of %" PRIu64 " darts inside: pi ~ %.7f\n", me, inside, total,
           estimate);
    printf("[parent %ld] error %.7f = %.2f standard errors (one standard error: %.7f)\n", me, error,
           error / std_error, std_error);
    return estimate;
}

#endif
