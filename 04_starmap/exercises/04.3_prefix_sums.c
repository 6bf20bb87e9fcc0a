/* SPDX-License-Identifier: MIT */
/*
 * 04.3_prefix_sums.c - exercise: a parallel prefix sum (scan) in two
 * starmaps, with a serial step between them.
 *
 * prefix[i] = a[0] + a[1] + ... + a[i] looks hopelessly serial: each value
 * needs the one before. It splits in three steps:
 *   1. pool.starmap(range_sum, chunks(n, R)): each range adds up its own a[i];
 *   2. in the parent: range k's offset is the sum of the ranges before it
 *      (an "exclusive scan" of R numbers, cheap);
 *   3. pool.starmap(range_scan, [(start, end, offset), ...]): each range runs
 *      its own running sum, starting from its offset.
 * Step 3's task takes three arguments: a struct of three fields, Python's
 * (start, end, offset). The workers cannot send back n prefix values in a
 * fixed-size result, so each range returns its first and last prefix value
 * and a checksum of all of them, which the parent compares with a serial
 * scan (your range_scan over all of range(n), run in the parent).
 *
 * Usage: 04.3_prefix_sums [-j N] [-n N] [-r R] [--seed S] [-q]
 *
 * You will see the range sums, the offsets, each range's first and last
 * prefix value, the checksum against the serial one, and a summary line.
 */
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "pool.h"
#include "report.h"

static uint64_t seed = 3; /* --seed; set before the workers are forked */

/* a[i]: a number from 0 to 99 made from i and the seed. The workers compute
 * it themselves, so the array never travels. */
static uint64_t a(uint64_t i)
{
    uint64_t z = seed + (i + 1) * UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return (z ^ (z >> 31)) % 100;
}

/* Step 1's argument: (start, end). */
struct range {
    uint64_t start, end;
};

/* Step 3's argument: (start, end, offset). */
struct scan_arg {
    uint64_t start, end;
    uint64_t offset; /* a[0] + ... + a[start - 1]: the prefix before start */
};

/* What step 3 sends back for a range. The checksum weighs each prefix
 * value by its index, so a value in the wrong place changes it. */
struct scan_result {
    uint64_t first, last; /* prefix[start] and prefix[end - 1] */
    uint64_t checksum;    /* sum of (i + 1) * prefix[i] (mod 2^64) */
};

static uint64_t weigh(uint64_t i, uint64_t prefix)
{
    return (i + 1) * prefix;
}

/* Step 1, in a worker: a[start] + ... + a[end - 1]. */
static int range_sum(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const struct range *r = arg;
    uint64_t sum = 0;
    for (uint64_t i = r->start; i < r->end; i++)
        sum += a(i);
    *(uint64_t *)result = sum;
    return 0;
}

/* Step 3, in a worker: the running sum over [start, end), from offset. */
static int range_scan(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const struct scan_arg *s = arg;
    struct scan_result *out = result;
    *out = (struct scan_result){.first = 0};
#ifdef SOLUTION
    uint64_t running = s->offset;
    for (uint64_t i = s->start; i < s->end; i++) {
        running += a(i); /* prefix[i], inclusive of a[i] */
        if (i == s->start)
            out->first = running;
        out->checksum += weigh(i, running);
    }
    out->last = running;
#else
    /* TODO: for each i from start to end-1, the prefix value is the offset
     * plus a(start) + ... + a(i). Set out->first to the prefix value at
     * start, out->last to the one at end-1, and add weigh(i, prefix) for
     * every i into out->checksum. */
    (void)s;
#endif
    return 0;
}

/*
 * Step 2, in the parent: from the ranges and their sums (step 1's results,
 * in range order), fill scans[k] = (start, end, offset) for each range k.
 */
