/* SPDX-License-Identifier: MIT */
/*
 * pool.c - the parent's side of the process pool; see pool.h for the
 * contract and pool_worker.c for the workers' side.
 *
 * The parent keeps every submitted job (a map or one apply_async) and splits
 * it into chunks. A worker has its own socket and a short queue of chunks
 * "in flight" (sent, result not yet back); results come back in the order
 * the chunks were sent, so the oldest in-flight chunk is always the one a
 * worker is running. That is how a dead worker's task is named exactly.
 *
 * Everything happens in pump(): send chunks to workers with room, sleep in
 * poll() until a worker has written something, read results, run callbacks.
 * Waiting calls (get, wait, map, join) pump until what they wait for is done,
 * so an idle pool costs no CPU: everyone sleeps in poll() or recv().
 */
#include "pool.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpus.h"
#include "interrupt.h"
#include "pool_wire.h"
#include "timing.h"
#include "waitstatus.h"

enum {
    /* Chunks in flight per worker when tasks are short... */
    PIPELINE_MAX = 64,
    /* ...and at most this many argument bytes, far below a socket's
     * buffer, so that sending them can never block the parent. A larger
     * chunk is sent alone, to a worker with nothing in flight. */
    INFLIGHT_BYTES_MAX = 64 * 1024,
};

/* How much work to queue ahead per worker, in seconds: short tasks are
 * queued several at a time (up to PIPELINE_MAX), to hide the time a worker
 * would otherwise wait for its next one; tasks longer than this go one at a
 * time, so that whichever worker frees up first takes the next. */
#define QUEUED_WORK_SECONDS 0.005
/* Task durations are learned per task function (different functions take
 * different times), for this many functions at once. */
enum { TIMED_FUNCTIONS = 16 };
/* pool_terminate(): how long SIGTERM gets before SIGKILL. */
#define TERMINATE_GRACE_SECONDS 0.2

enum job_state { JOB_RUNNING, JOB_DONE, JOB_FAILED };

struct pool_async {
    struct pool *pool;
    uint64_t id;
    pool_task_fn fn;
    const unsigned char *args;
    unsigned char *results;
    size_t items, arg_size, result_size, chunksize, chunks;
    size_t base_index;                    /* task->index of item 0 */
    size_t next_chunk;                    /* the first chunk never sent */
    size_t *resend;                       /* chunks to send again: their worker died */
    size_t resend_count, resend_capacity; /* before it started them */
    size_t chunks_done;
    size_t inflight; /* chunks sent, result not yet back */
    enum job_state state;
    bool is_map;           /* results live in the caller's array */
    bool released;         /* the caller is done with the handle */
    bool waiting_dispatch; /* in the pool's dispatch list */
    unsigned pins;         /* the pool is using it across a callback */
    struct pool_failure failure;
    pool_callback callback;
    pool_error_callback error_callback;
    void *udata;
    void (*on_chunk)(const struct pool_chunk *chunk, void *udata);
    void *chunk_udata;
    unsigned char *owned;             /* apply: our copy of arg and result */
    struct pool_async *prev, *next;   /* every job, oldest first */
    struct pool_async *next_dispatch; /* jobs with chunks left to send */
};

struct inflight {
    struct pool_async *job;
    size_t chunk;
    size_t bytes;
};

struct worker {
    pid_t pid;                          /* 0: no process in this slot */
    int fd;                             /* the parent's end of the socket pair */
    struct inflight sent[PIPELINE_MAX]; /* a ring, oldest at head */
    size_t head, count, bytes;
    unsigned tasks_sent; /* since this process started */
    unsigned tasks_done;
    unsigned start_failures; /* processes in this slot that died before
                                their first task, in a row */
    struct wire_buffer in, out;
};

struct pool {
    struct worker *workers;
    int nworkers;
    struct wire_scoreboard *board; /* shared with the workers */
    struct pollfd *polled;         /* room for poll()'s arguments */
    int *polled_worker;
    struct pool_options options;
    uint64_t next_job_id;
    struct pool_async *first_job, *last_job;
    struct pool_async *dispatch_head, *dispatch_tail;
    size_t running_jobs;
    struct {
        pool_task_fn fn;
        double seconds; /* moving average of its chunks' durations */
    } timing[TIMED_FUNCTIONS];
    unsigned next_timing; /* the timing slot to reuse next */
    bool closed, stopping, in_callback;
    bool terminate_requested;       /* by a callback: done after it */
    bool broken;                    /* every slot was given up: */
    struct pool_failure why_broken; /* why, for every task left */
    struct pool_failure last_failure;
    struct pool_stats stats;
};

/* ------------------------------------------------------------------ */
/* Workers: start, lose, replace                                       */
/* ------------------------------------------------------------------ */

