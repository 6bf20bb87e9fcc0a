/* SPDX-License-Identifier: MIT */
/*
 * pool_job.c - the parent's record of one submitted map or apply (a job):
 * which chunks are left to send, which a dead worker left to send again,
 * how many came back, and whether it failed. Chapter 03 meets it through
 * pool_map, chapter 05 hands it to the caller as a pool_async handle.
 *
 * A job lives until it is finished (done or failed), released by the
 * caller, and no chunk of it is left in a worker. Callbacks may release
 * the very job they are called for, so the pool pins a job across them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "pool_internal.h"

/* n items of `size` bytes fit in an array, with room to spare for the
 * headers and padding that travel with them. */
static bool fits(size_t n, size_t size)
{
    return size <= POOL_BYTES_MAX / (n > 0 ? n : 1);
}

struct pool_async *job_new(struct pool *pool, pool_task_fn fn, size_t items, size_t arg_size,
                           size_t result_size)
{
    if (pool->closed || fn == NULL || arg_size == 0 || result_size == 0 || !fits(items, arg_size) ||
        !fits(items, result_size)) {
        errno = EINVAL;
        return NULL;
    }
    struct pool_async *job = calloc(1, sizeof *job);
    if (job == NULL)
        return NULL;
    job->pool = pool;
    job->id = ++pool->next_job_id; /* from 1: 0 means none */
    job->fn = fn;
    job->items = items;
    job->arg_size = arg_size;
    job->result_size = result_size;
    job->state = JOB_RUNNING;
    pool->running_jobs++;
    job->prev = pool->last_job;
    if (pool->last_job)
        pool->last_job->next = job;
    else
        pool->first_job = job;
    pool->last_job = job;
    return job;
}

/* Queue the job's chunks for dispatch, behind the jobs already waiting. */
void job_start(struct pool *pool, struct pool_async *job)
{
    if (job->chunks == 0) { /* nothing to do: done already */
        job_finish(job, JOB_DONE);
        return;
    }
    if (pool->dispatch_tail)
        pool->dispatch_tail->next_dispatch = job;
    else
        pool->dispatch_head = job;
    pool->dispatch_tail = job;
    job->waiting_dispatch = true;
    pool_dispatch(pool);
}

void job_finish(struct pool_async *job, enum job_state state)
{
    job->state = state;
    job->pool->running_jobs--;
    job_unlink_dispatch(job->pool, job);
    pipeline_release_args(job->pool, job); /* the caller may free its arrays now */
}

void job_fail(struct pool_async *job, const struct pool_failure *f, bool callbacks)
{
    job->failure = *f;
    job_finish(job, JOB_FAILED);
    job->pool->stats.tasks_failed++;
    if (callbacks)
        callback_error(job);
}

/* Fail every unfinished job the same way: `how` gives the cause and, in
 * its message, the reason. */
void job_fail_all(struct pool *pool, const struct pool_failure *how, bool callbacks)
{
    struct pool_async *next;
    for (struct pool_async *job = pool->first_job; job; job = next) {
        job_pin(job);
        if (job->state == JOB_RUNNING) {
            struct pool_failure f = *how;
            f.index = job->base_index;
            snprintf(f.message, sizeof f.message, "task %zu failed: %.*s", job->base_index,
                     POOL_MESSAGE_MAX, how->message);
            job_fail(job, &f, callbacks);
        }
        next = job->next; /* after the callback, which may free others */
        job_unpin(job);
    }
}

void job_free(struct pool_async *job)
{
    struct pool *pool = job->pool;
    if (job->state == JOB_RUNNING)
        job_finish(job, JOB_FAILED);
    job_unlink_dispatch(pool, job);
    if (job->prev)
        job->prev->next = job->next;
    else
        pool->first_job = job->next;
    if (job->next)
        job->next->prev = job->prev;
    else
        pool->last_job = job->prev;
    free(job->resend);
    free(job->owned);
    free(job);
}

/* Done, and nothing of it still running in a worker. */
bool job_settled(const struct pool_async *job)
{
    return job->state != JOB_RUNNING && job->inflight == 0;
}

/* A released job goes once nothing refers to it any more. */
void job_free_if_finished(struct pool_async *job)
{
    if (job->released && job_settled(job) && job->pins == 0)
        job_free(job);
}

void job_pin(struct pool_async *job)
{
    job->pins++;
}

void job_unpin(struct pool_async *job)
{
    job->pins--;
    job_free_if_finished(job);
}

/* Chunk `chunk` must be sent again (its worker died before starting it). */
void job_resend(struct pool *pool, struct pool_async *job, size_t chunk)
{
    if (job->resend_count == job->resend_capacity) {
        size_t capacity = job->resend_capacity ? 2 * job->resend_capacity : 8;
        size_t *grown = realloc(job->resend, capacity * sizeof *grown);
        if (grown == NULL) {
            struct pool_failure f = {.cause = POOL_TASK_ERROR, .worker = -1};
            snprintf(f.message, sizeof f.message, "out of memory while rescheduling a task");
            job_fail(job, &f, true);
            return;
        }
        job->resend = grown;
        job->resend_capacity = capacity;
    }
    job->resend[job->resend_count++] = chunk;
    if (!job->waiting_dispatch) { /* to the front: these were already due */
        job->next_dispatch = pool->dispatch_head;
        pool->dispatch_head = job;
        if (pool->dispatch_tail == NULL)
            pool->dispatch_tail = job;
        job->waiting_dispatch = true;
    }
}

void job_unlink_dispatch(struct pool *pool, struct pool_async *job)
{
    if (!job->waiting_dispatch)
        return;
    struct pool_async **link = &pool->dispatch_head, *prev = NULL;
    while (*link != job) {
        prev = *link;
        link = &(*link)->next_dispatch;
    }
    *link = job->next_dispatch;
    if (pool->dispatch_tail == job)
        pool->dispatch_tail = prev;
    job->next_dispatch = NULL;
    job->waiting_dispatch = false;
}

bool job_has_chunk(const struct pool_async *job)
{
    return job->state == JOB_RUNNING && (job->resend_count > 0 || job->next_chunk < job->chunks);
}

/* The chunk job_take_chunk() will return: chunks to resend first. */
size_t job_peek_chunk(const struct pool_async *job)
{
    return job->resend_count > 0 ? job->resend[job->resend_count - 1] : job->next_chunk;
}

size_t job_take_chunk(struct pool_async *job)
{
    if (job->resend_count > 0)
        return job->resend[--job->resend_count];
    return job->next_chunk++;
}

/* The header of chunk `chunk`: what a worker needs to run it. fn is sent
 * as an address, valid in the worker because fork() copied the program
 * to the same addresses (see pool.h). */
struct wire_task job_task(const struct pool_async *job, size_t chunk)
{
    return (struct wire_task){
        .kind = WIRE_TASK,
        .job_id = job->id,
        .chunk = chunk,
        .fn = job->fn,
        .first = job->base_index + chunk * job->chunksize,
        .count = job_chunk_items(job, chunk),
        .arg_size = job->arg_size,
        .result_size = job->result_size,
    };
}

size_t job_chunk_items(const struct pool_async *job, size_t chunk)
{
    size_t left = job->items - chunk * job->chunksize;
    return left < job->chunksize ? left : job->chunksize;
}