static void offsets(const struct range *ranges, const uint64_t *sums, size_t count,
                    struct scan_arg *scans)
{
#ifdef SOLUTION
    uint64_t before = 0; /* the sum of every range before range r */
    for (size_t r = 0; r < count; r++) {
        scans[r] = (struct scan_arg){ranges[r].start, ranges[r].end, before};
        before += sums[r];
    }
#else
    /* TODO: the offset of range i is not 0: it is the sum of sums[0] ..
     * sums[i-1] (0 for the first range only). */
    for (size_t i = 0; i < count; i++)
        scans[i] = (struct scan_arg){ranges[i].start, ranges[i].end, 0};
    (void)sums;
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

static _Noreturn void starmap_failed(struct pool *pool, const char *call)
{
    fprintf(stderr, "%s: %s failed: %s\n", report_program(), call,
            pool_last_failure(pool)->message);
    pool_destroy(pool);
    exit(1);
}

static void usage(void)
{
    printf("Usage: %s [-j N] [-n N] [-r R] [--seed S] [-q]\n"
           "A parallel prefix sum: two starmaps and a serial step between.\n"
           "\n"
           "  -j, --workers N   worker processes (default: usable CPUs, max %d)\n"
           "  -n N              values (default 1000000)\n"
           "  -r, --ranges R    ranges (default: the workers)\n"
           "      --seed S      changes the values (default 3)\n"
           "  -q, --quiet       print only the summary line\n"
           "  -h, --help        this text\n",
           report_program(), pool_max_workers());
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int workers = cpus_for_pool();
    uint64_t n = 1000000;
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
    uint64_t *sums = calloc(asked, sizeof *sums);
    struct scan_arg *scans = calloc(asked, sizeof *scans);
    struct scan_result *parts = calloc(asked, sizeof *parts);
    if (ranges == NULL || sums == NULL || scans == NULL || parts == NULL)
        die("calloc");
    size_t count = chunks(n, asked, ranges);
    struct pool_map_options one_each = {.chunksize = 1};

    /* Workers are forked now: flush, so our stdio buffer is not copied. */
    fflush(stdout);
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    /* 1. sums = pool.starmap(range_sum, chunks(n, R)) */
    if (pool_starmap(pool, range_sum, ranges, count, sizeof ranges[0], sums, sizeof sums[0],
                     &one_each) != 0)
        starmap_failed(pool, "starmap(range_sum, ranges)");
    /* 2. the offsets, in the parent */
    offsets(ranges, sums, count, scans);
    /* 3. parts = pool.starmap(range_scan, scans) */
    if (pool_starmap(pool, range_scan, scans, count, sizeof scans[0], parts, sizeof parts[0],
                     &one_each) != 0)
        starmap_failed(pool, "starmap(range_scan, scans)");
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);

    pid_t me = getpid();
    uint64_t checksum = 0;
    for (size_t k = 0; k < count; k++) {
        checksum += parts[k].checksum;
        if (!quiet)
            printf("[parent %ld] range %zu [%" PRIu64 ", %" PRIu64 "): sum %" PRIu64
                   ", offset %" PRIu64 ", prefix %" PRIu64 " .. %" PRIu64 "\n",
                   (long)me, k, ranges[k].start, ranges[k].end, sums[k], scans[k].offset,
                   parts[k].first, parts[k].last);
    }
    /* The serial scan: range_scan over all of range(n) from offset 0, in
     * the parent. Splitting the work must not change the answer. */
    struct scan_arg whole = {0, n, 0};
    struct scan_result serial;
    struct pool_task here = {.index = 0};
    range_scan(&whole, &serial, &here);
    bool same = count > 0 && checksum == serial.checksum && parts[count - 1].last == serial.last &&
                serial.last > 0;
    if (!quiet)
        printf("[parent %ld] checksum %" PRIu64 ", serial %" PRIu64 ": %s\n", (long)me, checksum,
               serial.checksum, same ? "the same" : "DIFFERENT");
    printf("summary: n %" PRIu64 ", %zu range%s, %d workers, prefix[n-1] %" PRIu64
           ", checksum %" PRIu64 ", %s\n",
           n, count, count == 1 ? "" : "s", workers, count > 0 ? parts[count - 1].last : 0,
           checksum, same ? "right" : "wrong");
    free(ranges);
    free(sums);
    free(scans);
    free(parts);
    return same ? 0 : 1;
}