int pool_max_workers(void)
{
    return 8 * cpus_usable();
}

size_t pool_default_chunksize(size_t items, int workers)
{
    size_t per_round = 4 * (size_t)(workers > 0 ? workers : 1);
    return items / per_round + (items % per_round != 0);
}

static int spawn_worker(struct pool *pool, int w)
{
    int sv[2];
    /* One socket pair per worker: sv[0] stays in the parent, sv[1] goes to
     * the child. SOCK_CLOEXEC: neither leaks into a program exec'd later. */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return -1;
    /* Without this, text printed but not yet flushed would be copied into
     * the child's stdio buffer too, and printed twice. */
    fflush(NULL);
    pid_t parent = getpid();
    /* Block SIGINT and SIGTERM across fork(): a Ctrl-C landing between
     * fork() and the child's signal(SIGINT, SIG_IGN) would otherwise kill
     * the new worker. The child unblocks them once its dispositions are
     * set (pool_worker_main), the parent right after fork(). */
    sigset_t block, saved_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &saved_mask);
    pid_t pid = fork();
    if (pid != 0)
        sigprocmask(SIG_SETMASK, &saved_mask, NULL);
    if (pid < 0) {
        int saved = errno;
        close(sv[0]);
        close(sv[1]);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        /* child: keep only our own end of our own socket */
        close(sv[0]);
        for (int i = 0; i < pool->nworkers; i++)
            if (i != w && pool->workers[i].pid != 0)
                close(pool->workers[i].fd);
        struct worker_setup setup = {
            .index = w,
            .fd = sv[1],
            .parent = parent,
            .max_tasks = pool->options.max_tasks_per_worker,
            .board = pool->board,
            .initializer = pool->options.initializer,
            .initializer_udata = pool->options.initializer_udata,
            .task_udata = pool->options.task_udata,
            .signal_mask = saved_mask,
        };
        pool_worker_main(&setup); /* never returns */
    }
    close(sv[1]);
    struct worker *wk = &pool->workers[w];
    wk->pid = pid;
    wk->fd = sv[0];
    wk->head = wk->count = wk->bytes = 0;
    wk->tasks_sent = wk->tasks_done = 0;
    wk->in.start = wk->in.end = 0;
    wk->out.start = wk->out.end = 0;
    pool->stats.workers_started++;
    return 0;
}

static void reap(pid_t pid, int *status)
{
    while (waitpid(pid, status, 0) < 0) {
        if (errno != EINTR) { /* cannot happen for our own child */
            *status = 0;
            return;
        }
    }
}

static void unlink_dispatch(struct pool *pool, struct pool_async *job);
static void fail_job(struct pool_async *job, const struct pool_failure *f, bool run_callback);
static void free_job_if_finished(struct pool_async *job);

/* A callback may release the very job it is called for: the pool pins a job
 * while it runs callbacks, and frees it (if released) when it unpins. */
static void pin(struct pool_async *job)
{
    job->pins++;
}

static void unpin(struct pool_async *job)
{
    job->pins--;
    free_job_if_finished(job);
}

static void push_resend(struct pool *pool, struct pool_async *job, size_t chunk)
{
    if (job->resend_count == job->resend_capacity) {
        size_t capacity = job->resend_capacity ? 2 * job->resend_capacity : 8;
        size_t *grown = realloc(job->resend, capacity * sizeof *grown);
        if (grown == NULL) {
            struct pool_failure f = {.cause = POOL_TASK_ERROR, .worker = -1};
            snprintf(f.message, sizeof f.message, "out of memory while rescheduling a task");
            fail_job(job, &f, true);
            return;
        }
        job->resend = grown;
        job->resend_capacity = capacity;
    }
    job->resend[job->resend_count++] = chunk;
    if (!job->waiting_dispatch) {
        /* to the front: these chunks were already due */
        job->next_dispatch = pool->dispatch_head;
        pool->dispatch_head = job;
        if (pool->dispatch_tail == NULL)
            pool->dispatch_tail = job;
        job->waiting_dispatch = true;
    }
}

