/* SPDX-License-Identifier: MIT */
/*
 * 04.3_prefix_sums.c - exercise: a parallel prefix sum (scan), prefix[i] =
 * a[0] + ... + a[i], as two starmaps with a serial step between them.
 * Usage: 04.3_prefix_sums [-j N] [-n N] [-r R] [--seed S] [-q]
 * You will see each range's sum, offset and prefix values, and the checksums.
 */
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "pool.h"
#include "report.h"

enum { RANGES_MAX = 1000 }; /* -r */
static long long seed = 3;  /* --seed; set before the workers are forked */

/* a[i], 0 .. 99: the workers compute it themselves, so the array never travels. */
static uint64_t a(uint64_t i)
{
    uint64_t z = (uint64_t)seed + (i + 1) * UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return (z ^ (z >> 31)) % 100;
}

struct range { /* step 1's argument: Python's (start, end) */
    uint64_t start, end;
};

struct scan_arg { /* step 3's: (start, end, offset), offset = prefix[start - 1] */
    uint64_t start, end, offset;
};

/* Step 3's result (a fixed size, not n values): prefix[start], prefix[end-1] and
 * the sum of weigh(i, prefix[i]), which a value in the wrong place changes. */
struct scan_result {
    uint64_t first, last, checksum;
};
#define weigh(i, prefix) (((i) + 1) * (prefix))

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
    for (uint64_t i = s->start, running = s->offset; i < s->end; i++) {
        running += a(i); /* prefix[i], inclusive of a[i] */
        out->first = i == s->start ? running : out->first;
        out->last = running;
        out->checksum += weigh(i, running);
    }
#else
    /* TODO: prefix[i] = offset + a(start) + ... + a(i) for i in start .. end-1:
     * set out->first, out->last and out->checksum from them. */
    (void)s;
#endif
    return 0;
}

struct scan { /* one slot per range, in range order */
    size_t count;
    struct range ranges[RANGES_MAX];
    uint64_t sums[RANGES_MAX];
    struct scan_arg scans[RANGES_MAX];
    struct scan_result parts[RANGES_MAX];
};

/* Step 2, in the parent: scans[k] = (start, end, offset) for each range k. */
static void offsets(struct scan *sc)
{
    for (size_t k = 0; k < sc->count; k++) {
        sc->scans[k] = (struct scan_arg){sc->ranges[k].start, sc->ranges[k].end, 0};
#ifdef SOLUTION
        if (k > 0) /* the sum of every range before k: range k-1's offset and sum */
            sc->scans[k].offset = sc->scans[k - 1].offset + sc->sums[k - 1];
#else
        /* TODO: range k's offset is sums[0] + ... + sums[k-1] (0 for range 0 only). */
#endif
    }
}

/* sums = pool.starmap(range_sum, ranges); offsets; parts = pool.starmap(range_scan, scans) */
static bool prefix_sums(struct scan *sc, int workers)
{
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    int failed = pool_starmap(pool, range_sum, sc->ranges, sc->count, sizeof sc->ranges[0],
                              sc->sums, sizeof sc->sums[0], NULL);
    offsets(sc);
    failed = failed || pool_starmap(pool, range_scan, sc->scans, sc->count, sizeof sc->scans[0],
                                    sc->parts, sizeof sc->parts[0], NULL);
    if (failed)
        fprintf(stderr, "%s: starmap: %s\n", report_program(), pool_last_failure(pool)->message);
    pool_destroy(pool); /* as `with Pool(...)` ends: all work is done */
    return !failed;
}

static bool report(const struct scan *sc, uint64_t n, int workers, bool quiet)
{
    uint64_t checksum = 0;
    for (size_t k = 0; k < sc->count; k++) {
        checksum += sc->parts[k].checksum;
        if (!quiet)
            printf("[parent %ld] range %zu [%" PRIu64 ", %" PRIu64 "): sum %" PRIu64
                   ", offset %" PRIu64 ", prefix %" PRIu64 " .. %" PRIu64 "\n",
                   (long)getpid(), k, sc->ranges[k].start, sc->ranges[k].end, sc->sums[k],
                   sc->scans[k].offset, sc->parts[k].first, sc->parts[k].last);
    }
    struct scan_result serial;
    range_scan(&(struct scan_arg){0, n, 0}, &serial, &(struct pool_task){.index = 0});
    uint64_t last = sc->count > 0 ? sc->parts[sc->count - 1].last : 0;
    bool same = sc->count > 0 && checksum == serial.checksum && last == serial.last && last > 0;
    if (!quiet)
        printf("[parent %ld] checksum %" PRIu64 ", serial %" PRIu64 ": %s\n", (long)getpid(),
               checksum, serial.checksum, same ? "the same" : "DIFFERENT");
    printf("summary: n %" PRIu64 ", %zu range%s, %d workers, prefix[n-1] %" PRIu64
           ", checksum %" PRIu64 ", %s\n",
           n, sc->count, sc->count == 1 ? "" : "s", workers, last, checksum,
           same ? "right" : "wrong");
    return same;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long jobs = cpus_for_pool(), items = 1000000, wanted = 0; /* 0: one range per worker */
    bool quiet = false;
    const struct flag flags[] = {
        FLAG_WORKERS(&jobs, "worker processes"),
        {'n', FLAG_COUNT, NULL, "N", "values (default 1000000)", 1, 100000000, &items},
        {'r', FLAG_INT, "ranges", "R", "ranges (default: the workers)", 1, RANGES_MAX, &wanted},
        {0, FLAG_INT, "seed", "S", "changes the values (default 3)", 0, INT64_MAX, &seed},
        FLAG_QUIET(&quiet, "print only the summary line"),
        OPTS_END("-j 2 -r 5 --seed 1\n-q"),
    };
    opts_parse(argc, argv, "[-j N] [-n N] [-r R] [--seed S] [-q]",
               "A parallel prefix sum: two starmaps and a serial step between.", flags);
    static struct scan sc; /* static: 64 KiB, off the stack */
    uint64_t n = (uint64_t)items, r = (uint64_t)(wanted ? wanted : jobs), size = (n + r - 1) / r;
    /* ranges = the chapter's chunks(n, R): ranges of ceil(n / R) indices */
    for (uint64_t start = 0; start < n; start += size)
        sc.ranges[sc.count++] = (struct range){start, start + size < n ? start + size : n};
    return prefix_sums(&sc, (int)jobs) && report(&sc, n, (int)jobs, quiet) ? 0 : 1;
}
