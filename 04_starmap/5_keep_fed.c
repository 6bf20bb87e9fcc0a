/* SPDX-License-Identifier: MIT */
/*
 * 5_keep_fed.c - starmap_async and map_async: start the work, do something
 * else in the parent, then wait. This pool has no background thread (Python's
 * Pool has three): it sends tasks only while the parent is inside a pool call,
 * so a busy parent keeps its workers fed by calling ready() now and then.
 *     r1 = pool.starmap_async(slow_power, pairs, chunksize=1)
 *     r2 = pool.map_async(slow_cube, range(1, 7), chunksize=1)
 *     ...count primes, looking at r1.ready() every 50000 numbers...
 *     r1.get(); r2.get()
 * Usage: 5_keep_fed   (look for: ready() false at first; the results; the
 * best of 3 with and without looking at ready(), and a verdict)
 */
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "pool.h"
#include "report.h"
#include "timing.h"
#include "verdict.h"

#define NPAIRS 6
#define RUNS   3

struct pair { /* Python's tuple (x, y) */
    long x, y;
};

/* Tasks of 20 ms (a sleep stands in for real work). */
static int slow_power(const void *arg, void *result, struct pool_task *task)
{
    const struct pair *p = arg;
    long r = 1;
    for (long k = 0; k < p->y; k++)
        r *= p->x;
    timing_sleep(0.020);
    *(long *)result = r;
    return (void)task, 0;
}

static int slow_cube(const void *arg, void *result, struct pool_task *task)
{
    long x = *(const long *)arg;
    timing_sleep(0.020);
    *(long *)result = x * x * x;
    return (void)task, 0;
}

static bool is_prime(long k)
{
    for (long d = 2; d * d <= k; d++)
        if (k % d == 0)
            return false;
    return k >= 2;
}

struct run {
    struct pool *pool;
    bool look; /* look at ready() while counting? */
    bool ready_at_start[2], ok[2];
    long powers[NPAIRS], cubes[NPAIRS], primes;
};

/* Start both maps, count primes below 600000, wait: one timed run. */
static double one_run(void *udata)
{
    struct run *r = udata;
    static const struct pair pairs[NPAIRS] = {{1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}, {6, 7}};
    static const long xs[NPAIRS] = {1, 2, 3, 4, 5, 6};
    struct pool_map_options one_each = {.chunksize = 1};
    double t0 = timing_now();
    struct pool_async *a[2] = {pool_map_async(r->pool, slow_power, pairs, NPAIRS, sizeof pairs[0],
                                              r->powers, sizeof r->powers[0], &one_each),
                               pool_map_async(r->pool, slow_cube, xs, NPAIRS, sizeof xs[0],
                                              r->cubes, sizeof r->cubes[0], &one_each)};
    if (a[0] == NULL || a[1] == NULL)
        die("pool_map_async");
    for (int k = 0; k < 2; k++)
        r->ready_at_start[k] = pool_async_ready(a[k]); /* tasks of 20 ms: not yet */
    r->primes = 0;
    for (long k = 0; k < 600000; k++) { /* something else, in the parent */
        r->primes += is_prime(k);
        if (r->look && k % 50000 == 0) /* each look sends waiting tasks to idle workers */
            pool_async_ready(a[0]), pool_async_ready(a[1]);
    }
    for (int k = 0; k < 2; k++) { /* r1.get(); r2.get() */
        if (pool_async_get(a[k], NULL, POOL_FOREVER) != 0)
            die_msg("get() failed: %s", pool_async_failure(a[k])->message);
        r->ok[k] = pool_async_successful(a[k]);
        pool_async_release(a[k]);
    }
    return timing_now() - t0;
}

static void print_longs(const char *label, const long *v)
{
    printf("[parent %ld] %s = [", (long)getpid(), label);
    for (size_t i = 0; i < NPAIRS; i++)
        printf("%s%ld", i ? ", " : "", v[i]);
    printf("]\n");
}

int main(int argc, char **argv)
{
    (void)argc;
    report_set_program(argv[0]);
    struct run r = {.pool = pool_create(&(struct pool_options){.workers = 2})};
    if (r.pool == NULL)
        die("pool_create");
    long me = (long)getpid();
    r.look = true;
    double looking = verdict_best_of(RUNS, one_run, &r);
    printf("[parent %ld] 2 workers; starmap_async(slow_power, pairs) and map_async(slow_cube, "
           "1..6): 12 tasks of 20 ms\n",
           me);
    printf("[parent %ld] ready() right away: %s, %s\n", me, r.ready_at_start[0] ? "true" : "false",
           r.ready_at_start[1] ? "true" : "false");
    printf("[parent %ld] meanwhile the parent found %ld primes below 600000\n", me, r.primes);
    printf("[parent %ld] successful(): %s, %s\n", me, r.ok[0] ? "true" : "false",
           r.ok[1] ? "true" : "false");
    print_longs("starmap_async(slow_power, pairs).get()", r.powers);
    print_longs("map_async(slow_cube, 1..6).get()      ", r.cubes);
    r.look = false;
    double blind = verdict_best_of(RUNS, one_run, &r);
    printf("[parent %ld] best of %d: %.1f ms looking at ready() while counting, %.1f ms never "
           "looking: %s\n",
           me, RUNS, looking * 1e3, blind * 1e3,
           verdict_compare(blind, looking, "looking keeps the workers fed",
                           "looking costs more than it gains"));
    verdict_print_busy(stdout, "");
    pool_destroy(r.pool); /* as `with Pool(...)` ends: terminate() (all work is done) */
    return 0;
}
