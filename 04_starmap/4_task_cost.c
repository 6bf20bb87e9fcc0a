/* SPDX-License-Identifier: MIT */
/*
 * 4_task_cost.c - why the parallel-for sends ranges: every task costs a
 * message out and a result back. Step 3's loop four ways, each timed best
 * of 3: serial; pool.map(do_something, range(n), chunksize=1); map's default
 * chunks; pool.starmap(do_range, chunks(n, processes)).
 * Usage: 4_task_cost [-j N] [-n N] [--chunksize C]   (look for: tasks and
 * bytes sent, best time and verdict per row, one checksum from all four)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "pool.h"
#include "report.h"
#include "timing.h"
#include "verdict.h"

#define RUNS 3 /* timings per row; the best counts */

/* The loop body of step 3 (seed 42): well under a microsecond. */
static uint64_t do_something(uint64_t i)
{
    uint64_t z = 42 + i * UINT64_C(0x9E3779B97F4A7C15);
    for (int r = 0; r < 64; r++) {
        z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
        z ^= z >> 31;
    }
    return z;
}

/* map(do_something, range(n)): one index per item */
static int do_index(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    *(uint64_t *)result = do_something(*(const uint64_t *)arg);
    return 0;
}

/* do_range(start, end): the worker runs the loop over its range. */
static int do_range(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const uint64_t *r = arg; /* (start, end), as in step 3 */
    uint64_t sum = 0;
    for (uint64_t i = r[0]; i < r[1]; i++)
        sum += do_something(i);
    *(uint64_t *)result = sum;
    return 0;
}

static struct pool *pool;
static long long n = 200000, workers, asked = 1; /* -n, -j, --chunksize */
static uint64_t *indices, *out;                  /* range(n) as an array, and n results */
static size_t chunksize, nranges;                /* of the map row being timed; ranges made */
static uint64_t sum, checksum;                   /* this run's checksum; the serial loop's */
static double serial_time;                       /* the serial loop's best */

/* The three ways: each returns its time (for verdict_best_of) and sets sum. */
static double serial(void *unused)
{
    double t0 = timing_now();
    for (uint64_t i = sum = 0; i < (uint64_t)n; i++)
        sum += do_something(i);
    return (void)unused, timing_now() - t0;
}

static double mapped(void *unused) /* n indices out, n results back */
{
    double t0 = timing_now();
    if (pool_map(pool, do_index, indices, (size_t)n, sizeof indices[0], out, sizeof out[0],
                 &(struct pool_map_options){.chunksize = chunksize}) != 0)
        die_msg("map failed: %s", pool_last_failure(pool)->message);
    for (uint64_t i = sum = 0; i < (uint64_t)n; i++)
        sum += out[i];
    return (void)unused, timing_now() - t0;
}

static double ranged(void *unused) /* a range out, a partial sum back, each */
{
    double t0 = timing_now();
    uint64_t ranges[workers][2], parts[workers], end = (uint64_t)n; /* chunks(n, processes) */
    uint64_t size = (end + (uint64_t)workers - 1) / (uint64_t)workers;
    for (uint64_t start = nranges = 0; start < end; start += size, nranges++)
        ranges[nranges][0] = start, ranges[nranges][1] = start + size < end ? start + size : end;
    if (pool_starmap(pool, do_range, ranges, nranges, sizeof ranges[0], parts, sizeof parts[0],
                     &(struct pool_map_options){.chunksize = 1}) != 0)
        die_msg("starmap failed: %s", pool_last_failure(pool)->message);
    for (size_t c = sum = 0; c < nranges; c++)
        sum += parts[c];
    return (void)unused, timing_now() - t0;
}

static unsigned long tasks; /* the last row's tasks per run (pool_get_stats) */
/* One row: time a way best of RUNS, count its tasks and bytes, judge it. */
static double row(const char *how, size_t shown, double (*way)(void *), uint64_t bytes_each)
{
    char label[64];
    struct pool_stats before, after;
    snprintf(label, sizeof label, "%s", how); /* the serial row: no number in it */
    if (shown != 0)
        snprintf(label, sizeof label, how, shown);
    pool_get_stats(pool, &before);
    double best = verdict_best_of(RUNS, way, NULL);
    pool_get_stats(pool, &after);
    tasks = (after.tasks_done - before.tasks_done) / RUNS;
    if (way == serial)
        serial_time = best, checksum = sum;
    printf("%-44s %8lu %10" PRIu64 " %8.1f %7.2fx  %s\n", label, tasks,
           bytes_each * (way == ranged ? nranges : (size_t)n), best * 1e3, serial_time / best,
           way == serial
               ? "(the baseline)"
               : verdict_compare(serial_time, best, "faster than serial", "slower than serial"));
    if (sum != checksum)
        die_msg("checksums differ: the loop was not split right");
    return best;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    workers = cpus_for_pool();
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "worker processes"),
        {'n', FLAG_COUNT, NULL, "N", "indices (default 200000; 1e6, 2M work)", 1, 100000000, &n},
        {0, FLAG_COUNT, "chunksize", "C", "items per task, first map row (default 1)", 1,
         1000000000, &asked},
        OPTS_END("-j 2 -n 1e6 --chunksize 100"),
    };
    opts_parse(argc, argv, "[-j N] [-n N] [--chunksize C]",
               "What a task costs: one loop run four ways, each timed best of 3.", flags);
    if ((indices = malloc(2 * (size_t)n * sizeof *indices)) == NULL)
        die("malloc");
    out = indices + n;
    for (long long i = 0; i < n; i++)
        indices[i] = (uint64_t)i;
    if ((pool = pool_create(&(struct pool_options){.workers = (int)workers})) == NULL)
        die("pool_create");
    printf(
        "[parent %ld] n %lld, %lld workers, best of %d runs per row\n%-44s %8s %10s %8s %8s  %s\n",
        (long)getpid(), n, workers, RUNS, "how", "tasks", "data bytes", "best ms", "speedup",
        "verdict");
    row("for i in range(n) (serial, in the parent)", 0, serial, 0);
    double one =
        row("map(do_something, range(n), chunksize=%zu)", chunksize = (size_t)asked, mapped, 16);
    /* time x workers = serial work + tasks x (cost of one task) */
    printf("%46s(about %.2f us per task)\n", "",
           (one * (double)workers - serial_time) / (double)tasks * 1e6);
    size_t rule = chunksize = pool_default_chunksize((size_t)n, (int)workers);
    row("map(do_something, range(n)) [chunksize=%zu]", rule, mapped, 16);
    row("starmap(do_range, chunks(n, %zu))", (size_t)workers, ranged, 24);
    printf("[parent %ld] all four give checksum %" PRIu64 "\n", (long)getpid(), checksum);
    verdict_print_busy(stdout, "");
    pool_destroy(pool); /* as `with Pool(...)` ends: terminate() (all work is done) */
    printf("summary: n %lld, %lld workers, checksum %" PRIu64 "\n", n, workers, checksum);
    free(indices);
}
