/* SPDX-License-Identifier: MIT */
/*
 * pool_async.c - apply, apply_async and the AsyncResult calls (chapter 05):
 * a handle for work that runs while the caller goes on, and waiting for it
 * with or without a timeout.
 *
 * Waiting is pumping: pool_async_wait() calls pool_pump() (pool.c), which
 * sends chunks and reads results for every job, until this one is settled:
 * finished, and no chunk of it left in a worker.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool_internal.h"
#include "timing.h"

struct pool_async *pool_apply_async(struct pool *pool, pool_task_fn fn, const void *arg,
                                    size_t arg_size, size_t result_size,
                                    const struct pool_apply_options *options)
{
    struct pool_async *job = job_new(pool, fn, 1, arg_size, result_size);
    if (job == NULL)
        return NULL;
    /* Our own copy of the argument, and room for the result behind it.
     * job_new() checked both sizes, so the sum cannot overflow. */
    size_t arg_room = wire_padded(arg_size);
    job->owned = malloc(arg_room + result_size);
    if (job->owned == NULL) {
        job_free(job);
        errno = ENOMEM;
        return NULL;
    }
    memcpy(job->owned, arg, arg_size);
    job->args = job->owned;
    job->results = job->owned + arg_room;
    job->chunksize = 1;
    job->chunks = 1;
    if (options) {
        job->callback = options->callback;
        job->error_callback = options->error_callback;
        job->udata = options->udata;
        job->base_index = options->index;
    }
    job_start(pool, job);
    return job;
}

/* Wait for a job the caller will not see again, keeping its failure. */
int pool_wait_and_release(struct pool *pool, struct pool_async *job, void *result)
{
    int rc = pool_async_get(job, result, POOL_FOREVER);
    int saved = errno;
    if (rc != 0 && job->state == JOB_FAILED)
        pool->last_failure = job->failure;
    if (rc != 0 && job->state == JOB_RUNNING) {
        /* Interrupted: abandon the job, so no result lands later in memory
         * the caller may have freed by then. */
        struct pool_failure f = {.cause = POOL_TERMINATED, .worker = -1};
        snprintf(f.message, sizeof f.message, "interrupted");
        job_fail(job, &f, false);
    }
    pool_async_release(job);
    errno = saved;
    return rc;
}

int pool_apply(struct pool *pool, pool_task_fn fn, const void *arg, size_t arg_size, void *result,
               size_t result_size)
{
    struct pool_async *job = pool_apply_async(pool, fn, arg, arg_size, result_size, NULL);
    if (job == NULL)
        return -1;
    return pool_wait_and_release(pool, job, result);
}

/* Pool.starmap (chapter 04): Python passes a tuple per task, C a struct,
 * so it is pool_map() with a struct per item. */
int pool_starmap(struct pool *pool, pool_task_fn fn, const void *args, size_t items,
                 size_t arg_size, void *results, size_t result_size,
                 const struct pool_map_options *options)
{
    return pool_map(pool, fn, args, items, arg_size, results, result_size, options);
}

/* Pool.starmap_async (chapter 04): pool_map_async() with a struct per item. */
struct pool_async *pool_starmap_async(struct pool *pool, pool_task_fn fn, const void *args,
                                      size_t items, size_t arg_size, void *results,
                                      size_t result_size, const struct pool_map_options *options)
{
    return pool_map_async(pool, fn, args, items, arg_size, results, result_size, options);
}

const struct pool_failure *pool_last_failure(const struct pool *pool)
{
    return &pool->last_failure;
}

int pool_async_wait(struct pool_async *job, double timeout)
{
    struct pool *pool = job->pool;
    bool forever = timeout == POOL_FOREVER;
    if (!forever && !(timeout > 0))
        timeout = 0; /* other negatives and NaN: look once, as Python does */
    double deadline = timing_now() + timeout;
    while (!job_settled(job)) {
        if (pool->in_callback) { /* waiting inside a callback would hang */
            errno = EDEADLK;
            return -1;
        }
        double left = forever ? POOL_FOREVER : deadline - timing_now();
        if (pool_pump(pool, forever || left > 0 ? left : 0) != 0)
            return -1;
        if (!job_settled(job) && !forever && timing_now() >= deadline) {
            errno = ETIMEDOUT;
            return -1;
        }
    }
    return 0;
}

int pool_async_get(struct pool_async *job, void *result, double timeout)
{
    if (pool_async_wait(job, timeout) != 0)
        return -1;
    if (job->state == JOB_FAILED) {
        errno = ECANCELED;
        return -1;
    }
    if (result != NULL && !job->is_map)
        memcpy(result, job->results, job->result_size);
    return 0;
}

bool pool_async_ready(struct pool_async *job)
{
    if (!job_settled(job) && !job->pool->in_callback)
        pool_pump(job->pool, 0); /* look, without waiting */
    return job_settled(job);
}

bool pool_async_successful(struct pool_async *job)
{
    return pool_async_ready(job) && job->state == JOB_DONE;
}

size_t pool_async_index(const struct pool_async *job)
{
    return job->base_index;
}

const struct pool_failure *pool_async_failure(const struct pool_async *job)
{
    return job->state == JOB_FAILED ? &job->failure : NULL;
}

void pool_async_release(struct pool_async *job)
{
    if (job == NULL)
        return;
    job->released = true;
    job_free_if_finished(job);
}
