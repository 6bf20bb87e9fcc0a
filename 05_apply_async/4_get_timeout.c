/* SPDX-License-Identifier: MIT */
/*
 * 4_get_timeout.c - the handle (AsyncResult) without blocking forever:
 * ready() looks, get(timeout) gives up, wait(timeout) waits without taking
 * the result, successful() tells a result from a failure.
 *
 * Python: h = pool.apply_async(nap, (7, 200))
 *         h.ready(); h.get(timeout=0.05)  # raises multiprocessing.TimeoutError
 *         h.wait(5); h.ready(); h.successful(); h.get()
 * Usage: 4_get_timeout  (a pool of 2 workers)
 * Look for: the get with a timeout gives up after 0.05 s while the task
 * goes on; wait returns when it is done, 0.2 s after submission; a task
 * that fails is ready but not successful, and its get() fails with the
 * task's message.
 */
#include "async_steps.h"
#include "opts.h"
#include "timing.h"

struct nap_arg {
    int x, ms;
};

/* Sleep ms milliseconds, then square x; a negative x is an error (Python:
 * raise ValueError(...)). */
static int nap(const void *arg, void *result, struct pool_task *task)
{
    const struct nap_arg *a = arg;
    if (a->x < 0)
        return pool_task_fail(task, "negative input %d", a->x);
    timing_sleep(a->ms / 1000.0);
    *(int *)result = a->x * a->x;
    return 0;
}

static const char *py_bool(bool b)
{
    return b ? "True" : "False";
}

/* A task that succeeds, looked at before and after it is done. */
static void timeout_then_wait(struct pool *pool)
{
    struct nap_arg a = {7, 200};
    struct pool_async *job = submit(pool, nap, &a, sizeof a, sizeof(int), 7);
    say("submitted task 7 (sleeps 200 ms)");
    say("ready() right away: %s", py_bool(pool_async_ready(job)));
    int square;
    double t0 = timing_now();
    if (pool_async_get(job, &square, 0.05) == 0)
        say("get(timeout=0.05): already done (the machine is slow?)");
    else if (errno == ETIMEDOUT)
        say("get(timeout=0.05): timed out after %.3f s (ETIMEDOUT): the task is still running",
            timing_now() - t0);
    else
        pool_call_failed(pool, "pool_async_get");
    if (pool_async_wait(job, 5.0) != 0) /* Python: h.wait(5) */
        pool_call_failed(pool, "pool_async_wait");
    say("wait(timeout=5) returned after %.3f s; ready(): %s, successful(): %s", timing_now() - t0,
        py_bool(pool_async_ready(job)), py_bool(pool_async_successful(job)));
    get_or_stop(pool, job, &square);
    say("get(): %d", square);
}

/* A task that fails: ready, but not successful; get() fails. */
static void failing_task(struct pool *pool)
{
    struct nap_arg a = {-1, 0};
    struct pool_async *job = submit(pool, nap, &a, sizeof a, sizeof(int), 8);
    if (pool_async_wait(job, POOL_FOREVER) != 0)
        pool_call_failed(pool, "pool_async_wait");
    say("task 8 (x = -1): ready(): %s, successful(): %s", py_bool(pool_async_ready(job)),
        py_bool(pool_async_successful(job)));
    int square;
    /* Python: try: h.get() except ValueError as e: ... */
    if (pool_async_get(job, &square, POOL_FOREVER) == 0 || errno != ECANCELED)
        die_msg("task 8 should have failed");
    say("get() fails: %s", pool_async_failure(job)->message);
    pool_async_release(job);
}

int main(int argc, char **argv)
{
    opts_parse(argc, argv, "",
               "ready(), get(timeout), wait(timeout), successful() on a pool of 2 workers.",
               (const struct flag[]){OPTS_END_EXITS("", OPTS_EXITS_INTERRUPT)});
    interrupt_install();
    struct pool *pool = pool_create(&(struct pool_options){.workers = 2});
    if (pool == NULL)
        die("pool_create");
    timeout_then_wait(pool);
    failing_task(pool);
    pool_close(pool);
    if (pool_join(pool) != 0)
        pool_call_failed(pool, "pool_join");
    pool_destroy(pool);
    return 0;
}
