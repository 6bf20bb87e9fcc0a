/* SPDX-License-Identifier: MIT */
/*
 * 04.2_range_stats.c - exercise: a parallel-for whose result is a struct, and
 * the reduce that combines one per range into what one serial loop finds.
 * Usage: 04.2_range_stats [-j N] [-n N] [-r R] [--seed S] [-q]
 * You will see each range's statistics of value(i), the combined ones and
 * those of one serial loop, whether they agree, and a summary (-q: only that).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "pool.h"
#include "report.h"

enum { RANGES_MAX = 1000 }; /* -r */
static long long seed = 7;  /* --seed; set before the workers are forked */

/* The loop body's value for index i: 0 .. 999, with many repeats. */
static uint64_t value(uint64_t i)
{
    uint64_t z = (uint64_t)seed + (i + 1) * UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return (z ^ (z >> 31)) % 1000;
}

struct range {
    uint64_t start, end; /* the indices [start, end) */
};

/* min_at, max_at: the FIRST index of the smallest, largest value (as Python's
 * min(range(n), key=value) says). count 0: none yet, the rest means nothing. */
struct stats {
    uint64_t count, sum, min, min_at, max, max_at; /* only values: they travel as bytes */
};

/* Fold `part` into `total` (count 0 at first); the parent goes range 0 first. */
static void combine(struct stats *total, const struct stats *part)
{
#ifdef SOLUTION
    if (part->count == 0)
        return;
    /* part's indices come after total's: on a tie, total's index is the first. */
    if (total->count == 0 || part->min < total->min)
        total->min = part->min, total->min_at = part->min_at;
    if (total->count == 0 || part->max > total->max)
        total->max = part->max, total->max_at = part->max_at;
    total->sum += part->sum;
    total->count += part->count;
#else
    /* TODO: merge part into total. Think about which index to keep when
     * part's smallest value equals total's, and about count == 0. */
    (void)total, (void)part;
#endif
}

/* stats(value(i) for i in range(start, end)), run in a worker. */
static int range_stats(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const struct range *r = arg;
    struct stats *s = result;
    *s = (struct stats){.count = 0};
#ifdef SOLUTION
    for (uint64_t i = r->start; i < r->end; i++) { /* a reduce over ranges of one index */
        uint64_t v = value(i);
        combine(s, &(struct stats){1, v, v, i, v, i}); /* count sum min min_at max max_at */
    }
#else
    /* TODO: fill *s from the values of the indices start .. end-1 of *r. */
    (void)r;
#endif
    return 0;
}

/* The chapter's chunks(): ranges of ceil(n / processes) indices. */
static size_t chunks(uint64_t n, size_t processes, struct range *out)
{
    uint64_t size = (n + processes - 1) / processes;
    size_t count = 0;
    for (uint64_t start = 0; start < n; start += size)
        out[count++] = (struct range){start, start + size < n ? start + size : n};
    return count;
}

static void print_stats(const char *who, const struct stats *s)
{
    printf("[parent %ld] %s count %" PRIu64 ", sum %" PRIu64 ", min %" PRIu64 " at %" PRIu64
           ", max %" PRIu64 " at %" PRIu64 "\n",
           (long)getpid(), who, s->count, s->sum, s->min, s->min_at, s->max, s->max_at);
}

/* parts = pool.starmap(range_stats, ranges, chunksize=1), in range order. */
static void run_starmap(int workers, const struct range *ranges, size_t count, struct stats *parts)
{
    fflush(stdout); /* before the fork: nothing buffered is printed twice */
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    if (pool_starmap(pool, range_stats, ranges, count, sizeof ranges[0], parts, sizeof parts[0],
                     &(struct pool_map_options){.chunksize = 1}) != 0) {
        fprintf(stderr, "%s: starmap(range_stats, ranges) failed: %s\n", report_program(),
                pool_last_failure(pool)->message);
        pool_destroy(pool);
        exit(1);
    }
    pool_destroy(pool); /* as `with Pool(...)` ends: all work is done */
}

/* The reduce, range 0 first, checked against one serial loop; the report. */
static bool reduce(uint64_t n, int workers, const struct range *ranges, size_t count,
                   const struct stats *parts, bool quiet)
{
    struct stats total = {.count = 0}, serial;
    for (size_t k = 0; k < count; k++) {
        char who[64];
        snprintf(who, sizeof who, "range %zu [%" PRIu64 ", %" PRIu64 "):", k, ranges[k].start,
                 ranges[k].end);
        if (!quiet)
            print_stats(who, &parts[k]);
        combine(&total, &parts[k]);
    }
    range_stats(&(struct range){0, n}, &serial, &(struct pool_task){.index = 0});
    bool same = total.count == n && serial.count == n && memcmp(&total, &serial, sizeof total) == 0;
    if (!quiet) {
        print_stats("combined:", &total);
        print_stats("serial:  ", &serial);
        printf("[parent %ld] combined equals serial: %s\n", (long)getpid(), same ? "yes" : "NO");
    }
    printf("summary: n %" PRIu64 ", %zu range%s, %d workers, min %" PRIu64 " at %" PRIu64
           ", max %" PRIu64 " at %" PRIu64 ", sum %" PRIu64 ", %s\n",
           n, count, count == 1 ? "" : "s", workers, total.min, total.min_at, total.max,
           total.max_at, total.sum, same ? "right" : "wrong");
    return same;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long jobs = cpus_for_pool(), items = 100000, wanted = 0; /* 0: one range per worker */
    bool quiet = false;
    const struct flag flags[] = {
        FLAG_WORKERS(&jobs, "worker processes"),
        {'n', FLAG_COUNT, NULL, "N", "indices (default 100000)", 1, 100000000, &items},
        {'r', FLAG_INT, "ranges", "R", "ranges (default: the workers)", 1, RANGES_MAX, &wanted},
        {0, FLAG_INT, "seed", "S", "changes value(i) (default 7)", 0, INT64_MAX, &seed},
        FLAG_QUIET(&quiet, "print only the summary line"),
        OPTS_END("-j 2 -r 5 --seed 1\n-q"),
    };
    opts_parse(argc, argv, "[-j N] [-n N] [-r R] [--seed S] [-q]",
               "Statistics of value(i), i in range(n): per range, then combined.", flags);
    struct range ranges[RANGES_MAX];
    struct stats parts[RANGES_MAX];
    size_t count = chunks((uint64_t)items, wanted ? (size_t)wanted : (size_t)jobs, ranges);
    run_starmap((int)jobs, ranges, count, parts);
    return reduce((uint64_t)items, (int)jobs, ranges, count, parts, quiet) ? 0 : 1;
}
