/* SPDX-License-Identifier: MIT */
/*
 * imap_test.c - unit tests of pool_imap / pool_imap_unordered, modelled on
 * CPython's test_multiprocessing (_TestPool.test_imap, test_imap_unordered,
 * test_imap_handle_iterable_exception, the IMapIterator.next(timeout)
 * cases): one case per bats test.
 * Usage: imap_test CASE   (no argument: list the cases)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "check.h"
#include "pool.h"
#include "timing.h"

static int cube(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    long x = *(const long *)arg;
    *(long *)result = x * x * x;
    return 0;
}

/* Early items sleep longest, so they finish last. */
static int sleep_early(const void *arg, void *result, struct pool_task *task)
{
    long x = *(const long *)arg;
    timing_sleep(task->index < 4 ? 0.05 * (double)(4 - task->index) : 0.0);
    *(long *)result = x * 10;
    return 0;
}

static int kill_on_five(const void *arg, void *result, struct pool_task *task)
{
    long x = *(const long *)arg;
    if (x == 5)
        raise(SIGKILL);
    if (x == 9)
        return pool_task_fail(task, "nine is not allowed");
    *(long *)result = x;
    return 0;
}

static int sleep_300ms(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    timing_sleep(0.3);
    *(long *)result = *(const long *)arg;
    return 0;
}

/* The producer: 0, 1, 2, ... up to *udata items, counting its calls. */
static long produced;
static int count_up(void *arg, size_t index, void *udata)
{
    produced++;
    if (index >= *(size_t *)udata)
        return 0;
    *(long *)arg = (long)index;
    return 1;
}

static struct pool *make_pool(int workers)
{
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    CHECK(pool != NULL);
    return pool;
}

static void end_pool(struct pool *pool)
{
    pool_close(pool);
    CHECK_EQ(pool_join(pool), 0);
    pool_destroy(pool);
}

/* imap: results in input order although the early ones finish last, for
 * chunksize 1 (Python's default) and a chunksize that does not divide. */
static void imap_in_order(void)
{
    struct pool *pool = make_pool(3);
    size_t n = 40;
    for (size_t chunksize = 1; chunksize <= 7; chunksize += 6) {
        struct pool_imap_options o = {.chunksize = chunksize};
        struct pool_imap *it =
            pool_imap(pool, sleep_early, count_up, &n, sizeof(long), sizeof(long), &o);
        CHECK(it != NULL);
        long y;
        for (size_t i = 0; i < n; i++) {
            CHECK_EQ(pool_imap_next(it, &y, POOL_FOREVER), 1);
            CHECK_EQ(y, (long)i * 10);
            CHECK_EQ(pool_imap_index(it), i);
        }
        CHECK_EQ(pool_imap_next(it, &y, POOL_FOREVER), 0); /* StopIteration */
        CHECK_EQ(pool_imap_next(it, &y, POOL_FOREVER), 0); /* and stays so */
        pool_imap_close(it);
    }
    end_pool(pool);
}

/* imap_unordered: every item exactly once; the slow early ones come last. */
static void imap_unordered_completion_order(void)
{
    struct pool *pool = make_pool(3);
    size_t n = 40;
    struct pool_imap *it =
        pool_imap_unordered(pool, sleep_early, count_up, &n, sizeof(long), sizeof(long), NULL);
    CHECK(it != NULL);
    int seen[40] = {0};
    long y;
    size_t first = 0;
    for (size_t k = 0; k < n; k++) {
        CHECK_EQ(pool_imap_next(it, &y, POOL_FOREVER), 1);
        size_t i = pool_imap_index(it);
        CHECK(i < n);
        CHECK_EQ(y, (long)i * 10);
        seen[i]++;
        if (k == 0)
            first = i;
    }
    CHECK(first != 0); /* item 0 sleeps 200 ms: never the first back */
    for (size_t i = 0; i < n; i++)
        CHECK_EQ(seen[i], 1);
    CHECK_EQ(pool_imap_next(it, &y, POOL_FOREVER), 0);
    pool_imap_close(it);
    end_pool(pool);
}

/* next(timeout) raises TimeoutError when the item is not ready, and a later
 * next() still gets it; a negative timeout only looks. */
