/* SPDX-License-Identifier: MIT */
/*
 * pool_pipeline.c - what makes the pool fast: several chunks in flight per
 * worker, batched sends, and large chunks and results that skip a copy
 * (chapter 03's chunksize sweep and timeline measure it).
 *
 * A socket call costs a microsecond or more and waking a sleeping process
 * tens of microseconds, far more than a small task. So the parent queues
 * several chunks per worker (its pipeline, a ring of what was sent and has
 * no answer yet) and sends a batch with one call; a worker answers a batch
 * with one call. How deep the pipeline goes is learned from how long the
 * function's chunks take: about QUEUED_WORK_SECONDS of work, so that long
 * tasks still go to whichever worker frees up first.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "pool_internal.h"

/* How much work to queue ahead per worker, in seconds. */
#define QUEUED_WORK_SECONDS 0.005

/* The timing slot of fn, or -1 when it has not been measured yet. */
static int timing_slot(const struct pool *pool, pool_task_fn fn)
{
    for (int i = 0; i < TIMED_FUNCTIONS; i++)
        if (pool->timing[i].fn == fn)
            return i;
    return -1;
}

static void note_task_time(struct pool *pool, pool_task_fn fn, const struct wire_result *r)
{
    double seconds = (double)(r->finished_ns - r->started_ns) / 1e9;
    int i = timing_slot(pool, fn);
    if (i >= 0) {
        pool->timing[i].seconds = 0.75 * pool->timing[i].seconds + 0.25 * seconds;
        return;
    }
    i = (int)(pool->next_timing++ % TIMED_FUNCTIONS);
    pool->timing[i].fn = fn;
    pool->timing[i].seconds = seconds;
}

/* How many chunks of fn a worker may hold: about QUEUED_WORK_SECONDS of
 * work, and one while fn's duration is unknown. */
static size_t pipeline_depth(const struct pool *pool, pool_task_fn fn)
{
    int i = timing_slot(pool, fn);
    if (i < 0)
        return 1;
    double seconds = pool->timing[i].seconds;
    if (seconds * PIPELINE_MAX <= QUEUED_WORK_SECONDS)
        return PIPELINE_MAX;
    size_t depth = (size_t)(QUEUED_WORK_SECONDS / seconds);
    return depth > 1 ? depth : 1;
}

/* The least busy worker that may take a chunk of job of `bytes` more, or
 * -1 when none may. */
int pipeline_pick_worker(struct pool *pool, const struct pool_async *job, size_t bytes)
{
    size_t depth = pipeline_depth(pool, job->fn);
    unsigned max_tasks = pool->options.max_tasks_per_worker;
    int best = -1;
    for (int w = 0; w < pool->nworkers; w++) {
        struct worker *wk = &pool->workers[w];
        if (wk->pid == 0 || wk->count >= depth || wk->large_left > 0 || wk->large_pad > 0)
            continue; /* full, or a large chunk is still going out: nothing may pass it */
        if (max_tasks > 0 && wk->tasks_sent >= max_tasks)
            continue; /* it will retire after what it has */
        if (wk->count > 0 && wk->bytes + bytes > INFLIGHT_BYTES_MAX)
            continue;
        if (best < 0 || wk->count < pool->workers[best].count)
            best = w;
    }
    return best;
}

/* A new process in the slot: nothing in flight, nothing buffered. */
void pipeline_start(struct worker *wk, pid_t pid, int fd)
{
    wk->pid = pid;
    wk->fd = fd;
    wk->head = wk->count = wk->bytes = 0;
    wk->tasks_sent = wk->tasks_done = 0;
    wk->in.start = wk->in.end = wk->out.start = wk->out.end = 0;
    wk->large_left = wk->large_pad = 0;
}

