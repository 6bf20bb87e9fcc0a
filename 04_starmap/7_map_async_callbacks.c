/* SPDX-License-Identifier: MIT */
/*
 * 7_map_async_callbacks.c - starmap_async and map_async with callback and
 * error_callback: the parent is told when the whole map is done (with every
 * result) or has failed, and can wait with a timeout meanwhile.
 *
 *     r = pool.starmap_async(power, pairs, callback=show_sum,
 *                            error_callback=show_error)
 *     r.get(timeout=0.01)        # TimeoutError: the tasks take 50 ms
 *     r.get(); r.successful()    # show_sum ran in the parent, once
 *     r = pool.map_async(power_of_two, [1, 2, -3, 4], error_callback=show_error)
 *     r.wait(); r.successful()   # False: show_error ran, naming task 2
 *
 * Usage: 7_map_async_callbacks [-j N]
 * Look for: the TimeoutError first; each callback's pid is the parent's;
 * successful() true, then false with the failing task named.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

struct pair { /* Python's tuple (x, y) */
    long x, y;
};

/* x ** y after 50 ms of "work"; a negative y is refused (ValueError). */
static int power(const void *arg, void *result, struct pool_task *task)
{
    const struct pair *p = arg;
    timing_sleep(0.050);
    if (p->y < 0)
        return pool_task_fail(task, "negative power %ld", p->y);
    long r = 1;
    for (long k = 0; k < p->y; k++)
        r *= p->x;
    *(long *)result = r;
    return 0;
}

/* def power_of_two(y): return power(2, y) */
static int power_of_two(const void *arg, void *result, struct pool_task *task)
{
    struct pair p = {2, *(const long *)arg};
    return power(&p, result, task);
}

/* callback=show_sum: run in the parent, once, with the whole results list. */
static void show_sum(struct pool_async *job, const void *result, void *udata)
{
    (void)job;
    const long *r = result;
    long sum = 0;
    for (size_t i = 0; i < *(const size_t *)udata; i++)
        sum += r[i];
    printf("[parent %ld] callback in pid %ld: sum of the results = %ld\n", (long)getpid(),
           (long)getpid(), sum);
}

/* error_callback=show_error: run in the parent, at the map's first failure. */
static void show_error(struct pool_async *job, const struct pool_failure *f, void *udata)
{
    (void)job, (void)udata;
    printf("[parent %ld] error_callback in pid %ld: %s\n", (long)getpid(), (long)getpid(),
           f->message);
}

static void print_results(const char *label, const long *v, size_t n)
{
    printf("[parent %ld] %s = [", (long)getpid(), label);
    for (size_t i = 0; i < n; i++)
        printf("%s%ld", i ? ", " : "", v[i]);
    printf("]\n");
}

static void succeeding(struct pool *pool)
{
    static const struct pair pairs[6] = {{2, 1}, {2, 2}, {2, 3}, {3, 2}, {5, 0}, {10, 3}};
    long out[6];
    size_t n = 6;
    struct pool_map_options o = {.callback = show_sum, .error_callback = show_error, .udata = &n};
    struct pool_async *r =
        pool_starmap_async(pool, power, pairs, n, sizeof pairs[0], out, sizeof out[0], &o);
    if (r == NULL)
        die("pool_starmap_async");
    if (pool_async_get(r, NULL, 0.01) != 0 && errno == ETIMEDOUT)
        printf("[parent %ld] r.get(timeout=0.01): TimeoutError; r.ready(): %s\n", (long)getpid(),
               pool_async_ready(r) ? "true" : "false");
    if (pool_async_get(r, NULL, POOL_FOREVER) != 0) /* r.get(): show_sum runs in here */
        die_msg("r.get() failed: %s", pool_async_failure(r)->message);
    print_results("r.get()", out, n);
    printf("[parent %ld] r.successful(): %s\n", (long)getpid(),
           pool_async_successful(r) ? "true" : "false");
    pool_async_release(r);
}

static void failing(struct pool *pool)
{
    static const long ys[4] = {1, 2, -3, 4};
    long out[4];
    struct pool_map_options o = {.chunksize = 1, .error_callback = show_error};
    struct pool_async *r =
        pool_map_async(pool, power_of_two, ys, 4, sizeof ys[0], out, sizeof out[0], &o);
    if (r == NULL)
        die("pool_map_async");
    if (pool_async_wait(r, POOL_FOREVER) != 0) /* r.wait(): show_error runs in here */
        die("pool_async_wait");
    printf("[parent %ld] r.wait() returned; r.ready(): %s, r.successful(): %s\n", (long)getpid(),
           pool_async_ready(r) ? "true" : "false", pool_async_successful(r) ? "true" : "false");
    pool_async_release(r);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long workers = cpus_for_pool();
    const struct flag flags[] = {
        {'j', FLAG_INT, "workers", "N", "worker processes (default: usable CPUs)", 1,
         pool_max_workers(), &workers},
        {0},
    };
    opts_parse(argc, argv, "[-j N]", "starmap_async and map_async with callbacks.", flags);
    struct pool *pool = pool_create(&(struct pool_options){.workers = (int)workers});
    if (pool == NULL)
        die("pool_create");
    printf("[parent %ld] starmap_async(power, pairs, callback=show_sum, "
           "error_callback=show_error) on %lld workers; each task takes 50 ms\n",
           (long)getpid(), workers);
    succeeding(pool);
    printf("[parent %ld] map_async(power_of_two, [1, 2, -3, 4], chunksize=1, "
           "error_callback=show_error)\n",
           (long)getpid());
    failing(pool);
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
    return 0;
}