static void imap_next_timeout(void)
{
    struct pool *pool = make_pool(2);
    size_t n = 2;
    struct pool_imap *it =
        pool_imap(pool, sleep_300ms, count_up, &n, sizeof(long), sizeof(long), NULL);
    long y;
    double t0 = timing_now();
    CHECK_EQ(pool_imap_next(it, &y, 0.05), -1);
    CHECK_EQ(errno, ETIMEDOUT);
    CHECK(timing_now() - t0 >= 0.05);
    CHECK_FASTER_THAN(timing_now() - t0, 0.25);
    CHECK_EQ(pool_imap_next(it, &y, -5.0), -1);
    CHECK_EQ(errno, ETIMEDOUT);
    CHECK_EQ(pool_imap_next(it, &y, POOL_FOREVER), 1);
    CHECK_EQ(y, 0);
    CHECK_EQ(pool_imap_next(it, &y, 5.0), 1);
    CHECK_EQ(y, 1);
    CHECK_EQ(pool_imap_next(it, &y, 0.0), 0);
    pool_imap_close(it);
    end_pool(pool);
}

/* A worker killed mid-imap: that item fails naming SIGKILL, the iterator
 * goes on; a task error likewise. With chunksize 2, both items of each
 * failed chunk are reported. */
static void imap_worker_killed(void)
{
    struct pool *pool = make_pool(2);
    size_t n = 20;
    for (size_t chunksize = 1; chunksize <= 2; chunksize++) {
        struct pool_imap_options o = {.chunksize = chunksize};
        struct pool_imap *it =
            pool_imap(pool, kill_on_five, count_up, &n, sizeof(long), sizeof(long), &o);
        long y;
        for (long i = 0; i < (long)n; i++) {
            bool lost = i / (long)chunksize == 5 / (long)chunksize;
            bool error = i / (long)chunksize == 9 / (long)chunksize;
            int rc = pool_imap_next(it, &y, 30.0);
            CHECK_EQ(pool_imap_index(it), i);
            if (lost || error) {
                CHECK_EQ(rc, -1);
                CHECK_EQ(errno, ECANCELED);
                const struct pool_failure *f = pool_imap_failure(it);
                CHECK(f != NULL);
                CHECK_EQ(f->cause, lost ? POOL_WORKER_KILLED : POOL_TASK_ERROR);
                CHECK_CONTAINS(f->message, lost ? "task 5 failed" : "task 9 failed");
                CHECK_CONTAINS(f->message, lost ? "SIGKILL" : "nine is not allowed");
            } else {
                CHECK_EQ(rc, 1);
                CHECK_EQ(y, i);
                CHECK(pool_imap_failure(it) == NULL);
            }
        }
        CHECK_EQ(pool_imap_next(it, &y, 30.0), 0);
        pool_imap_close(it);
    }
    end_pool(pool);
}

/* An input that fails (a generator that raises): the items before it come
 * out, then its failure once, at its index, then the end. */
static int fail_at_ten(void *arg, size_t index, void *udata)
{
    (void)udata;
    if (index == 10) {
        errno = EBADMSG;
        return -1;
    }
    *(long *)arg = (long)index;
    return 1;
}

static void imap_producer_error(void)
{
    struct pool *pool = make_pool(2);
    struct pool_imap_options o = {.chunksize = 3};
    struct pool_imap *it = pool_imap(pool, cube, fail_at_ten, NULL, sizeof(long), sizeof(long), &o);
    long y;
    for (long i = 0; i < 10; i++) {
        CHECK_EQ(pool_imap_next(it, &y, POOL_FOREVER), 1);
        CHECK_EQ(y, i * i * i);
    }
    CHECK_EQ(pool_imap_next(it, &y, POOL_FOREVER), -1);
    CHECK_EQ(errno, ECANCELED);
    CHECK_EQ(pool_imap_index(it), 10);
    CHECK_CONTAINS(pool_imap_failure(it)->message, "task 10 failed: the producer failed");
    CHECK_EQ(pool_imap_next(it, &y, POOL_FOREVER), 0);
    pool_imap_close(it);
    end_pool(pool);
}

/* Breaking out early (close the iterator), then close and join the pool:
 * join returns promptly, every worker is gone, and the producer was read
 * no further than the window allows. */
static void imap_early_break(void)
{
    struct pool *pool = make_pool(2);
    size_t n = 100000000; /* far more than will ever be read */
    struct pool_imap_options o = {.chunksize = 5, .buffersize = 4};
    produced = 0;
    struct pool_imap *it =
        pool_imap(pool, sleep_early, count_up, &n, sizeof(long), sizeof(long), &o);
    long y;
    for (long i = 0; i < 7; i++)
        CHECK_EQ(pool_imap_next(it, &y, POOL_FOREVER), 1);
    /* 7 items read: 2 chunks handed out, so at most 2 + (2 + 4) chunks read */
    CHECK(produced <= 5L * (2 + 2 + 4));
    pool_imap_close(it);
    pid_t pids[2] = {pool_worker_pid(pool, 0), pool_worker_pid(pool, 1)};
    double t0 = timing_now();
    pool_close(pool);
    CHECK_EQ(pool_join(pool), 0);
    CHECK_FASTER_THAN(timing_now() - t0, 2.0);
    for (int w = 0; w < 2; w++)
        CHECK(kill(pids[w], 0) == -1 && errno == ESRCH); /* reaped */
    pool_destroy(pool);
}