/* A chunk was sent to wk: the newest in its pipeline. */
void pipeline_push(struct worker *wk, struct pool_async *job, size_t chunk, size_t bytes)
{
    wk->sent[(wk->head + wk->count) % PIPELINE_MAX] =
        (struct inflight){.job = job, .chunk = chunk, .bytes = bytes};
    wk->count++;
    wk->bytes += bytes;
    wk->tasks_sent++;
    job->inflight++;
}

/* Worker w answered r: the oldest chunk in its pipeline is the one. */
struct inflight pipeline_pop(struct pool *pool, int w, const struct wire_result *r)
{
    struct worker *wk = &pool->workers[w];
    struct inflight slot = wk->sent[wk->head];
    wk->head = (wk->head + 1) % PIPELINE_MAX;
    wk->count--;
    wk->bytes -= slot.bytes;
    wk->tasks_done++;
    wk->start_failures = 0; /* this slot's workers do start */
    pool->stats.tasks_done++;
    note_task_time(pool, slot.job->fn, r);
    slot.job->inflight--;
    return slot;
}

size_t pipeline_chunks_in_flight(const struct pool *pool)
{
    size_t n = 0;
    for (int w = 0; w < pool->nworkers; w++)
        n += pool->workers[w].pid != 0 ? pool->workers[w].count : 0;
    return n;
}

/* The worker is gone: its pipeline is empty (the jobs were told). */
void pipeline_forget(struct worker *wk)
{
    wk->head = wk->count = wk->bytes = 0;
    wk->out.start = wk->out.end = 0;
    wk->large_left = wk->large_pad = 0;
}

/* Send what the socket takes now, never waiting: `out`, then a large
 * chunk's arguments and their padding. -1 when the worker is gone (poll()
 * will report it; what was to go is dropped). */
