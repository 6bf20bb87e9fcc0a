/* SPDX-License-Identifier: MIT */
/*
 * map_async_test.c - unit tests of pool_map_async / pool_starmap_async with
 * callback and error_callback, modelled on CPython's test_multiprocessing
 * (_TestPool.test_map_async, test_map_async_callbacks, test_starmap_async,
 * test_async_timeout, test_map_unplicklable's error path): one case per
 * bats test.
 * Usage: map_async_test CASE   (no argument: list the cases)
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "check.h"
#include "pool.h"
#include "timing.h"

struct pair {
    long x, y;
};

static int power(const void *arg, void *result, struct pool_task *task)
{
    const struct pair *p = arg;
    if (p->y < 0)
        return pool_task_fail(task, "negative power %ld", p->y);
    long r = 1;
    for (long k = 0; k < p->y; k++)
        r *= p->x;
    *(long *)result = r;
    return 0;
}

static int slow_double(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    timing_sleep(0.1);
    *(long *)result = 2 * *(const long *)arg;
    return 0;
}

/* What the callbacks saw, and in which process they ran. */
struct seen {
    int callbacks, errors;
    pid_t pid;
    long first, last;
    char message[400];
};

static void got_all(struct pool_async *job, const void *result, void *udata)
{
    (void)job;
    struct seen *s = udata;
    const long *r = result;
    s->callbacks++;
    s->pid = getpid();
    s->first = r[0];
    s->last = r[5];
}

static void failed(struct pool_async *job, const struct pool_failure *f, void *udata)
{
    (void)job;
    struct seen *s = udata;
    s->errors++;
    s->pid = getpid();
    snprintf(s->message, sizeof s->message, "%s", f->message);
}

static struct pool *make_pool(void)
{
    struct pool *pool = pool_create(&(struct pool_options){.workers = 2});
    CHECK(pool != NULL);
    return pool;
}

static void end_pool(struct pool *pool)
{
    pool_close(pool);
    CHECK_EQ(pool_join(pool), 0);
    pool_destroy(pool);
}

/* starmap_async(power, pairs, callback=got_all): the callback runs once, in
 * the parent, with the whole results list; get, ready, successful. */
static void starmap_async_callback(void)
{
    struct pool *pool = make_pool();
    struct pair pairs[6] = {{2, 1}, {2, 2}, {2, 3}, {3, 2}, {5, 0}, {10, 3}};
    long out[6];
    struct seen s = {0};
    struct pool_map_options o = {.callback = got_all, .error_callback = failed, .udata = &s};
    struct pool_async *r =
        pool_starmap_async(pool, power, pairs, 6, sizeof pairs[0], out, sizeof out[0], &o);
    CHECK(r != NULL);
    CHECK_EQ(pool_async_get(r, NULL, 10.0), 0);
    CHECK(pool_async_ready(r));
    CHECK(pool_async_successful(r));
    CHECK_EQ(s.callbacks, 1);
    CHECK_EQ(s.errors, 0);
    CHECK_EQ(s.pid, getpid());
    CHECK_EQ(s.first, 2);
    CHECK_EQ(s.last, 1000);
    long want[6] = {2, 4, 8, 9, 1, 1000};
    for (int i = 0; i < 6; i++)
        CHECK_EQ(out[i], want[i]);
    pool_async_release(r);
    end_pool(pool);
}

/* A task fails: error_callback once (naming it), callback never; get says
 * ECANCELED, successful is false, the failure is kept. */
static void map_async_error_callback(void)
{
    struct pool *pool = make_pool();
    struct pair pairs[6] = {{2, 1}, {2, 2}, {2, -3}, {3, 2}, {5, 0}, {10, 3}};
    long out[6];
    struct seen s = {0};
    struct pool_map_options o = {
        .chunksize = 1, .callback = got_all, .error_callback = failed, .udata = &s};
    struct pool_async *r =
        pool_map_async(pool, power, pairs, 6, sizeof pairs[0], out, sizeof out[0], &o);
    CHECK_EQ(pool_async_get(r, NULL, POOL_FOREVER), -1);
    CHECK_EQ(errno, ECANCELED);
    CHECK(pool_async_ready(r));
    CHECK(!pool_async_successful(r));
    CHECK_EQ(s.callbacks, 0);
    CHECK_EQ(s.errors, 1);
    CHECK_EQ(s.pid, getpid());
    CHECK_CONTAINS(s.message, "task 2 failed: negative power -3");
    CHECK_CONTAINS(pool_async_failure(r)->message, "negative power -3");
    pool_async_release(r);
    end_pool(pool);
}

/* get(timeout) raises TimeoutError while the map runs, wait(timeout) too;
 * ready() is false; then wait() and get() succeed. */
static void map_async_timeouts(void)
{
    struct pool *pool = make_pool();
    long in[4] = {1, 2, 3, 4}, out[4];
    struct seen s = {0};
    struct pool_map_options o = {.chunksize = 1};
    struct pool_async *r =
        pool_map_async(pool, slow_double, in, 4, sizeof in[0], out, sizeof out[0], &o);
    double t0 = timing_now();
    CHECK_EQ(pool_async_get(r, NULL, 0.02), -1);
    CHECK_EQ(errno, ETIMEDOUT);
    CHECK_EQ(pool_async_wait(r, 0.02), -1);
    CHECK_EQ(errno, ETIMEDOUT);
    CHECK_FASTER_THAN(timing_now() - t0, 0.15);
    CHECK(!pool_async_ready(r));
    CHECK_EQ(pool_async_wait(r, 10.0), 0);
    CHECK(pool_async_ready(r));
    CHECK_EQ(pool_async_get(r, NULL, 0.0), 0);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(out[i], 2 * in[i]);
    CHECK_EQ(s.callbacks, 0); /* none given */
    pool_async_release(r);
    end_pool(pool);
}

/* An empty map is ready at once and calls no callback, as Python's
 * MapResult does for length 0. */
static void map_async_empty(void)
{
    struct pool *pool = make_pool();
    struct seen s = {0};
    struct pool_map_options o = {.callback = got_all, .error_callback = failed, .udata = &s};
    long none[1];
    struct pool_async *r =
        pool_starmap_async(pool, power, none, 0, sizeof(struct pair), none, sizeof none[0], &o);
    CHECK(r != NULL);
    CHECK(pool_async_ready(r));
    CHECK(pool_async_successful(r));
    CHECK_EQ(pool_async_get(r, NULL, 0.0), 0);
    CHECK_EQ(s.callbacks + s.errors, 0);
    pool_async_release(r);
    end_pool(pool);
}

CHECK_MAIN({"starmap_async_callback", starmap_async_callback},
           {"map_async_error_callback", map_async_error_callback},
           {"map_async_timeouts", map_async_timeouts}, {"map_async_empty", map_async_empty})