/* Made before pool_close(), the iterator is still read to its end, as
 * Python's task handler feeds an imap whose pool was closed after. */
static void imap_after_pool_close(void)
{
    struct pool *pool = make_pool(2);
    size_t n = 50;
    struct pool_imap *it = pool_imap(pool, cube, count_up, &n, sizeof(long), sizeof(long), NULL);
    pool_close(pool);
    CHECK(pool_imap(pool, cube, count_up, &n, sizeof(long), sizeof(long), NULL) == NULL);
    CHECK_EQ(errno, EINVAL);
    long y, i = 0;
    while (pool_imap_next(it, &y, POOL_FOREVER) == 1) {
        CHECK_EQ(y, i * i * i);
        i++;
    }
    CHECK_EQ(i, 50);
    pool_imap_close(it);
    CHECK_EQ(pool_join(pool), 0);
    pool_destroy(pool);
}

/* An array through pool_array_producer; an empty input ends at once. */
static void imap_array_and_empty(void)
{
    struct pool *pool = make_pool(2);
    long in[5] = {1, 2, 3, 4, 5}, y;
    struct pool_array a = {in, 5, sizeof in[0]};
    struct pool_imap *it =
        pool_imap(pool, cube, pool_array_producer, &a, sizeof(long), sizeof(long), NULL);
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(pool_imap_next(it, &y, POOL_FOREVER), 1);
        CHECK_EQ(y, in[i] * in[i] * in[i]);
    }
    CHECK_EQ(pool_imap_next(it, &y, POOL_FOREVER), 0);
    pool_imap_close(it);
    a.count = 0;
    it = pool_imap_unordered(pool, cube, pool_array_producer, &a, sizeof(long), sizeof(long), NULL);
    CHECK_EQ(pool_imap_next(it, &y, 0.0), 0);
    pool_imap_close(it);
    CHECK(pool_imap(pool, cube, pool_array_producer, &a, 0, sizeof(long), NULL) == NULL);
    CHECK_EQ(errno, EINVAL);
    end_pool(pool);
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
    return ru.ru_maxrss; /* KiB on Linux */
}

/* Ten million generated items through imap (chunksize 1000): the parent's
 * peak RSS grows by less than 4 MiB (two arrays of them would be 160 MB).
 * Under valgrind or sanitizers (FORKLORE_TIME_SCALE > 1) memory is theirs
 * to count: fewer items, and only the sum is checked. */
static void imap_ten_million_bounded_memory(void)
{
    bool scaled = check_time_scale() > 1;
    size_t n = scaled ? 100000 : 10000000;
    struct pool *pool = make_pool(2);
    long before = peak_rss_kib();
    struct pool_imap_options o = {.chunksize = 1000};
    struct pool_imap *it = pool_imap(pool, cube, count_up, &n, sizeof(long), sizeof(long), &o);
    long y;
    size_t count = 0;
    unsigned long sum = 0, expect = 0;
    while (pool_imap_next(it, &y, POOL_FOREVER) == 1) {
        sum += (unsigned long)y;
        expect += (unsigned long)count * count * count;
        count++;
    }
    pool_imap_close(it);
    long grown = peak_rss_kib() - before;
    printf("%zu items, peak RSS grew by %ld KiB\n", count, grown);
    CHECK_EQ(count, n);
    CHECK(sum == expect);
    if (!scaled)
        CHECK(grown < 4L * 1024);
    end_pool(pool);
}

CHECK_MAIN({"imap_in_order", imap_in_order},
           {"imap_unordered_completion_order", imap_unordered_completion_order},
           {"imap_next_timeout", imap_next_timeout}, {"imap_worker_killed", imap_worker_killed},
           {"imap_producer_error", imap_producer_error}, {"imap_early_break", imap_early_break},
           {"imap_after_pool_close", imap_after_pool_close},
           {"imap_array_and_empty", imap_array_and_empty},
           {"imap_ten_million_bounded_memory", imap_ten_million_bounded_memory})
