/* SPDX-License-Identifier: MIT */
/*
 * pi_lab.h - what the three lab exercises of chapter 08 share, so each
 * exercise file is its lesson (header-only; exercises are single files
 * compiled with -Icommon, so a chapter header could not reach them): the
 * command line, the blocks and the kernel, a timed map, the sweep, --times.
 *
 *     struct pi_lab o = {.accepts = "nmrt", .about = "...", .examples = "-n 1M", .max_darts = 1e9};
 *     pi_lab_parse(argc, argv, &o);
 *     double seconds[PI_LAB_MAX_POINTS];
 *     uint64_t inside = pi_lab_sweep(seconds, o.max_workers, o.repeats, o.darts, 0);
 */
#ifndef FORKLORE_PI_LAB_H
#define FORKLORE_PI_LAB_H

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "cpus.h"
#include "darts.h"
#include "pool.h"
#include "report.h"
#include "rng.h"
#include "timing.h"

#define BLOCK_DARTS       100000u /* darts per block, as in the chapter */
#define PI_LAB_MAX_POINTS 64      /* worker counts in a sweep (and in --times) */

/* The options an exercise takes, listed in `accepts`: j -j W, n -n DARTS,
 * s --seed S, f --serial-fraction F, m --max-workers W, r --repeats R,
 * c --cpus P, e --min-efficiency E, t --times T1,T2,... Set the defaults
 * max_darts (the largest -n) before pi_lab_parse; -n defaults to 10M. */
struct pi_lab {
    const char *accepts, *about, *examples; /* examples: as OPTS_END's */
    int workers, max_workers, repeats, cpus;
    long long darts, max_darts;
    uint64_t seed;
    double serial_fraction, min_efficiency;
    const char *times;
};

/* The exercise's table for opts.h (the one parser): the entries of the
 * options in `accepts`, in the order jnsfmrcet. */
static inline void pi_lab_parse(int argc, char **argv, struct pi_lab *o)
{
    long long workers = cpus_for_pool(), seed = 1, repeats = 3, cpus = cpus_usable(), most;
    most = pool_max_workers() < PI_LAB_MAX_POINTS ? pool_max_workers() : PI_LAB_MAX_POINTS;
    long long max_workers = 2 * cpus < PI_LAB_MAX_POINTS ? 2 * cpus : PI_LAB_MAX_POINTS;
    struct flag_real fraction = {0, 0, 0.95, false}, efficiency = {0.8, 0, 1, false};
    o->darts = 10000000, o->times = NULL;
    const struct flag all[] = {
        FLAG_WORKERS(&workers, "worker processes (default: usable CPUs)"),
        FLAG_N(&o->darts, 1, o->max_darts, "darts per run (default 10M; K, M, 1e6 accepted)"),
        {0, FLAG_INT, "seed", "S", "random seed (default 1)", 0, INT64_MAX, &seed},
        {0, FLAG_REAL, "serial-fraction", "F",
         "the parent throws fraction F of the 1-worker run\nalone first (0 <= F <= 0.95, default 0)",
         0, 0, &fraction},
        {0, FLAG_INT, "max-workers", "W", "sweep 1 .. W workers (default: twice the usable CPUs)",
         1, most, &max_workers},
        {0, FLAG_INT, "repeats", "R", "runs per worker count, the fastest kept (default 3)", 1, 100,
         &repeats},
        {0, FLAG_INT, "cpus", "P", "CPUs the runs had (default: the usable CPUs)", 1, 4096, &cpus},
        {0, FLAG_REAL, "min-efficiency", "E", "the least efficiency you accept (default 0.8)", 0, 0,
         &efficiency},
        {0, FLAG_TEXT, "times", "T1,T2,..", "measure nothing: the seconds for 1, 2, ... workers", 0,
         0, &o->times},
    };
    struct flag flags[sizeof all / sizeof all[0] + 1];
    size_t n = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strchr(o->accepts, "jnsfmrcet"[i]) != NULL)
            flags[n++] = all[i];
    flags[n] = (struct flag)OPTS_END(o->examples);
    opts_parse(argc, argv, NULL, o->about, flags);
    o->workers = (int)workers, o->seed = (uint64_t)seed, o->repeats = (int)repeats;
    o->cpus = (int)cpus, o->max_workers = (int)max_workers;
    o->serial_fraction = fraction.value, o->min_efficiency = efficiency.value;
}

