/* SPDX-License-Identifier: MIT */
/*
 * 3_parallel_for.c - the parallel-for pattern. The loop
 *     for i in range(n): do_something(i)
 * is cut into one index range per worker; each range is one task, and the
 * worker runs the loop itself:  pool.starmap(do_range, chunks(n, processes))
 * Usage: 3_parallel_for [-j N] [-n N] [--seed S] [-q]
 * Look for: the ranges cover 0 .. n-1 once, each run by a worker, and give
 * the serial loop's checksum (-q: the chunked loop alone, one summary line).
 */
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "interrupt.h"
#include "pool.h"
#include "report.h"

static long long seed = 42; /* --seed; set before the fork: workers have it */

/* The loop body: 64 rounds of splitmix64's mixing, well under a microsecond. */
static uint64_t do_something(uint64_t i)
{
    uint64_t z = (uint64_t)seed + i * UINT64_C(0x9E3779B97F4A7C15);
    for (int r = 0; r < 64; r++) {
        z ^= z >> 30;
        z *= UINT64_C(0xBF58476D1CE4E5B9);
        z ^= z >> 27;
        z *= UINT64_C(0x94D049BB133111EB);
        z ^= z >> 31;
    }
    return z;
}

struct range { /* one task: the indices [start, end), Python's (start, end) */
    uint64_t start, end;
};
struct range_result { /* a partial sum, and what the worker looped over */
    uint64_t sum, first, last, count;
    long pid, worker; /* long, not int: no padding bytes */
};

/* do_range(start, end), in a worker: the loop over its own range. */
static int do_range(const void *arg, void *result, struct pool_task *task)
{
    const struct range *r = arg;
    struct range_result *out = result;
    *out = (struct range_result){.first = r->start, .pid = (long)getpid(), .worker = task->worker};
    for (uint64_t i = r->start; i < r->end; i++, out->count++)
        out->sum += do_something(i);
    out->last = r->start + out->count - 1;
    return 0;
}

/* chunks(n, processes): ranges of ceil(n / processes) indices; how many? */
static size_t chunks(uint64_t n, long long processes, struct range *out)
{
    uint64_t size = (n + (uint64_t)processes - 1) / (uint64_t)processes;
    size_t count = 0;
    for (uint64_t start = 0; start < n; start += size)
        out[count++] = (struct range){start, start + size < n ? start + size : n};
    return count;
}

struct loop {
    struct pool *pool;
    long long n, workers;
    size_t nranges; /* how many ranges chunks() made */
    struct range *ranges;
    struct range_result *parts;
    uint64_t checksum;
};

/* Ctrl-C or kill: stop and reap the workers, then die of the signal. */
static void stop_if_interrupted(struct pool *pool)
{
    if (interrupt_requested()) {
        pool_destroy(pool);
        interrupt_exit();
    }
}

/* chunked: starmap(do_range, chunks(n, processes)), then add the parts. */
static void chunked(struct loop *l)
{
    l->nranges = chunks((uint64_t)l->n, l->workers, l->ranges);
    if (pool_starmap(l->pool, do_range, l->ranges, l->nranges, sizeof l->ranges[0], l->parts,
                     sizeof l->parts[0], &(struct pool_map_options){.chunksize = 1}) != 0) {
        stop_if_interrupted(l->pool);
        die_msg("starmap(do_range, ...) failed: %s", pool_last_failure(l->pool)->message);
    }
    l->checksum = 0;
    for (size_t c = 0; c < l->nranges; c++)
        l->checksum += l->parts[c].sum;
}

/* serial: for i in range(n): do_something(i), in the parent. */
static uint64_t serial(const struct loop *l)
{
    uint64_t sum = 0;
    for (uint64_t i = 0; i < (uint64_t)l->n; i++) {
        sum += do_something(i);
        if (i % 65536 == 0)
            stop_if_interrupted(l->pool);
    }
    return sum;
}

/* Trace one chunked run and check it against the serial loop. */
static void show(struct loop *l)
{
    long me = (long)getpid();
    printf("[parent %ld] a pool of %lld workers\n", me, l->workers);
    chunked(l);
    printf("[parent %ld] chunks(%lld, %lld) = [", me, l->n, l->workers);
    for (size_t c = 0; c < l->nranges; c++)
        printf("%s(%" PRIu64 ", %" PRIu64 ")", c ? ", " : "", l->ranges[c].start, l->ranges[c].end);
    printf("]\n");
    for (size_t c = 0; c < l->nranges; c++)
        printf("[parent %ld] range %zu: worker %ld (pid %ld) looped over indices %" PRIu64
               " to %" PRIu64 ": %" PRIu64 " indices\n",
               me, c, l->parts[c].worker, l->parts[c].pid, l->parts[c].first, l->parts[c].last,
               l->parts[c].count);
    uint64_t alone = serial(l);
    if (alone != l->checksum)
        die_msg("checksums differ: serial %" PRIu64 ", chunked %" PRIu64, alone, l->checksum);
    printf("[parent %ld] the serial loop gives the same checksum, %" PRIu64 "\n", me, alone);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long n = 200000, workers = cpus_for_pool();
    bool quiet = false;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "worker processes"),
        {'n', FLAG_COUNT, NULL, "N", "indices (default 200000; 2M, 1e9)", 1, 1000000000, &n},
        {0, FLAG_INT, "seed", "S", "seed of do_something (default 42)", 0, INT64_MAX, &seed},
        FLAG_QUIET(&quiet, "the chunked loop alone, one summary line"),
        OPTS_END_EXITS("-j 4 -n 2M\n-q --seed 7", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, "[-j N] [-n N] [--seed S] [-q]",
               "The parallel-for pattern: starmap(do_range, chunks(n, processes)).", flags);
    struct range ranges[workers]; /* at most one range per worker */
    struct range_result parts[workers];
    struct loop l = {.n = n, .workers = workers, .ranges = ranges, .parts = parts};
    interrupt_install(); /* Ctrl-C, kill: the pool's waits return EINTR */
    l.pool = pool_create(&(struct pool_options){.workers = (int)l.workers});
    if (l.pool == NULL)
        die("pool_create");
    if (quiet)
        chunked(&l);
    else
        show(&l);
    pool_close(l.pool); /* pool.close(); pool.join() */
    if (pool_join(l.pool) != 0)
        die("pool_join");
    pool_destroy(l.pool);
    printf("summary: n %lld, %lld workers, checksum %" PRIu64 "\n", l.n, l.workers, l.checksum);
}
