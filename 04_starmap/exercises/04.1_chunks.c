/* SPDX-License-Identifier: MIT */
/*
 * 04.1_chunks.c - exercise: split range(n) into index ranges so that every
 * worker gets work, then run the loop with pool.starmap(sum_range, ranges).
 * The chapter's chunks(n, processes) makes ranges of ceil(n / processes)
 * indices. That can leave workers idle: chunks(9, 6) gives 5 ranges,
 * [(0, 2), (2, 4), (4, 6), (6, 8), (8, 9)], so one of 6 workers gets nothing.
 * Your chunks() makes min(n, processes) ranges whose sizes differ by at most
 * one, the bigger ones first (numpy.array_split does the same):
 *     chunks(9, 6)  = [(0, 2), (2, 4), (4, 6), (6, 7), (7, 8), (8, 9)]
 *     chunks(10, 3) = [(0, 4), (4, 7), (7, 10)]
 *     chunks(2, 5)  = [(0, 1), (1, 2)]
 * Usage: 04.1_chunks [-j N] [-n N] [-r R] [-q]
 * You will see the ranges, which worker looped over which indices, the sum
 * of range(n) checked against n(n-1)/2, and a summary line (-q: only that).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "pool.h"
#include "report.h"

/* One task: the indices [start, end), a struct for Python's (start, end). */
struct range {
    uint64_t start, end;
};

/* chunks(n, processes): fill out[] (room for `processes` ranges), return how many
 * there are. n >= 1 and processes >= 1. */
static size_t chunks(uint64_t n, size_t processes, struct range *out)
{
#ifdef SOLUTION
    /* Never more ranges than indices: an empty range is a task for nothing. */
    size_t count = n < processes ? (size_t)n : processes;
    uint64_t base = n / count;  /* every range gets this many... */
    uint64_t extra = n % count; /* ...and the first `extra` one more */
    uint64_t start = 0;
    for (size_t r = 0; r < count; r++) {
        uint64_t size = base + (r < extra ? 1 : 0);
        out[r] = (struct range){start, start + size};
        start += size;
    }
    return count;
#else
    /* TODO: fill out[0], out[1], ... with min(n, processes) ranges that
     * together cover 0 .. n-1, each index exactly once, in order. Their
     * sizes must differ by at most one, the bigger ones first. Return how
     * many ranges you made. Work out the sizes with / and % first. */
    (void)n, (void)processes, (void)out;
    return 0;
#endif
}

struct range_sum {                    /* what a worker sends back for its range */
    uint64_t sum, first, last, count; /* the indices it looped over */
    long pid, worker;                 /* long, not int: no padding bytes */
};

/* sum_range(start, end), run in a worker: the loop over its own range. */
static int sum_range(const void *arg, void *result, struct pool_task *task)
{
    const struct range *r = arg;
    struct range_sum *out = result;
    *out = (struct range_sum){.first = r->start, .pid = (long)getpid(), .worker = task->worker};
    for (uint64_t i = r->start; i < r->end; i++, out->count++)
        out->sum += i;
    out->last = r->start + out->count - 1;
    return 0;
}

/* pool.starmap(sum_range, ranges, chunksize=1), on a pool of its own. */
static void run_starmap(int workers, const struct range *ranges, size_t count,
                        struct range_sum *parts)
{
    fflush(stdout); /* before the fork: nothing buffered is printed twice */
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    if (count > 0 && pool_starmap(pool, sum_range, ranges, count, sizeof ranges[0], parts,
                                  sizeof parts[0], &(struct pool_map_options){.chunksize = 1})) {
        char why[sizeof pool_last_failure(pool)->message];
        snprintf(why, sizeof why, "%s", pool_last_failure(pool)->message);
        pool_destroy(pool);
        die_msg("starmap(sum_range, ranges) failed: %s", why);
    }
    pool_destroy(pool); /* as `with Pool(...)` ends: all work is done */
}

/* The serial reduce of a handful of partial sums, and the report. */
static bool reduce(uint64_t n, int workers, const struct range *ranges, size_t count,
                   const struct range_sum *parts, bool quiet)
{
    long me = (long)getpid();
    uint64_t sum = 0, smallest = UINT64_MAX, largest = 0;
    for (size_t k = 0; k < count; k++) {
        sum += parts[k].sum;
        uint64_t size = ranges[k].end - ranges[k].start;
        smallest = size < smallest ? size : smallest;
        largest = size > largest ? size : largest;
        if (!quiet)
            printf("[parent %ld] range %zu: worker %ld (pid %ld) looped over "
                   "indices %" PRIu64 " to %" PRIu64 " (count %" PRIu64 ")\n",
                   me, k, parts[k].worker, parts[k].pid, parts[k].first, parts[k].last,
                   parts[k].count);
    }
    uint64_t expected = n * (n - 1) / 2; /* 0 + 1 + ... + (n - 1) */
    bool right = sum == expected;
    if (!quiet)
        printf("[parent %ld] sum of range(%" PRIu64 ") = %" PRIu64 " (n(n-1)/2 = %" PRIu64
               "): %s\n",
               me, n, sum, expected, right ? "right" : "WRONG");
    printf("summary: n %" PRIu64 ", %zu ranges for %d workers, sizes %" PRIu64 " to %" PRIu64
           ", sum %s\n",
           n, count, workers, count ? smallest : 0, largest, right ? "right" : "wrong");
    return right;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long jobs = cpus_for_pool(), items = 1000000, wanted = 0; /* 0: one range per worker */
    bool quiet = false;
    const struct flag flags[] = {
        FLAG_WORKERS(&jobs, "worker processes"),
        {'n', FLAG_COUNT, NULL, "N", "indices (default 1000000)", 1, 1000000000, &items},
        {'r', FLAG_INT, "ranges", "R", "ranges to ask for (default: the workers)", 1, 1000,
         &wanted},
        FLAG_QUIET(&quiet, "print only the summary line"),
        OPTS_END("-j 4 -n 1e6 -r 7\n-q"),
    };
    opts_parse(argc, argv, "[-j N] [-n N] [-r R] [-q]",
               "Split range(n) into R ranges and sum it with starmap.", flags);
    int workers = (int)jobs;
    uint64_t n = (uint64_t)items;
    size_t asked = wanted ? (size_t)wanted : (size_t)workers;
    struct range *ranges = calloc(asked, sizeof *ranges);
    struct range_sum *parts = calloc(asked, sizeof *parts);
    if (ranges == NULL || parts == NULL)
        die("calloc");
    size_t count = chunks(n, asked, ranges);
    if (count > asked)
        die_msg("chunks() returned %zu ranges, but out[] has room for %zu", count, asked);

    if (!quiet) {
        printf("[parent %ld] chunks(%" PRIu64 ", %zu) = [", (long)getpid(), n, asked);
        for (size_t k = 0; k < count; k++)
            printf("%s(%" PRIu64 ", %" PRIu64 ")", k ? ", " : "", ranges[k].start, ranges[k].end);
        printf("]\n");
    }

    run_starmap(workers, ranges, count, parts);
    bool right = reduce(n, workers, ranges, count, parts, quiet);
    free(ranges);
    free(parts);
    return right ? 0 : 1;
}