static int send_more(struct worker *wk)
{
    static const unsigned char zeros[WIRE_ALIGN];
    for (;;) {
        const unsigned char *from = wk->large;
        size_t left = wk->large_left;
        if (wire_filled(&wk->out) > 0)
            from = wk->out.data + wk->out.start, left = wire_filled(&wk->out);
        else if (left == 0)
            from = zeros, left = wk->large_pad;
        if (left == 0)
            return 0;
        /* MSG_NOSIGNAL: a worker gone is EPIPE here, not SIGPIPE. */
        ssize_t sent = send(wk->fd, from, left, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return 0; /* full: poll() says when there is room */
        if (sent < 0) {
            wk->out.start = wk->out.end = 0;
            wk->large_left = wk->large_pad = 0;
            return -1;
        }
        if (wire_filled(&wk->out) > 0)
            wire_consume(&wk->out, (size_t)sent);
        else if (wk->large_left > 0)
            wk->large += sent, wk->large_left -= (size_t)sent;
        else
            wk->large_pad -= (size_t)sent;
    }
}

/* A chunk larger than INFLIGHT_BYTES_MAX goes alone to an idle worker,
 * straight from the caller's array, as the socket takes it: the worker
 * streams it and answers in parts meanwhile, so neither side may block
 * sending while the other does. False for a small chunk: the caller
 * batches it. */
bool pipeline_send_large(struct worker *wk, const struct wire_task *task, const void *args,
                         size_t bytes)
{
    if (bytes <= INFLIGHT_BYTES_MAX)
        return false;
    if (wire_append(&wk->out, task, sizeof *task) != 0)
        return false; /* out of memory: the caller tries its way */
    wk->large = args;
    wk->large_left = bytes;
    wk->large_pad = wire_padded(bytes) - bytes;
    wk->large_job_id = task->job_id;
    send_more(wk);
    return true;
}

/* What poll() should watch on wk's socket: answers, and room to send when
 * something waits to go. */
short pipeline_events(const struct worker *wk)
{
    bool pending = wire_filled(&wk->out) > 0 || wk->large_left > 0 || wk->large_pad > 0;
    return (short)(POLLIN | (pending ? POLLOUT : 0));
}

/* poll() said revents for wk: send more if there is room; true when there
 * is something to read (an answer, or the end of file of a death). */
bool pipeline_ready(struct worker *wk, short revents)
{
    if (revents & POLLOUT)
        send_more(wk);
    return (revents & ~POLLOUT) != 0;
}

/* The job is over (done, failed or abandoned) and its caller may free its
 * arrays: a large chunk of it still being sent is copied to `out` first.
 * (Only a failed job can leave one: a worker answers a chunk's last part
 * only after it has read all of the chunk.) */
void pipeline_release_args(struct pool *pool, const struct pool_async *job)
{
    for (int w = 0; w < pool->nworkers; w++) {
        struct worker *wk = &pool->workers[w];
        if (wk->pid == 0 || wk->large_left == 0 || wk->large_job_id != job->id)
            continue;
        size_t left = wk->large_left, pad = wk->large_pad;
        unsigned char *copy = wire_reserve(&wk->out, left + pad);
        if (copy == NULL) {         /* cannot keep the worker's stream whole */
            kill(wk->pid, SIGKILL); /* poll() reports the death */
        } else {
            memcpy(copy, wk->large, left);
            memset(copy + left, 0, pad);
            wk->out.end += left + pad;
        }
        wk->large_left = wk->large_pad = 0;
    }
}

/* Where a large successful result (or part) should land, or NULL to go
 * through the buffer (small, failed, or for a job that no longer wants
 * it). */
static unsigned char *direct_destination(const struct worker *wk, const struct wire_result *r)
{
    const struct inflight *slot = &wk->sent[wk->head];
    const struct pool_async *job = slot->job;
    if (r->failed || r->payload <= INFLIGHT_BYTES_MAX || job->state != JOB_RUNNING ||
        job->id != r->job_id || slot->chunk != r->chunk)
        return NULL;
    return job->results + (slot->chunk * job->chunksize + r->offset) * job->result_size;
}

/* A part of a large chunk's results (r->more): it goes to its place, and
 * the chunk stays in flight until its last part. payload NULL: it is
 * there already (pipeline_read_large). */
void pipeline_part(struct pool *pool, int w, const struct wire_result *r,
                   const unsigned char *payload)
{
    const struct inflight *slot = &pool->workers[w].sent[pool->workers[w].head];
    const struct pool_async *job = slot->job;
    if (payload == NULL || job->state != JOB_RUNNING || job->id != r->job_id)
        return;
    memcpy(job->results + (slot->chunk * job->chunksize + r->offset) * job->result_size, payload,
           r->payload);
}

/* A large result not yet all here: copy what arrived, then read the rest
 * straight into the caller's array, saving a copy. 1 when done so, 0 when
 * the result goes through the buffer, -1 when the worker is gone. */
int pipeline_read_large(struct worker *wk, const struct wire_result *r)
{
    unsigned char *dest = direct_destination(wk, r);
    size_t size = sizeof *r + wire_padded(r->payload);
    if (dest == NULL || wire_filled(&wk->in) >= size)
        return 0;
    size_t have = wire_filled(&wk->in) - sizeof *r;
    if (have > r->payload)
        have = r->payload;
    memcpy(dest, wk->in.data + wk->in.start + sizeof *r, have);
    wire_consume(&wk->in, sizeof *r + have);
    unsigned char padding[WIRE_ALIGN];
    size_t pad = size - sizeof *r - r->payload;
    size_t pad_here = wire_filled(&wk->in) < pad ? wire_filled(&wk->in) : pad;
    wire_consume(&wk->in, pad_here);
    if (wire_recv_exact(wk->fd, dest + have, r->payload - have) != 0 ||
        wire_recv_exact(wk->fd, padding, pad - pad_here) != 0)
        return -1;
    return 1;
}

/* Send every worker's batch, as far as its socket takes it now; poll()
 * watches for room for the rest. A worker gone: poll() will say so. */
void pipeline_flush(struct pool *pool)
{
    for (int w = 0; w < pool->nworkers; w++)
        if (pool->workers[w].pid != 0)
            send_more(&pool->workers[w]);
}
