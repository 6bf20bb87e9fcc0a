/* SPDX-License-Identifier: MIT */
/*
 * pool.c - the core of the process pool, read in chapter 03: what
 * multiprocessing.Pool(W).map(fn, items) does underneath.
 *
 *   1. pool_create() forks W workers, each with a socket pair: a task
 *      channel (parent -> worker) and a result channel (worker -> parent).
 *   2. pool_map() cuts the items into chunks (Python's chunksize rule).
 *   3. pool_dispatch() sends chunks to the workers that have room.
 *   4. pool_pump() waits in wire_poll() until a worker answers; each chunk's
 *      results land at the chunk's place in the caller's array, so they are
 *      in input order whatever order the workers finish in.
 *   5. pool_close() + pool_join(): all done, the workers exit, reaped.
 *
 * Per worker the parent keeps the chunks it sent and has no answer for,
 * oldest first; a worker answers in that order, so the oldest is the one
 * a result belongs to. What the real pool adds is in files of its own,
 * called through hooks named for them: job_ (pool_job.c), pipeline_
 * (pool_pipeline.c), death_ (pool_death.c), stop_ (pool_stop.c),
 * callback_ (pool_callbacks.c). common/README.md maps them all.
 */
#include "pool.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cpus.h"
#include "pool_internal.h"

/* Python's rule (Pool._map_async): chunksize, extra = divmod(items, 4 * W),
 * plus one if extra. */
size_t pool_default_chunksize(size_t items, int workers)
{
    size_t per_round = 4 * (size_t)(workers > 0 ? workers : 1);
    return items / per_round + (items % per_round != 0);
}

/* ------------------------------------------------ 1. fork the workers */

/* Start worker w: a socket pair, then fork(). Also starts replacements. */
int pool_spawn_worker(struct pool *pool, int w)
{
    int sv[2]; /* sv[0] stays in the parent, sv[1] goes to the child */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return -1;
    fflush(NULL); /* else unflushed output is copied, and printed twice */
    pid_t parent = getpid();
    sigset_t saved;
    stop_block_signals(&saved); /* no Ctrl-C between fork and SIG_IGN */
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        pool_worker_start(pool, w, sv[1], parent, &saved); /* never returns */
    }
    sigprocmask(SIG_SETMASK, &saved, NULL);
    close(sv[1]); /* the child's end; close() of an open fd keeps errno */
    if (pid < 0) {
        close(sv[0]);
        return -1;
    }
    pipeline_start(&pool->workers[w], pid, sv[0]); /* an empty pipeline */
    pool->stats.workers_started++;
    return 0;
}

struct pool *pool_create(const struct pool_options *options)
{
    struct pool_options opts = options ? *options : (struct pool_options){0};
    if (opts.workers == 0)
        opts.workers = cpus_for_pool();
    if (opts.workers < 0 || opts.workers > pool_max_workers()) {
        errno = EINVAL;
        return NULL;
    }
    struct pool *pool = calloc(1, sizeof *pool);
    if (pool == NULL)
        return NULL;
    pool->options = opts;
    pool->nworkers = opts.workers;
    pool->workers = calloc((size_t)opts.workers, sizeof *pool->workers);
    pool->polled = calloc((size_t)opts.workers + 1, sizeof *pool->polled);
    pool->board = death_scoreboard(opts.workers); /* shared: before any fork */
    bool ok = pool->workers && pool->polled && pool->board;
    for (int w = 0; ok && w < pool->nworkers; w++)
        ok = pool_spawn_worker(pool, w) == 0;
    if (!ok) {
        pool_destroy(pool); /* stops the workers started; keeps errno */
        return NULL;
    }
    return pool;
}

/* ------------------------------------------------ 3. the task channel */

/* Send worker w the next chunk of job: a header and the argument bytes. */
static void send_chunk(struct pool *pool, int w, struct pool_async *job)
{
    struct worker *wk = &pool->workers[w];
    size_t chunk = job_take_chunk(job);
    struct wire_task task = job_task(job, chunk); /* fn, first item, count */
    size_t bytes = task.count * job->arg_size;
    const unsigned char *args = job->args + chunk * job->chunksize * job->arg_size;
    /* Small chunks are batched in wk->out and sent by pipeline_flush(). */
    if (pipeline_send_large(wk, &task, args, bytes) ||
        (wire_append(&wk->out, &task, sizeof task) == 0 && wire_append(&wk->out, args, bytes) == 0))
        pipeline_push(wk, job, chunk, bytes);
    else
        job_resend(pool, job, chunk); /* out of memory: try again later */
}

/* Hand out chunks, oldest job first, while some worker has room. */
void pool_dispatch(struct pool *pool)
{
    while (pool->dispatch_head != NULL) {
        struct pool_async *job = pool->dispatch_head;
        if (!job_has_chunk(job)) {
            job_unlink_dispatch(pool, job);
            continue;
        }
        size_t bytes = job_chunk_items(job, job_peek_chunk(job)) * job->arg_size;
        int w = pipeline_pick_worker(pool, job, bytes);
        if (w < 0)
            break; /* every worker is busy enough */
        send_chunk(pool, w, job);
    }
    pipeline_flush(pool);
}

/* ------------------------------------------------ 4. the result channel */

