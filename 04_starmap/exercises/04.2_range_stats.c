/* SPDX-License-Identifier: MIT */
/*
 * 04.2_range_stats.c - exercise: a parallel-for whose result is a struct
 * (count, sum, min and max with where they are), and the reduce that
 * combines one struct per range into the answer for the whole loop.
 *
 * The loop is `for i in range(n): look at value(i)`, where value(i) is a
 * number from 0 to 999 made from i and --seed. Each range's task returns the
 * statistics of its own values; the parent combines them. The answer must
 * be exactly what one serial loop finds, for every number of ranges: when
 * the smallest value occurs several times, `at` is its FIRST index (as
 * Python's min(range(n), key=value) says), and the same for the largest.
 *
 * Usage: 04.2_range_stats [-j N] [-n N] [-r R] [--seed S] [-q]
 *
 * You will see each range's statistics, the combined statistics, those of
 * one serial loop over range(n) (your range_stats() run in the parent), and
 * whether they agree; then a summary line (-q: only that).
 */
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "pool.h"
#include "report.h"

static uint64_t seed = 7; /* --seed; set before the workers are forked */

/* The loop body's value for index i: 0 .. 999, with many repeats. */
static uint64_t value(uint64_t i)
{
    uint64_t z = seed + (i + 1) * UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return (z ^ (z >> 31)) % 1000;
}

struct range {
    uint64_t start, end; /* the indices [start, end) */
};

/* The statistics of some indices' values. count == 0: no indices yet (then
 * the other fields mean nothing). Only values: it travels between
 * processes as bytes. */
struct stats {
    uint64_t count, sum;
    uint64_t min, min_at; /* the smallest value, and its first index */
    uint64_t max, max_at; /* the largest value, and its first index */
};

/* stats(value(i) for i in range(start, end)), run in a worker. */
static int range_stats(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const struct range *r = arg;
    struct stats *s = result;
    *s = (struct stats){.count = 0};
#ifdef SOLUTION
    for (uint64_t i = r->start; i < r->end; i++) {
        uint64_t v = value(i);
        /* Strict < and >: a repeat later in the range keeps the first index. */
        if (s->count == 0 || v < s->min)
            s->min = v, s->min_at = i;
        if (s->count == 0 || v > s->max)
            s->max = v, s->max_at = i;
        s->sum += v;
        s->count++;
    }
#else
    /* TODO: loop over the indices start .. end-1 of *r and fill *s: how
     * many indices, the sum of their values, the smallest and the largest
     * value and the first index where each occurs. */
    (void)r;
#endif
    return 0;
}

/* Add what `part` saw to `total`. The parent calls it for the ranges in
 * order, range 0 first; `total` starts with count 0. */
static void combine(struct stats *total, const struct stats *part)
{
#ifdef SOLUTION
    if (part->count == 0)
        return;
    if (total->count == 0) {
        *total = *part;
        return;
    }
    /* part's indices all come after total's: on a tie, total's index is the
     * first one, so only a strictly better value moves it. */
    if (part->min < total->min)
        total->min = part->min, total->min_at = part->min_at;
    if (part->max > total->max)
        total->max = part->max, total->max_at = part->max_at;
    total->sum += part->sum;
    total->count += part->count;
#else
    /* TODO: merge part into total. Think about which index to keep when
     * part's smallest value equals total's, and about count == 0. */
    (void)total;
    (void)part;
#endif
}

/* ------------------------------------------------------------------ */

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

static void usage(void)
{
    printf("Usage: %s [-j N] [-n N] [-r R] [--seed S] [-q]\n"
           "Statistics of value(i) for i in range(n): per range in the "
           "workers, combined in the parent.\n"
           "\n"
           "  -j, --workers N   worker processes (default: usable CPUs, max %d)\n"
           "  -n N              indices (default 100000)\n"
           "  -r, --ranges R    ranges to split the loop into (default: the "
           "workers)\n"
           "      --seed S      changes value(i) (default 7)\n"
           "  -q, --quiet       print only the summary line\n"
           "  -h, --help        this text\n",
           report_program(), pool_max_workers());
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int workers = cpus_for_pool();
    uint64_t n = 100000;
    size_t asked = 0;
    bool quiet = false;
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'}, {"ranges", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},    {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    opterr = 0; /* we report bad options ourselves, on one line */
    int c;
    while ((c = getopt_long(argc, argv, ":j:n:r:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': n = (uint64_t)cli_parse_count("-n", optarg, 1, 100000000); break;
        case 'r': asked = (size_t)cli_parse_int("-r", optarg, 1, 1000); break;
        case 's': seed = (uint64_t)cli_parse_int("--seed", optarg, 0, LLONG_MAX); break;
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
    struct stats *parts = calloc(asked, sizeof *parts);
    if (ranges == NULL || parts == NULL)
        die("calloc");
    size_t count = chunks(n, asked, ranges);

    /* Workers are forked now: flush, so our stdio buffer is not copied. */
    fflush(stdout);
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    /* parts = pool.starmap(range_stats, chunks(n, R), chunksize=1):
     * parts[k] belongs to ranges[k], whichever worker finished first. */
    if (pool_starmap(pool, range_stats, ranges, count, sizeof ranges[0], parts, sizeof parts[0],
                     &(struct pool_map_options){.chunksize = 1}) != 0) {
        fprintf(stderr, "%s: starmap(range_stats, ranges) failed: %s\n", report_program(),
                pool_last_failure(pool)->message);
        pool_destroy(pool);
        exit(1);
    }
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);

    /* The reduce, in the parent, range 0 first. */
    struct stats total = {.count = 0};
    for (size_t k = 0; k < count; k++) {
        char who[64];
        snprintf(who, sizeof who, "range %zu [%" PRIu64 ", %" PRIu64 "):", k, ranges[k].start,
                 ranges[k].end);
        if (!quiet)
            print_stats(who, &parts[k]);
        combine(&total, &parts[k]);
    }

    /* The same loop serially: range_stats over the whole of range(n), in
     * the parent. Splitting the loop must not change the answer. */
    struct stats serial;
    struct range whole = {0, n};
    struct pool_task here = {.index = 0};
    range_stats(&whole, &serial, &here);
    /* Right: both saw all n indices, and they agree on every field. */
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
    free(ranges);
    free(parts);
    return same ? 0 : 1;
}
