/* SPDX-License-Identifier: MIT */
/*
 * pool_imap.c - Pool.imap and Pool.imap_unordered (chapter 03): a lazy
 * iterator the caller pulls results from, over inputs that a producer
 * hands out one at a time, so an input larger than memory streams through.
 * Python's side is IMapIterator, IMapUnorderedIterator and the buffersize
 * back-pressure semaphore in Lib/multiprocessing/pool.py.
 *
 * The iterator owns `window` slots (workers + buffersize); each holds one
 * chunk: its arguments, read from the producer, and room for its results.
 * A slot's chunk is submitted as a one-chunk map job (pool_job.c), so a
 * failed chunk (a task error, a killed worker) fails only that job and
 * the others go on. A slot is filled again only once its results have all
 * been handed out: that is the bound on memory. No thread: the producer
 * and the pool run inside pool_imap_next(), as every pool call does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool_internal.h"
#include "timing.h"

struct imap_slot {
    bool busy;                  /* holds a chunk not yet all handed out */
    struct pool_async *job;     /* its job; NULL if it could not be sent */
    struct pool_failure unsent; /* why not */
    size_t chunk;               /* chunks are numbered in input order */
    size_t first, count;        /* the input items [first, first + count) */
    size_t delivered;           /* items already handed out */
    unsigned char *args, *results;
};

struct pool_imap {
    struct pool *pool;
    pool_task_fn fn;
    pool_producer producer;
    void *udata;
    size_t arg_size, result_size, chunksize, window;
    bool ordered;
    bool input_done;       /* the producer said 0 or -1 */
    int input_error;       /* its errno for -1, 0 if none */
    size_t items_read;     /* the next input index */
    size_t chunks_read;    /* the next chunk number */
    size_t next_chunk;     /* ordered: the chunk to hand out next */
    struct imap_slot *now; /* the slot being handed out */
    struct imap_slot *slots;
    unsigned char *memory;
    size_t last_index;
    struct pool_failure failure; /* of the last item, if it failed */
    bool last_failed;
};

int pool_array_producer(void *arg, size_t index, void *udata)
{
    const struct pool_array *a = udata;
    if (index >= a->count)
        return 0;
    memcpy(arg, (const unsigned char *)a->items + index * a->item_size, a->item_size);
    return 1;
}

static struct pool_imap *imap_new(struct pool *pool, pool_task_fn fn, pool_producer producer,
                                  void *udata, size_t arg_size, size_t result_size,
                                  const struct pool_imap_options *options)
{
    size_t chunksize = options && options->chunksize ? options->chunksize : 1;
    size_t buffersize =
        options && options->buffersize ? options->buffersize : 3 * (size_t)pool->nworkers;
    size_t window = (size_t)pool->nworkers + buffersize;
    size_t per_item = arg_size + result_size;
    if (pool->closed || fn == NULL || producer == NULL || arg_size == 0 || result_size == 0 ||
        per_item < arg_size || buffersize > POOL_BYTES_MAX / window / 2 ||
        chunksize > POOL_BYTES_MAX / window / per_item) {
        errno = EINVAL;
        return NULL;
    }
    struct pool_imap *it = calloc(1, sizeof *it);
    if (it == NULL)
        return NULL;
    *it = (struct pool_imap){.pool = pool,
                             .fn = fn,
                             .producer = producer,
                             .udata = udata,
                             .arg_size = arg_size,
                             .result_size = result_size,
                             .chunksize = chunksize,
                             .window = window,
                             .ordered = true};
    it->slots = calloc(window, sizeof *it->slots);
    it->memory = malloc(window * chunksize * per_item);
    if (it->slots == NULL || it->memory == NULL) {
        pool_imap_close(it);
        errno = ENOMEM;
        return NULL;
    }
    for (size_t s = 0; s < window; s++) {
        it->slots[s].args = it->memory + s * chunksize * per_item;
        it->slots[s].results = it->slots[s].args + chunksize * arg_size;
    }
    return it;
}

struct pool_imap *pool_imap(struct pool *pool, pool_task_fn fn, pool_producer producer, void *udata,
                            size_t arg_size, size_t result_size,
                            const struct pool_imap_options *options)
{
    return imap_new(pool, fn, producer, udata, arg_size, result_size, options);
}

struct pool_imap *pool_imap_unordered(struct pool *pool, pool_task_fn fn, pool_producer producer,
                                      void *udata, size_t arg_size, size_t result_size,
                                      const struct pool_imap_options *options)
{
    struct pool_imap *it = imap_new(pool, fn, producer, udata, arg_size, result_size, options);
    if (it != NULL)
        it->ordered = false;
    return it;
}

/* Submit slot s's chunk as a map job of one chunk. The iterator may go
 * on after pool_close(), as Python's task handler feeds an imap whose
 * pool was closed after it was made: job_new() is told the pool is open. */