/* One chunk's answer: its results go to the chunk's own place. */
static void handle_result(struct pool *pool, int w, const struct wire_result *r,
                          const unsigned char *payload)
{
    struct inflight slot = pipeline_pop(pool, w, r); /* the oldest chunk sent to w */
    struct pool_async *job = slot.job;
    job_pin(job); /* a callback may release it */
    if (job->state == JOB_RUNNING && r->failed) {
        death_task_failed(job, w, r, (const char *)payload);
    } else if (job->state == JOB_RUNNING) {
        unsigned char *dest = job->results + slot.chunk * job->chunksize * job->result_size;
        if (payload != NULL) /* NULL: pipeline_read_large put it there */
            memcpy(dest + r->offset * job->result_size, payload, r->payload);
        callback_chunk(job, &slot, w, r, dest);
        if (++job->chunks_done == job->chunks && job->state == JOB_RUNNING) {
            job_finish(job, JOB_DONE);
            callback_success(job);
        }
    }
    job_unpin(job);
}

/* Read what worker w sent and handle every whole result. A worker sends
 * whole results: when part of one is here, the rest is on its way. (A large
 * chunk comes in parts: pipeline_part puts each in place.) */
static void read_results(struct pool *pool, int w)
{
    struct worker *wk = &pool->workers[w];
    struct wire_result r;
    do {
        if (wire_await(wk->fd, &wk->in, sizeof r) != 0 || wk->count == 0)
            goto died;
        memcpy(&r, wk->in.data + wk->in.start, sizeof r);
        int large = pipeline_read_large(wk, &r); /* into place, no copy */
        size_t size = large ? 0 : sizeof r + wire_padded(r.payload);
        if (large < 0 || wire_await(wk->fd, &wk->in, size) != 0)
            goto died;
        const unsigned char *payload = large ? NULL : wk->in.data + wk->in.start + sizeof r;
        r.more ? pipeline_part(pool, w, &r, payload) : handle_result(pool, w, &r, payload);
        wire_consume(&wk->in, size);
    } while (wire_filled(&wk->in) > 0 && !pool->terminate_requested);
    return;
died: /* end of file: the worker died (or sent what it was never asked) */
    death_worker_gone(pool, w);
}

/* Send what can be sent, then sleep in poll() until a worker answers (or
 * `timeout` seconds pass) and read what came. 0, or -1 with errno EINTR. */
int pool_pump(struct pool *pool, double timeout)
{
    pool_dispatch(pool);
    int n = pool->nworkers, alive = 0;
    for (int w = 0; w < n; w++) { /* poll() skips an empty slot's fd -1 */
        struct worker *wk = &pool->workers[w];
        pool->polled[w] =
            (struct pollfd){.fd = wk->pid ? wk->fd : -1, .events = pipeline_events(wk)};
        alive += wk->pid != 0;
    }
    if (stop_interrupted()) /* Ctrl-C noticed: back to the program */
        return -1;
    if (alive == 0) /* no worker left: what is left fails (pool_stop.c) */
        return stop_no_workers(pool);
    int watched = n + stop_watch_interrupt(&pool->polled[n]);
    /* poll() takes an int of milliseconds: a long wait is a loop of hours */
    int ms = timeout < 0 ? -1 : timeout > 3600 ? 3600 * 1000 : (int)ceil(timeout * 1000);
    if (wire_poll(pool->polled, (nfds_t)watched, ms) < 0 || stop_interrupted())
        return -1; /* EINTR: a signal handler ran; let the caller look */
    for (int w = 0; w < n && !pool->terminate_requested; w++)
        if (pool->workers[w].pid != 0 && pipeline_ready(&pool->workers[w], pool->polled[w].revents))
            read_results(pool, w);
    if (pool->terminate_requested) { /* by a callback: now it can be done */
        pool->terminate_requested = false;
        pool_terminate(pool);
    }
    pool_dispatch(pool);
    return 0;
}

/* ------------------------------------------------ 2. map */

struct pool_async *pool_map_async(struct pool *pool, pool_task_fn fn, const void *args,
                                  size_t items, size_t arg_size, void *results, size_t result_size,
                                  const struct pool_map_options *options)
{
    if (items > 0 && (args == NULL || results == NULL)) {
        errno = EINVAL;
        return NULL;
    }
    struct pool_async *job = job_new(pool, fn, items, arg_size, result_size);
    if (job == NULL)
        return NULL;
    job->is_map = true;
    job->args = args;
    job->results = results;
    size_t chunksize = options && options->chunksize
                           ? options->chunksize
                           : pool_default_chunksize(items, pool->nworkers);
    job->chunksize = chunksize < items ? chunksize : items; /* one chunk holds it all */
    job->chunks = items ? items / job->chunksize + (items % job->chunksize != 0) : 0;
    callback_map_options(job, options); /* on_chunk, callbacks: pool_callbacks.c */
    job_start(pool, job);               /* the workers start while the caller goes on */
    return job;
}

int pool_map(struct pool *pool, pool_task_fn fn, const void *args, size_t items, size_t arg_size,
             void *results, size_t result_size, const struct pool_map_options *options)
{
    struct pool_async *job =
        pool_map_async(pool, fn, args, items, arg_size, results, result_size, options);
    return job ? pool_wait_and_release(pool, job, NULL) : -1;
}

/* ------------------------------------------------ 5. close and join */

void pool_close(struct pool *pool)
{
    pool->closed = true;
}

int pool_join(struct pool *pool)
{
    if (!pool->closed || pool->in_callback) {
        errno = EINVAL;
        return -1;
    }
    /* Every job, and every chunk of a failed job still in a worker: a
     * worker writing a result nobody reads would never exit. */
    while (pool->running_jobs > 0 || pipeline_chunks_in_flight(pool) > 0)
        if (pool_pump(pool, POOL_FOREVER) != 0)
            return -1;
    stop_workers(pool); /* a goodbye to each, then reap them all */
    return 0;
}
