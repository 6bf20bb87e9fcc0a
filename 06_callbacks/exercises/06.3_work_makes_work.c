/* SPDX-License-Identifier: MIT */
/*
 * 06.3_work_makes_work.c - exercise: tasks whose results are more tasks,
 * submitted by the callback; the parent waits for all, then closes the pool.
 * Usage: 06.3_work_makes_work [-j N] [-n N] [--grain G]
 * The primes below N, divide and conquer: a range longer than G comes back as
 * "split me at mid", the callback submits the halves; the count is checked.
 * Python: the callback calls pool.apply_async for the halves; the main thread
 * waits for the pending count to reach 0 (an Event), then close, join.
 */
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "opts.h"
#include "cpus.h"
#include "pool.h"
#include "report.h"

#define MAX_TASKS (1 << 18) /* -n <= 10M, --grain >= 100: <= 17 halvings */

struct range {          /* all longs: no padding bytes to send */
    long lo, hi, grain; /* the numbers lo .. hi - 1; split if longer than grain */
};
struct range_result {
    long lo, hi, split, mid, primes; /* split it at mid if too long, else its primes */
};

static bool is_prime(long x)
{
    for (long d = 2; d * d <= x; d++)
        if (x % d == 0)
            return false;
    return x >= 2;
}

/* Runs in a worker. */
static int count_or_split(const void *argp, void *resultp, struct pool_task *task)
{
    const struct range *arg = argp;
    struct range_result *r = resultp;
    (void)task;
    long mid = arg->lo + (arg->hi - arg->lo) / 2;
    *r = (struct range_result){arg->lo, arg->hi, arg->hi - arg->lo > arg->grain, mid, 0};
    for (long x = arg->lo; x < arg->hi && !r->split; x++)
        r->primes += is_prime(x);
    return 0;
}

struct crawl { /* the parent's state, the callbacks' udata */
    struct pool *pool;
    long grain, primes;
    size_t count, splits, counted, failed;
    struct pool_async *jobs[MAX_TASKS]; /* every task's handle, in submission order */
};

static void on_range(struct pool_async *job, const void *resultp, void *udata);

static void on_error(struct pool_async *job, const struct pool_failure *f, void *udata)
{
    ((struct crawl *)udata)->failed++;
    (void)job;
    printf("[error_callback pid %ld] %s\n", (long)getpid(), f->message);
}

/* apply_async(count_or_split, ...): from main or from a callback, while the pool is open. */
static void submit(struct crawl *c, long lo, long hi)
{
    struct range arg = {lo, hi, c->grain};
    struct pool_apply_options o = {
        .callback = on_range, .error_callback = on_error, .udata = c, .index = c->count};
    struct pool_async *job = pool_apply_async(c->pool, count_or_split, &arg, sizeof arg,
                                              sizeof(struct range_result), &o);
    if (job == NULL) /* EINVAL: the pool is closed already */
        die("pool_apply_async");
    c->jobs[c->count++] = job;
}

/* callback=: runs in the PARENT, inside a pool call (wait, get, join). */
static void on_range(struct pool_async *job, const void *resultp, void *udata)
{
    struct crawl *c = udata;
    const struct range_result *r = resultp;
    (void)job;
#ifdef SOLUTION
    if (r->split) { /* more work, submitted from the parent: the pool is still open */
        c->splits++;
        submit(c, r->lo, r->mid);
        submit(c, r->mid, r->hi);
    } else {
        c->counted++;
        c->primes += r->primes;
    }
#else
    /* TODO 1: if r->split, count it in splits and submit the two halves
     * [lo, mid) and [mid, hi) with submit() above; otherwise count it in
     * counted and add its primes to c->primes. This stub throws it away. */
    (void)c, (void)r;
#endif
}

/* Wait until every task is done, the callbacks' ones too; then Pool.close(), Pool.join(). */
static void wait_for_everything(struct crawl *c)
{
#ifdef SOLUTION
    /* c->count grows meanwhile: at the end of the list, no task is left */
    for (size_t i = 0; i < c->count; i++)
        if (pool_async_wait(c->jobs[i], POOL_FOREVER) != 0)
            die("pool_async_wait");
#else
    /* TODO 2: pool_close() below forbids new tasks, yet the callbacks still
     * submit halves. First wait for every handle in c->jobs with pool_async_wait:
     * the callbacks run inside it and append to c->jobs (c->count grows). */
#endif
    pool_close(c->pool);
    if (pool_join(c->pool) != 0)
        die("pool_join");
}

/* How many tasks ran, and the count against a plain loop of the parent's. */
static int report(struct crawl *c, long long n)
{
    long parent = (long)getpid(), expected = 0; /* the same count, the sequential way */
    size_t ready = 0;
    for (size_t i = 0; i < c->count; i++) {
        ready += pool_async_ready(c->jobs[i]);
        pool_async_release(c->jobs[i]);
    }
    for (long x = 0; x < (long)n; x++)
        expected += is_prime(x);
    printf("[parent %ld] tasks: %zu submitted, %zu done (%zu split, %zu counted, %zu failed)\n",
           parent, c->count, ready, c->splits, c->counted, c->failed);
    printf("[parent %ld] primes below %lld: %ld (a plain loop in the parent: %ld, %s)\n", parent, n,
           c->primes, expected, c->primes == expected ? "the same" : "DIFFERENT");
    bool ok = c->primes == expected && ready == c->count && c->failed == 0;
    return ok && c->splits + c->counted == c->count ? 0 : 1;
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool(), n = 200000, grain = 10000;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "worker processes (default: CPUs)"),
        FLAG_N(&n, 2, 10000000, "count the primes below N (default 200000)"),
        {0, FLAG_COUNT, "grain", "N", "split longer ranges (default 10000)", 100, 10000000, &grain},
        OPTS_END("-j 2 -n 1M --grain 1000"),
    };
    opts_parse(argc, argv, NULL, "Exercise 06.3: results that are more tasks.", flags);
    printf("[parent %ld] the primes below %lld on %lld workers: a range longer than %lld is split "
           "in two, and the callback submits the halves\n",
           (long)getpid(), n, workers, grain);
    setvbuf(stdout, NULL, _IONBF, 0); /* the pool forks: nothing buffered */
    static struct crawl c;            /* zeroed; too big for the stack */
    c.grain = (long)grain;
    c.pool = pool_create(&(struct pool_options){.workers = (int)workers});
    if (c.pool == NULL)
        die("pool_create");
    submit(&c, 0, (long)n); /* one task; the rest come from the callbacks */
    wait_for_everything(&c);
    int status = report(&c, n);
    pool_destroy(c.pool);
    return status;
}