static void describe_death(struct pool_failure *f, int status)
{
    char how[64];
    if (WIFSIGNALED(status)) {
        f->cause = POOL_WORKER_KILLED;
        f->signal = WTERMSIG(status);
    } else {
        f->cause = POOL_WORKER_EXITED;
        f->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    snprintf(f->message, sizeof f->message, "task %zu failed: worker %d (pid %ld) %s%s", f->index,
             f->worker, (long)f->pid, WIFSIGNALED(status) ? "was " : "",
             wait_describe(status, how, sizeof how));
}

/* Fail every unfinished job the same way: `how` gives the cause and, in
 * its message, the reason. */
static void fail_all_running(struct pool *pool, const struct pool_failure *how, bool callbacks)
{
    struct pool_async *next;
    for (struct pool_async *job = pool->first_job; job; job = next) {
        pin(job);
        if (job->state == JOB_RUNNING) {
            struct pool_failure f = *how;
            f.index = job->base_index;
            snprintf(f.message, sizeof f.message, "task %zu failed: %.*s", job->base_index,
                     POOL_MESSAGE_MAX, how->message);
            fail_job(job, &f, callbacks);
        }
        next = job->next; /* after the callback, which may free others */
        unpin(job);
    }
}

/* Slot w's processes keep dying before their first task: leave it empty.
 * When no slot is left, every task the pool cannot run fails, now and
 * later, with the cause of the last death. */
static void give_up_slot(struct pool *pool, int w, pid_t pid, int status)
{
    struct pool_failure *f = &pool->why_broken;
    char how[64];
    *f = (struct pool_failure){.worker = w, .pid = pid};
    describe_death(f, status);
    snprintf(f->message, sizeof f->message, "%s (worker %d, pid %ld, %s, %d times in a row)",
             pool->options.initializer ? "the initializer keeps failing"
                                       : "workers keep dying before their first task",
             w, (long)pid, wait_describe(status, how, sizeof how), POOL_START_FAILURES);
    for (int i = 0; i < pool->nworkers; i++)
        if (pool->workers[i].pid != 0)
            return; /* others carry on */
    pool->broken = true;
    fail_all_running(pool, f, true);
}

/* A worker's socket reached end of file: the process is gone. Reap it, fail
 * the task it was running, send the ones queued behind it elsewhere, and
 * start a replacement. */
static void worker_gone(struct pool *pool, int w)
{
    struct worker *wk = &pool->workers[w];
    struct wire_scoreboard *board = &pool->board[w];
    int status;
    reap(wk->pid, &status);
    close(wk->fd);
    pid_t pid = wk->pid;
    wk->pid = 0;
    bool died_in_task = board->job_id != 0;
    bool retired = wk->count == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
                   pool->options.max_tasks_per_worker > 0 &&
                   wk->tasks_done >= pool->options.max_tasks_per_worker;

    if (retired)
        pool->stats.workers_retired++;
    else if (!pool->stopping)
        pool->stats.workers_lost++;

    /* The scoreboard names the chunk it was running. Chunks before it in
     * flight had finished, but their results died unsent in its buffer;
     * those and the ones after it go to other workers. */
    for (size_t i = 0; i < wk->count; i++) {
        struct inflight *slot = &wk->sent[(wk->head + i) % PIPELINE_MAX];
        struct pool_async *job = slot->job;
        job->inflight--;
        bool running_this = died_in_task && board->job_id == job->id && board->chunk == slot->chunk;
        pin(job);
        if (running_this && job->state == JOB_RUNNING) {
            struct pool_failure f = {.worker = w, .pid = pid, .index = board->item};
            describe_death(&f, status);
            fail_job(job, &f, true);
        } else if (job->state == JOB_RUNNING) {
            push_resend(pool, job, slot->chunk);
        }
        unpin(job);
    }
    wk->head = wk->count = wk->bytes = 0;
    board->job_id = 0;

    if (pool->stopping)
        return;
    /* A worker that dies before running anything (a crashing initializer,
     * say) would be replaced forever: a slot is given up after a few. */
    bool died_starting = !died_in_task && wk->tasks_done == 0 && !retired;
    wk->start_failures = died_starting ? wk->start_failures + 1 : 0;
    if (wk->start_failures >= POOL_START_FAILURES) {
        give_up_slot(pool, w, pid, status);
    } else if (spawn_worker(pool, w) != 0) {
        struct pool_failure f = {.cause = POOL_WORKER_EXITED, .worker = w};
        snprintf(f.message, sizeof f.message, "cannot start a worker: %s", strerror(errno));
        pool->stopping = true; /* no more replacements */
        fail_all_running(pool, &f, true);
    }
}

/* ------------------------------------------------------------------ */
/* Jobs: results and failures                                          */
/* ------------------------------------------------------------------ */

static void finish_job(struct pool_async *job, enum job_state state)
{
    job->state = state;
    job->pool->running_jobs--;
    unlink_dispatch(job->pool, job);
}

static void run_callback(struct pool_async *job)
{
    struct pool *pool = job->pool;
    if (job->callback == NULL)
        return;
    pool->in_callback = true;
    job->callback(job, job->results, job->udata);
    pool->in_callback = false;
}

static void fail_job(struct pool_async *job, const struct pool_failure *f, bool run_callback)
{
    struct pool *pool = job->pool;
    job->failure = *f;
    finish_job(job, JOB_FAILED);
    pool->stats.tasks_failed++;
    if (run_callback && job->error_callback != NULL) {
        pool->in_callback = true;
        job->error_callback(job, &job->failure, job->udata);
        pool->in_callback = false;
    }
}

static void free_job(struct pool_async *job)
{
    struct pool *pool = job->pool;
    if (job->state == JOB_RUNNING)
        finish_job(job, JOB_FAILED);
    unlink_dispatch(pool, job);
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

/* A released job goes once nothing refers to it any more. */
static void free_job_if_finished(struct pool_async *job)
{
    if (job->released && job->state != JOB_RUNNING && job->inflight == 0 && job->pins == 0)
        free_job(job);
}

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

static void handle_result(struct pool *pool, int w, const struct wire_result *r,
                          const unsigned char *payload)
{
    struct worker *wk = &pool->workers[w];
    struct inflight slot = wk->sent[wk->head];
    wk->head = (wk->head + 1) % PIPELINE_MAX;
    wk->count--;
    wk->bytes -= slot.bytes;
    wk->tasks_done++;
    wk->start_failures = 0;
    pool->stats.tasks_done++;
    struct pool_async *job = slot.job;
    note_task_time(pool, job->fn, r);

    job->inflight--;
    pin(job);
    if (job->state == JOB_RUNNING) {
        size_t offset = slot.chunk * job->chunksize;
        if (r->failed) {
            struct pool_failure f = {
                .cause = POOL_TASK_ERROR, .index = r->failed_index, .worker = w, .pid = wk->pid};
            snprintf(f.message, sizeof f.message, "task %zu failed: %s", (size_t)r->failed_index,
                     (const char *)payload);
            fail_job(job, &f, true);
        } else {
            /* map_async refuses NULL arrays, apply_async owns its own */
            assert(job->results != NULL);
            unsigned char *dest = job->results + offset * job->result_size;
            if (payload != NULL) /* NULL: read straight into place */
                memcpy(dest, payload, r->payload);
            job->chunks_done++;
            if (job->on_chunk != NULL) {
                struct pool_chunk chunk = {
                    .number = slot.chunk,
                    .first = job->base_index + offset,
                    .count = r->payload / job->result_size,
                    .worker = w,
                    .pid = wk->pid,
                    .started = (double)r->started_ns / 1e9,
                    .finished = (double)r->finished_ns / 1e9,
                    .results = dest,
                };
                pool->in_callback = true;
                job->on_chunk(&chunk, job->chunk_udata);
                pool->in_callback = false;
            }
            if (job->chunks_done == job->chunks && job->state == JOB_RUNNING) {
                finish_job(job, JOB_DONE);
                run_callback(job);
            }
        }
    }
    unpin(job);
}

/* Where a large successful result should land, or NULL to go through the
 * buffer (small, failed, or for a job that no longer wants it). */
static unsigned char *direct_destination(const struct worker *wk, const struct wire_result *r)
{
    const struct inflight *slot = &wk->sent[wk->head];
    const struct pool_async *job = slot->job;
    if (r->failed || r->payload <= INFLIGHT_BYTES_MAX || job->state != JOB_RUNNING ||
        job->id != r->job_id || slot->chunk != r->chunk)
        return NULL;
    return job->results + slot->chunk * job->chunksize * job->result_size;
}

/* Read what worker w sent and handle every complete result. */
static void read_worker(struct pool *pool, int w)
{
    struct worker *wk = &pool->workers[w];
    if (wire_fill(wk->fd, &wk->in, sizeof(struct wire_result)) <= 0) {
        worker_gone(pool, w);
        return;
    }
    while (wire_filled(&wk->in) > 0) {
        /* A worker sends whole batches: if part of a result is here, the
         * rest is on its way, so waiting for it is safe. */
        while (wire_filled(&wk->in) < sizeof(struct wire_result)) {
            if (wire_fill(wk->fd, &wk->in, sizeof(struct wire_result)) <= 0) {
                worker_gone(pool, w);
                return;
            }
        }
        struct wire_result r;
        memcpy(&r, wk->in.data + wk->in.start, sizeof r);
        size_t size = sizeof r + wire_padded(r.payload);
        if (wk->count == 0) { /* a result we never asked for: give up on it */
            worker_gone(pool, w);
            return;
        }
        unsigned char *dest = direct_destination(wk, &r);
        if (dest != NULL && wire_filled(&wk->in) < size) {
            /* A large result: what has arrived is copied, the rest is read
             * straight into the caller's array, saving a copy. */
            size_t have = wire_filled(&wk->in) - sizeof r;
            if (have > r.payload)
                have = r.payload;
            memcpy(dest, wk->in.data + wk->in.start + sizeof r, have);
            wire_consume(&wk->in, sizeof r + have);
            unsigned char padding[WIRE_ALIGN];
            size_t pad = size - sizeof r - r.payload;
            size_t pad_here = wire_filled(&wk->in) < pad ? wire_filled(&wk->in) : pad;
            wire_consume(&wk->in, pad_here);
            if (wire_recv_exact(wk->fd, dest + have, r.payload - have) != 0 ||
                wire_recv_exact(wk->fd, padding, pad - pad_here) != 0) {
                worker_gone(pool, w);
                return;
            }
            handle_result(pool, w, &r, NULL);
            if (pool->terminate_requested)
                return;
            continue;
        }
        while (wire_filled(&wk->in) < size) {
            if (wire_fill(wk->fd, &wk->in, size - wire_filled(&wk->in)) <= 0) {
                worker_gone(pool, w);
                return;
            }
        }
        handle_result(pool, w, &r, wk->in.data + wk->in.start + sizeof r);
        wire_consume(&wk->in, size);
        if (pool->terminate_requested) /* by a callback: stop reading */
            return;
    }
}

/* ------------------------------------------------------------------ */
/* Dispatch: hand chunks to workers                                    */
/* ------------------------------------------------------------------ */

static void unlink_dispatch(struct pool *pool, struct pool_async *job)
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

static bool has_chunk_to_send(const struct pool_async *job)
{
    return job->state == JOB_RUNNING && (job->resend_count > 0 || job->next_chunk < job->chunks);
}

static size_t take_chunk(struct pool_async *job)
{
    if (job->resend_count > 0)
        return job->resend[--job->resend_count];
    return job->next_chunk++;
}

static size_t chunk_items(const struct pool_async *job, size_t chunk)
{
    size_t first = chunk * job->chunksize;
    size_t left = job->items - first;
    return left < job->chunksize ? left : job->chunksize;
}

/* The least busy worker that may take a chunk of job of `bytes` more, or
 * -1 when none may. */
static int pick_worker(struct pool *pool, const struct pool_async *job, size_t bytes)
{
    size_t depth = pipeline_depth(pool, job->fn);
    unsigned max_tasks = pool->options.max_tasks_per_worker;
    int best = -1;
    for (int w = 0; w < pool->nworkers; w++) {
        struct worker *wk = &pool->workers[w];
        if (wk->pid == 0 || wk->count >= depth)
            continue;
        if (max_tasks > 0 && wk->tasks_sent >= max_tasks)
            continue; /* it will retire after what it has */
        if (wk->count > 0 && wk->bytes + bytes > INFLIGHT_BYTES_MAX)
            continue;
        if (best < 0 || wk->count < pool->workers[best].count)
            best = w;
    }
    return best;
}

static int send_chunk(struct pool *pool, int w, struct pool_async *job)
{
    struct worker *wk = &pool->workers[w];
    size_t chunk = take_chunk(job);
    size_t count = chunk_items(job, chunk);
    size_t first = chunk * job->chunksize;
    struct wire_task task = {
        .kind = WIRE_TASK,
        .job_id = job->id,
        .chunk = chunk,
        .fn = job->fn,
        .first = job->base_index + first,
        .count = count,
        .arg_size = job->arg_size,
        .result_size = job->result_size,
    };
    size_t arg_bytes = count * job->arg_size;
    const unsigned char *args = job->args + first * job->arg_size;
    if (arg_bytes > INFLIGHT_BYTES_MAX) {
        /* A large chunk goes alone to an idle worker, straight from the
         * caller's array. If the worker is gone the send fails, and poll()
         * reports the death, which reschedules this chunk. */
        if (wire_flush(wk->fd, &wk->out) == 0)
            wire_send_direct(wk->fd, &task, sizeof task, args, arg_bytes);
    } else if (wire_append(&wk->out, &task, sizeof task) != 0 ||
               wire_append(&wk->out, args, arg_bytes) != 0) {
        push_resend(pool, job, chunk);
        return -1;
    }
    wk->sent[(wk->head + wk->count) % PIPELINE_MAX] =
        (struct inflight){.job = job, .chunk = chunk, .bytes = arg_bytes};
    wk->count++;
    wk->bytes += arg_bytes;
    wk->tasks_sent++;
    job->inflight++;
    return 0;
}

static void dispatch(struct pool *pool)
{
    while (pool->dispatch_head != NULL) {
        struct pool_async *job = pool->dispatch_head;
        if (!has_chunk_to_send(job)) {
            unlink_dispatch(pool, job);
            continue;
        }
        size_t next = job->resend_count > 0 ? job->resend[job->resend_count - 1] : job->next_chunk;
        int w = pick_worker(pool, job, chunk_items(job, next) * job->arg_size);
        if (w < 0 || send_chunk(pool, w, job) != 0)
            break;
    }
    for (int w = 0; w < pool->nworkers; w++) {
        struct worker *wk = &pool->workers[w];
        /* A failed send means the worker is gone; poll() will say so. */
        if (wk->pid != 0 && wire_filled(&wk->out) > 0 && wire_flush(wk->fd, &wk->out) != 0)
            wk->out.start = wk->out.end = 0;
    }
}

/* Send what can be sent, then wait up to `timeout` seconds for workers to
 * answer and handle what they said. 0, or -1 with errno EINTR. */
static int pump(struct pool *pool, double timeout)
{
    dispatch(pool);
    /* Ctrl-C or SIGTERM noticed through interrupt.h: hand control back to
     * the program now, even if the signal came during a callback. */
    if (interrupt_requested()) {
        errno = EINTR;
        return -1;
    }
    struct pollfd *fds = pool->polled;
    int *which = pool->polled_worker;
    int n = 0;
    for (int w = 0; w < pool->nworkers; w++) {
        if (pool->workers[w].pid != 0) {
            fds[n] = (struct pollfd){.fd = pool->workers[w].fd, .events = POLLIN};
            which[n++] = w;
        }
    }
    if (n == 0) { /* no worker left to wait for */
        struct pool_failure gone = {.cause = POOL_TERMINATED, .worker = -1};
        snprintf(gone.message, sizeof gone.message, "the pool has no workers");
        fail_all_running(pool, pool->broken ? &pool->why_broken : &gone, true);
        pool->terminate_requested = false; /* nothing left to terminate */
        return 0;
    }
    /* The self-pipe wakes poll() for a signal that arrives after the check
     * above but before poll() starts to sleep. */
    int watched = n;
    if (interrupt_fd() >= 0)
        fds[watched++] = (struct pollfd){.fd = interrupt_fd(), .events = POLLIN};
    /* poll() takes an int of milliseconds: a long wait is a loop of hours */
    int ms = timeout < 0 ? -1 : timeout > 3600 ? 3600 * 1000 : (int)ceil(timeout * 1000);
    int ready = poll(fds, (nfds_t)watched, ms);
    if (ready < 0)
        return -1; /* EINTR: a signal handler ran; let the caller look */
    if (interrupt_requested()) {
        errno = EINTR;
        return -1;
    }
    for (int i = 0; i < n && ready > 0 && !pool->terminate_requested; i++) {
        if (fds[i].revents == 0)
            continue;
        ready--;
        if (pool->workers[which[i]].pid != 0)
            read_worker(pool, which[i]);
    }
    if (pool->terminate_requested) {
        pool->terminate_requested = false;
        pool_terminate(pool);
    }
    dispatch(pool);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

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
    pool->next_job_id = 1;
    pool->workers = calloc((size_t)opts.workers, sizeof *pool->workers);
    /* one slot per worker, and one for interrupt_fd() */
    pool->polled = calloc((size_t)opts.workers + 1, sizeof *pool->polled);
    pool->polled_worker = calloc((size_t)opts.workers, sizeof(int));
    /* The scoreboard must be shared, so it is mapped before any fork. */
    pool->board = mmap(NULL, (size_t)opts.workers * sizeof *pool->board, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (pool->workers == NULL || pool->polled == NULL || pool->polled_worker == NULL ||
        pool->board == MAP_FAILED) {
        int saved = errno;
        if (pool->board != MAP_FAILED)
            munmap(pool->board, (size_t)opts.workers * sizeof *pool->board);
        free(pool->polled_worker);
        free(pool->polled);
        free(pool->workers);
        free(pool);
        errno = saved;
        return NULL;
    }
    for (int w = 0; w < pool->nworkers; w++) {
        if (spawn_worker(pool, w) != 0) {
            int saved = errno;
            pool_destroy(pool); /* terminates and reaps those started */
            errno = saved;
            return NULL;
        }
    }
    return pool;
}

void pool_close(struct pool *pool)
{
    pool->closed = true;
}

/* Send signo to every worker still running. */
static void signal_workers(struct pool *pool, int signo)
{
    for (int w = 0; w < pool->nworkers; w++)
        if (pool->workers[w].pid != 0)
            kill(pool->workers[w].pid, signo);
}

/* The worker has ended, or is about to: reap it, close its socket, forget
 * its pid. */
static void forget_worker(struct worker *wk)
{
    int status;
    reap(wk->pid, &status);
    close(wk->fd);
    wk->pid = 0;
}

/* Reap every worker, waiting for each to end. */
static void reap_all_workers(struct pool *pool)
{
    for (int w = 0; w < pool->nworkers; w++)
        if (pool->workers[w].pid != 0)
            forget_worker(&pool->workers[w]);
}

/* Reap the workers that have already ended; return how many still run. */
static int reap_ended_workers(struct pool *pool)
{
    int alive = 0;
    for (int w = 0; w < pool->nworkers; w++) {
        struct worker *wk = &pool->workers[w];
        if (wk->pid == 0)
            continue;
        if (waitpid(wk->pid, NULL, WNOHANG) == wk->pid) {
            close(wk->fd);
            wk->pid = 0;
        } else {
            alive++;
        }
    }
    return alive;
}

static size_t chunks_in_flight(const struct pool *pool)
{
    size_t n = 0;
    for (int w = 0; w < pool->nworkers; w++)
        n += pool->workers[w].pid != 0 ? pool->workers[w].count : 0;
    return n;
}

/* Read and drop what the worker still sends until it has exited: one
 * blocked writing a result nobody reads would otherwise never exit. */
static void drain_and_reap(struct worker *wk)
{
    unsigned char sink[4096];
    struct pollfd ready = {.fd = wk->fd, .events = POLLIN};
    pid_t ended;
    while ((ended = waitpid(wk->pid, NULL, WNOHANG)) == 0 || (ended < 0 && errno == EINTR)) {
        if (poll(&ready, 1, 10) > 0 && recv(wk->fd, sink, sizeof sink, MSG_DONTWAIT) == 0) {
            forget_worker(wk); /* end of file: it has closed its end */
            return;
        }
    }
    close(wk->fd);
    wk->pid = 0;
}

static void stop_workers(struct pool *pool)
{
    pool->stopping = true;
    struct wire_task bye = {.kind = WIRE_EXIT};
    for (int w = 0; w < pool->nworkers; w++) {
        struct worker *wk = &pool->workers[w];
        if (wk->pid == 0)
            continue;
        /* An explicit goodbye, not just closing the socket: a worker of
         * another pool may hold a copy of our end, so EOF might never come. */
        if (wire_append(&wk->out, &bye, sizeof bye) != 0 || wire_flush(wk->fd, &wk->out) != 0)
            kill(wk->pid, SIGKILL);
    }
    for (int w = 0; w < pool->nworkers; w++)
        if (pool->workers[w].pid != 0)
            drain_and_reap(&pool->workers[w]);
}

int pool_join(struct pool *pool)
{
    if (!pool->closed || pool->in_callback) {
        errno = EINVAL;
        return -1;
    }
    /* Wait for every job, and for the chunks of failed jobs still in the
     * workers: a worker writing a result nobody reads would never exit. */
    while (pool->running_jobs > 0 || chunks_in_flight(pool) > 0) {
        if (pump(pool, POOL_FOREVER) != 0)
            return -1;
    }
    stop_workers(pool);
    return 0;
}

void pool_terminate(struct pool *pool)
{
    pool->closed = true;
    if (pool->in_callback) {
        /* Called from a callback: the pool is in the middle of handling a
         * result. Finish that first; pump() terminates right after. */
        pool->terminate_requested = true;
        return;
    }
    pool->stopping = true;
    /* Give SIGTERM a moment: ask, nap, ask again, for at most the grace
     * period; then SIGKILL whoever is left. Every worker is reaped. */
    signal_workers(pool, SIGTERM);
    double deadline = timing_now() + TERMINATE_GRACE_SECONDS;
    while (reap_ended_workers(pool) > 0 && timing_now() < deadline)
        timing_sleep(0.002);
    signal_workers(pool, SIGKILL);
    reap_all_workers(pool);
    for (int w = 0; w < pool->nworkers; w++) {
        struct worker *wk = &pool->workers[w];
        for (size_t i = 0; i < wk->count; i++)
            wk->sent[(wk->head + i) % PIPELINE_MAX].job->inflight--;
        wk->head = wk->count = wk->bytes = 0;
    }
    struct pool_failure f = {.cause = POOL_TERMINATED, .worker = -1};
    snprintf(f.message, sizeof f.message, "the pool was terminated");
    fail_all_running(pool, &f, false);
}

void pool_destroy(struct pool *pool)
{
    if (pool == NULL)
        return;
    for (int w = 0; w < pool->nworkers; w++) {
        if (pool->workers[w].pid != 0) {
            pool_terminate(pool);
            break;
        }
    }
    struct pool_async *next;
    for (struct pool_async *job = pool->first_job; job != NULL; job = next) {
        next = job->next;
        free_job(job);
    }
    for (int w = 0; w < pool->nworkers; w++) {
        wire_free(&pool->workers[w].in);
        wire_free(&pool->workers[w].out);
    }
    munmap(pool->board, (size_t)pool->nworkers * sizeof *pool->board);
    free(pool->polled_worker);
    free(pool->polled);
    free(pool->workers);
    free(pool);
}

/* n items of `size` bytes fit in an array, with room to spare for the
 * headers and padding that travel with them. */
static bool fits(size_t n, size_t size)
{
    return size <= POOL_BYTES_MAX / (n > 0 ? n : 1);
}

static struct pool_async *new_job(struct pool *pool, pool_task_fn fn, size_t items, size_t arg_size,
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
    job->id = pool->next_job_id++;
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

static void start_job(struct pool *pool, struct pool_async *job)
{
    if (job->chunks == 0) { /* nothing to do: done already */
        finish_job(job, JOB_DONE);
        return;
    }
    if (pool->dispatch_tail)
        pool->dispatch_tail->next_dispatch = job;
    else
        pool->dispatch_head = job;
    pool->dispatch_tail = job;
    job->waiting_dispatch = true;
    dispatch(pool); /* the workers can start while the caller goes on */
}

struct pool_async *pool_map_async(struct pool *pool, pool_task_fn fn, const void *args,
                                  size_t items, size_t arg_size, void *results, size_t result_size,
                                  const struct pool_map_options *options)
{
    if (items > 0 && (args == NULL || results == NULL)) {
        errno = EINVAL;
        return NULL;
    }
    struct pool_async *job = new_job(pool, fn, items, arg_size, result_size);
    if (job == NULL)
        return NULL;
    job->is_map = true;
    job->args = args;
    job->results = results;
    job->chunksize = options && options->chunksize ? options->chunksize
                                                   : pool_default_chunksize(items, pool->nworkers);
    if (job->chunksize > items) /* one chunk holds it all */
        job->chunksize = items;
    job->chunks = job->chunksize ? items / job->chunksize + (items % job->chunksize != 0) : 0;
    if (options) {
        job->on_chunk = options->on_chunk;
        job->chunk_udata = options->udata;
    }
    start_job(pool, job);
    return job;
}

/* Wait for a job the caller will not see again, keeping its failure. */
static int wait_and_release(struct pool *pool, struct pool_async *job, void *result)
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
        fail_job(job, &f, false);
    }
    pool_async_release(job);
    errno = saved;
    return rc;
}

int pool_map(struct pool *pool, pool_task_fn fn, const void *args, size_t items, size_t arg_size,
             void *results, size_t result_size, const struct pool_map_options *options)
{
    struct pool_async *job =
        pool_map_async(pool, fn, args, items, arg_size, results, result_size, options);
    if (job == NULL)
        return -1;
    return wait_and_release(pool, job, NULL);
}

int pool_starmap(struct pool *pool, pool_task_fn fn, const void *args, size_t items,
                 size_t arg_size, void *results, size_t result_size,
                 const struct pool_map_options *options)
{
    return pool_map(pool, fn, args, items, arg_size, results, result_size, options);
}

const struct pool_failure *pool_last_failure(const struct pool *pool)
{
    return &pool->last_failure;
}

struct pool_async *pool_apply_async(struct pool *pool, pool_task_fn fn, const void *arg,
                                    size_t arg_size, size_t result_size,
                                    const struct pool_apply_options *options)
{
    struct pool_async *job = new_job(pool, fn, 1, arg_size, result_size);
    if (job == NULL)
        return NULL;
    size_t arg_room = wire_padded(arg_size);
    job->owned = malloc(arg_room + result_size);
    if (job->owned == NULL) {
        free_job(job);
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
    start_job(pool, job);
    return job;
}

int pool_apply(struct pool *pool, pool_task_fn fn, const void *arg, size_t arg_size, void *result,
               size_t result_size)
{
    struct pool_async *job = pool_apply_async(pool, fn, arg, arg_size, result_size, NULL);
    if (job == NULL)
        return -1;
    return wait_and_release(pool, job, result);
}

/* Done, and nothing of it still running in a worker. */
static bool job_settled(const struct pool_async *job)
{
    return job->state != JOB_RUNNING && job->inflight == 0;
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
        if (pump(pool, forever || left > 0 ? left : 0) != 0)
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
        pump(job->pool, 0); /* look, without waiting */
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
    free_job_if_finished(job);
}

int pool_workers(const struct pool *pool)
{
    return pool->nworkers;
}

pid_t pool_worker_pid(const struct pool *pool, int worker)
{
    if (worker < 0 || worker >= pool->nworkers)
        return 0;
    return pool->workers[worker].pid;
}

void pool_get_stats(const struct pool *pool, struct pool_stats *stats)
{
    *stats = pool->stats;
}
