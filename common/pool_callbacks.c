/* SPDX-License-Identifier: MIT */
/*
 * pool_callbacks.c - callback, error_callback and on_chunk (chapter 06;
 * on_chunk draws chapter 03's timeline).
 *
 * Python's Pool runs callbacks in a thread of the parent. This pool has no
 * thread: a callback runs inside whichever pool call is waiting (get, wait,
 * map, join), in the parent, one at a time, in completion order. While one
 * runs, pool->in_callback is set: waiting inside a callback would wait for
 * itself (EDEADLK), and pool_terminate() from a callback is deferred until
 * the callback has returned (pool_stop.c).
 */
#include "pool_internal.h"

/* A map's options: on_chunk, and map_async's callback and error_callback,
 * all three given options->udata. */
void callback_map_options(struct pool_async *job, const struct pool_map_options *options)
{
    if (options == NULL)
        return;
    job->on_chunk = options->on_chunk;
    job->chunk_udata = job->udata = options->udata;
    job->callback = options->callback;
    job->error_callback = options->error_callback;
}

/* A job's task(s) all succeeded: callback(job, results). */
void callback_success(struct pool_async *job)
{
    struct pool *pool = job->pool;
    if (job->callback == NULL)
        return;
    pool->in_callback = true;
    job->callback(job, job->results, job->udata);
    pool->in_callback = false;
}

/* A job failed: error_callback(job, failure). */
void callback_error(struct pool_async *job)
{
    struct pool *pool = job->pool;
    if (job->error_callback == NULL)
        return;
    pool->in_callback = true;
    job->error_callback(job, &job->failure, job->udata);
    pool->in_callback = false;
}

/* One chunk of a map is back (its results already in place): on_chunk,
 * with who ran it and when, as imap_unordered would hand it out. */
void callback_chunk(struct pool_async *job, const struct inflight *slot, int w,
                    const struct wire_result *r, const unsigned char *results)
{
    struct pool *pool = job->pool;
    if (job->on_chunk == NULL)
        return;
    struct pool_chunk chunk = {
        .number = slot->chunk,
        .first = job->base_index + slot->chunk * job->chunksize,
        .count = job_chunk_items(job, slot->chunk),
        .worker = w,
        .pid = pool->workers[w].pid,
        .started = (double)r->started_ns / 1e9,
        .finished = (double)r->finished_ns / 1e9,
        .results = results,
    };
    pool->in_callback = true;
    job->on_chunk(&chunk, job->chunk_udata);
    pool->in_callback = false;
}