/* One task: where a block's random numbers start, and how many darts. */
struct block {
    struct rng start;
    uint64_t darts;
};

/* The task, in a worker: one block's hits. */
static inline int pi_lab_throw_block(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    struct block b = *(const struct block *)arg; /* a copy we may advance */
    *(uint64_t *)result = throw_darts(&b.start, b.darts);
    return 0;
}

/* Pool(W).map(throw, blocks, chunksize=1), after `serial_darts` thrown by
 * the parent alone (the serial part, 08.3), timed from the serial darts to
 * the end of the map (the pool's start is not timed, as in the chapter).
 * Returns the hits; *seconds gets the time. */
static inline uint64_t pi_lab_map(int workers, const struct block *blocks, size_t tasks,
                                  uint64_t serial_darts, double *seconds)
{
    uint64_t *hits = malloc(tasks * sizeof *hits), inside = 0;
    fflush(stdout); /* the workers are forked with a copy of the buffer */
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL || hits == NULL)
        die("pool_create or malloc");
    double t0 = timing_now();
    struct rng serial;
    rng_seed(&serial, 0x5e71a1u);
    /* work for the clock, the result discarded; volatile, or the compiler
     * drops the arithmetic nobody reads (see the chapter's pitfalls) */
    volatile uint64_t discarded = throw_darts(&serial, serial_darts);
    (void)discarded;
    if (pool_map(pool, pi_lab_throw_block, blocks, tasks, sizeof *blocks, hits, sizeof *hits,
                 &(struct pool_map_options){.chunksize = 1}) != 0)
        die_msg("map failed: %s", pool_last_failure(pool)->message);
    *seconds = timing_now() - t0;
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
    for (size_t k = 0; k < tasks; k++)
        inside += hits[k];
    free(hits);
    return inside;
}

/* The sweep: `repeats` rounds; in each, W = 1 .. count workers throw the
 * same blocks (block k: stream k of seed 1, as in 08.1). Round by round, so
 * a burst of someone else's work spoils one round, not one worker count.
 * seconds[W - 1]: the fastest run of W. Returns the hits, the same in every
 * run (or the program stops: the runs would not be the same job). */
static inline uint64_t pi_lab_sweep(double *seconds, int count, int repeats, uint64_t darts,
                                    uint64_t serial_darts)
{
    size_t tasks = (size_t)((darts + BLOCK_DARTS - 1) / BLOCK_DARTS);
    struct block *blocks = malloc(tasks * sizeof *blocks);
    if (blocks == NULL)
        die("malloc");
    struct rng r;
    rng_seed(&r, 1);
    for (size_t k = 0; k < tasks; k++) {
        blocks[k].start = r;
        blocks[k].darts = k + 1 < tasks ? BLOCK_DARTS : darts - (uint64_t)k * BLOCK_DARTS;
        rng_jump(&r);
    }
    uint64_t first = 0;
    for (int rep = 0; rep < repeats; rep++)
        for (int i = 0; i < count; i++) {
            double t;
            uint64_t inside = pi_lab_map(i + 1, blocks, tasks, serial_darts, &t);
            if (rep == 0 || t < seconds[i])
                seconds[i] = t;
            if (rep == 0 && i == 0)
                first = inside;
            else if (inside != first)
                die_msg("%d workers found %" PRIu64 " darts inside, 1 worker %" PRIu64
                        ": the runs are not the same job",
                        i + 1, inside, first);
        }
    free(blocks);
    return first;
}

/* --times 1.0,0.52,0.4: one time per worker count, from 1 worker up.
 * Returns how many; checked before any output (one line, exit 2). */
static inline int pi_lab_parse_times(const char *text, double *seconds)
{
    char *copy = strdup(text), *rest = copy;
    if (copy == NULL)
        die("strdup");
    int count = 0;
    for (;;) {
        char *comma = strchr(rest, ',');
        if (comma != NULL)
            *comma = '\0';
        if (count == PI_LAB_MAX_POINTS)
            usage_error("invalid value '%s' for --times: more than %d times", cli_excerpt(text),
                        PI_LAB_MAX_POINTS);
        seconds[count] = cli_parse_real("--times", rest, 0, 1e6, 0);
        if (seconds[count++] <= 0)
            usage_error("invalid value '%s' for --times: not a positive time", cli_excerpt(rest));
        if (comma == NULL)
            break;
        rest = comma + 1;
    }
    free(copy);
    return count;
}

#endif