static void submit(struct pool_imap *it, struct imap_slot *s)
{
    struct pool *pool = it->pool;
    bool closed = pool->closed;
    pool->closed = false;
    struct pool_async *job = job_new(pool, it->fn, s->count, it->arg_size, it->result_size);
    pool->closed = closed;
    s->busy = true;
    s->job = job;
    if (job == NULL) { /* out of memory: this chunk fails, not the loop */
        s->unsent =
            (struct pool_failure){.cause = POOL_TASK_ERROR, .index = s->first, .worker = -1};
        snprintf(s->unsent.message, sizeof s->unsent.message, "task %zu failed: not sent: %s",
                 s->first, strerror(errno));
        return;
    }
    job->is_map = true;
    job->args = s->args;
    job->results = s->results;
    job->chunksize = s->count;
    job->chunks = 1;
    job->base_index = s->first; /* task->index is the input position */
    job_start(pool, job);
}

/* Fill every free slot from the producer, a chunk each, and submit it. */
static void fill(struct pool_imap *it)
{
    for (size_t i = 0; i < it->window && !it->input_done; i++) {
        struct imap_slot *s = &it->slots[i];
        if (s->busy)
            continue;
        s->count = 0;
        s->first = it->items_read;
        while (s->count < it->chunksize && !it->input_done) {
            int rc = it->producer(s->args + s->count * it->arg_size, it->items_read, it->udata);
            if (rc == 1) {
                s->count++;
                it->items_read++;
            } else {
                it->input_done = true;
                it->input_error = rc < 0 ? (errno ? errno : EIO) : 0;
            }
        }
        if (s->count > 0) {
            s->chunk = it->chunks_read++;
            s->delivered = 0;
            submit(it, s);
        }
    }
}

/* The slot to hand out from next, if it is settled: the next chunk in
 * input order (imap), or the oldest settled one (imap_unordered). */
static struct imap_slot *pick(struct pool_imap *it, bool *any_busy)
{
    struct imap_slot *best = NULL;
    *any_busy = false;
    for (size_t i = 0; i < it->window; i++) {
        struct imap_slot *s = &it->slots[i];
        if (!s->busy)
            continue;
        *any_busy = true;
        if (it->ordered && s->chunk != it->next_chunk)
            continue;
        bool settled = s->job == NULL || job_settled(s->job);
        if (settled && (best == NULL || s->chunk < best->chunk))
            best = s;
    }
    return best;
}

static void release_slot(struct imap_slot *s)
{
    pool_async_release(s->job); /* NULL is ignored */
    s->job = NULL;
    s->busy = false;
}

/* Hand out the next item of slot s: 1, or -1 with ECANCELED. */
static int hand_out(struct pool_imap *it, struct imap_slot *s, void *result)
{
    size_t k = s->delivered++;
    it->last_index = s->first + k;
    it->last_failed = s->job == NULL || s->job->state != JOB_DONE;
    if (it->last_failed) {
        it->failure = s->job ? s->job->failure : s->unsent;
        errno = ECANCELED;
        return -1;
    }
    memcpy(result, s->results + k * it->result_size, it->result_size);
    return 1;
}

/* The producer failed: said once, at the index it failed at, then end. */
static int input_failed(struct pool_imap *it)
{
    it->last_index = it->items_read;
    it->last_failed = true;
    it->failure =
        (struct pool_failure){.cause = POOL_TASK_ERROR, .index = it->items_read, .worker = -1};
    snprintf(it->failure.message, sizeof it->failure.message,
             "task %zu failed: the producer failed: %s", it->items_read, strerror(it->input_error));
    it->input_error = 0;
    errno = ECANCELED;
    return -1;
}

int pool_imap_next(struct pool_imap *it, void *result, double timeout)
{
    if (it->pool->in_callback) { /* waiting inside a callback would hang */
        errno = EDEADLK;
        return -1;
    }
    bool forever = timeout == POOL_FOREVER, looked = false;
    double deadline = timing_now() + (forever || !(timeout > 0) ? 0 : timeout);
    for (;;) {
        if (it->now != NULL && it->now->delivered < it->now->count)
            return hand_out(it, it->now, result);
        if (it->now != NULL)
            release_slot(it->now); /* all handed out: room for a chunk */
        fill(it);
        bool any_busy;
        it->now = pick(it, &any_busy);
        if (it->now != NULL) {
            it->next_chunk += it->ordered ? 1 : 0;
            continue;
        }
        if (!any_busy)
            return it->input_error ? input_failed(it) : 0;
        double left = forever ? POOL_FOREVER : deadline - timing_now();
        if (!forever && left <= 0 && looked) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (pool_pump(it->pool, forever || left > 0 ? left : 0) != 0)
            return -1; /* EINTR */
        looked = true;
    }
}

size_t pool_imap_index(const struct pool_imap *it)
{
    return it->last_index;
}

const struct pool_failure *pool_imap_failure(const struct pool_imap *it)
{
    return it->last_failed ? &it->failure : NULL;
}

void pool_imap_close(struct pool_imap *it)
{
    if (it == NULL)
        return;
    for (size_t i = 0; it->slots != NULL && i < it->window; i++) {
        struct pool_async *job = it->slots[i].job;
        if (job != NULL && job->state == JOB_RUNNING) {
            /* Its results would land in memory freed below: drop them. */
            struct pool_failure f = {.cause = POOL_TERMINATED, .worker = -1};
            snprintf(f.message, sizeof f.message, "the iterator was closed");
            job_fail(job, &f, false);
        }
        release_slot(&it->slots[i]);
    }
    free(it->slots);
    free(it->memory);
    free(it);
}
