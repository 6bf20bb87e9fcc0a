/* SPDX-License-Identifier: MIT */
/*
 * 04.1_chunks.c - exercise: split range(n) into index ranges so that every
 * worker gets work, then run the loop with pool.starmap(sum_range, ranges).
 *
 * The chapter's chunks(n, processes) makes ranges of ceil(n / processes)
 * indices. That can leave workers idle: chunks(9, 6) gives 5 ranges,
 * [(0, 2), (2, 4), (4, 6), (6, 8), (8, 9)], so one of 6 workers gets nothing.
 * Your chunks() makes min(n, processes) ranges whose sizes differ by at most
 * one, the bigger ones first (numpy.array_split does the same):
 *     chunks(9, 6)  = [(0, 2), (2, 4), (4, 6), (6, 7), (7, 8), (8, 9)]
 *     chunks(10, 3) = [(0, 4), (4, 7), (7, 10)]
 *     chunks(2, 5)  = [(0, 1), (1, 2)]
 *
 * Usage: 04.1_chunks [-j N] [-n N] [-r R] [-q]
 *
 * You will see the ranges, which worker looped over which indices, the sum
 * of range(n) checked against n(n-1)/2, and a summary line (-q: only that).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "pool.h"
#include "report.h"

/* One task of the parallel-for: the indices [start, end). A struct of
 * values, Python's tuple (start, end). */
struct range {
    uint64_t start, end;
};

/*
 * chunks(n, processes): write the ranges into out[] (room for `processes`
 * of them) and return how many there are. n >= 1 and processes >= 1.
 */
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
    (void)n;
    (void)processes;
    (void)out;
    return 0;
#endif
}

/* What a worker sends back for its range. */
struct range_sum {
    uint64_t sum;
    uint64_t first, last, count; /* the indices it looped over */
    long pid, worker;            /* long, not int: no padding bytes */
};

/* sum_range(start, end), run in a worker: the loop over its own range. */
static int sum_range(const void *arg, void *result, struct pool_task *task)
{
    const struct range *r = arg;
    struct range_sum *out = result;
    *out = (struct range_sum){.first = r->start, .pid = (long)getpid(), .worker = task->worker};
    for (uint64_t i = r->start; i < r->end; i++) {
        out->sum += i;
        out->last = i;
        out->count++;
    }
    return 0;
}

static void usage(void)
{
    printf("Usage: %s [-j N] [-n N] [-r R] [-q]\n"
           "Split range(n) into R ranges and sum it with starmap.\n"
           "\n"
           "  -j, --workers N   worker processes (default: usable CPUs, max %d)\n"
           "  -n N              indices to loop over (default 1000000)\n"
           "  -r, --ranges R    how many ranges to ask for (default: the "
           "workers)\n"
           "  -q, --quiet       print only the summary line\n"
           "  -h, --help        this text\n",
           report_program(), pool_max_workers());
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int workers = cpus_for_pool();
    uint64_t n = 1000000;
    size_t asked = 0; /* 0: as many ranges as workers */
    bool quiet = false;
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"ranges", required_argument, NULL, 'r'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* we report bad options ourselves, on one line */
    int c;
    while ((c = getopt_long(argc, argv, ":j:n:r:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': n = (uint64_t)cli_parse_count("-n", optarg, 1, 1000000000); break;
        case 'r': asked = (size_t)cli_parse_int("-r", optarg, 1, 1000); break;
        case 'q': quiet = true; break;
        case 'h': usage(); return 0;
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    if (asked == 0)
        asked = (size_t)workers;

    struct range *ranges = calloc(asked, sizeof *ranges);
    struct range_sum *parts = calloc(asked, sizeof *parts);
    if (ranges == NULL || parts == NULL)
        die("calloc");
    size_t count = chunks(n, asked, ranges);
    if (count > asked)
        die_msg("chunks() returned %zu ranges, but out[] has room for %zu", count, asked);

    pid_t me = getpid();
    if (!quiet) {
        printf("[parent %ld] chunks(%" PRIu64 ", %zu) = [", (long)me, n, asked);
        for (size_t k = 0; k < count; k++)
            printf("%s(%" PRIu64 ", %" PRIu64 ")", k ? ", " : "", ranges[k].start, ranges[k].end);
        printf("]\n");
    }

    /* Workers are forked now: flush, so our stdio buffer is not copied. */
    fflush(stdout);
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    /* pool.starmap(sum_range, chunks(n, processes), chunksize=1) */
    if (count > 0 &&
        pool_starmap(pool, sum_range, ranges, count, sizeof ranges[0], parts, sizeof parts[0],
                     &(struct pool_map_options){.chunksize = 1}) != 0) {
        const char *why = pool_last_failure(pool)->message;
        fprintf(stderr, "%s: starmap(sum_range, ranges) failed: %s\n", report_program(), why);
        pool_destroy(pool);
        exit(1);
    }
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);

    /* The serial reduce: a handful of partial sums. */
    uint64_t sum = 0, smallest = UINT64_MAX, largest = 0;
    for (size_t k = 0; k < count; k++) {
        sum += parts[k].sum;
        uint64_t size = ranges[k].end - ranges[k].start;
        smallest = size < smallest ? size : smallest;
        largest = size > largest ? size : largest;
        if (!quiet)
            printf("[parent %ld] range %zu: worker %ld (pid %ld) looped over "
                   "indices %" PRIu64 " to %" PRIu64 " (count %" PRIu64 ")\n",
                   (long)me, k, parts[k].worker, parts[k].pid, parts[k].first, parts[k].last,
                   parts[k].count);
    }
    if (count == 0)
        smallest = 0;
    uint64_t expected = n * (n - 1) / 2; /* 0 + 1 + ... + (n - 1) */
    bool right = sum == expected;
    if (!quiet)
        printf("[parent %ld] sum of range(%" PRIu64 ") = %" PRIu64 " (n(n-1)/2 = %" PRIu64
               "): %s\n",
               (long)me, n, sum, expected, right ? "right" : "WRONG");
    printf("summary: n %" PRIu64 ", %zu ranges for %d workers, sizes %" PRIu64 " to %" PRIu64
           ", sum %s\n",
           n, count, workers, smallest, largest, right ? "right" : "wrong");
    free(ranges);
    free(parts);
    return right ? 0 : 1;
}
