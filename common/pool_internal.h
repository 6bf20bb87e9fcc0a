/* SPDX-License-Identifier: MIT */
/*
 * pool_internal.h - internal to the pool: the parent's records, shared by
 * the files that make up the pool (common/README.md maps them).
 *
 *   pool.c            the core read in chapter 03: fork W workers, send
 *                     chunks down each task channel, read results back
 *                     into input order, close and join
 *   pool_job.c        a submitted map or apply: its chunks, done, failed
 *   pool_async.c      apply/apply_async and the AsyncResult calls, with
 *                     their timeouts (chapter 05)
 *   pool_callbacks.c  callback, error_callback, on_chunk (chapter 06)
 *   pool_death.c      a worker that dies, and its replacement
 *   pool_stop.c       Ctrl-C, terminate, destroy, the workers' goodbye
 *   pool_pipeline.c   several chunks in flight per worker, large chunks
 *                     and results without copies (the speed)
 *   pool_stats.c      counters and pids: looking inside
 *   pool_worker.c     the worker process; pool_wire.c the messages
 */
#ifndef FORKLORE_POOL_INTERNAL_H
#define FORKLORE_POOL_INTERNAL_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "pool.h"
#include "pool_wire.h"

enum {
    /* Chunks in flight per worker when tasks are short... */
    PIPELINE_MAX = 64,
    /* ...and at most this many argument bytes, far below a socket's
     * buffer, so that sending them can never block the parent. A larger
     * chunk is sent alone, to a worker with nothing in flight. */
    INFLIGHT_BYTES_MAX = 64 * 1024,
    /* Task durations are learned per task function, for this many. */
    TIMED_FUNCTIONS = 16,
};

enum job_state { JOB_RUNNING, JOB_DONE, JOB_FAILED };

/* One submitted map or apply (the AsyncResult of Python). */
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

/* A chunk sent to a worker whose result is not back yet. */
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
    /* A large chunk's arguments, sent from the caller's array after `out`
     * as the socket takes them (never blocking: the worker answers in
     * parts while they go), then large_pad zero bytes. */
    const unsigned char *large;
    size_t large_left, large_pad;
    uint64_t large_job_id;
};

struct pool {
    struct worker *workers;
    int nworkers;
    struct wire_scoreboard *board; /* shared with the workers */
    struct pollfd *polled;         /* poll()'s: one per worker, and one
                                      for interrupt.h's self-pipe */
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

/* pool.c */
int pool_spawn_worker(struct pool *pool, int w);
int pool_pump(struct pool *pool, double timeout);
void pool_dispatch(struct pool *pool);

/* pool_job.c */
struct pool_async *job_new(struct pool *pool, pool_task_fn fn, size_t items, size_t arg_size,
                           size_t result_size);
void job_start(struct pool *pool, struct pool_async *job);
void job_finish(struct pool_async *job, enum job_state state);
void job_fail(struct pool_async *job, const struct pool_failure *f, bool callbacks);
void job_fail_all(struct pool *pool, const struct pool_failure *how, bool callbacks);
void job_free(struct pool_async *job);
void job_free_if_finished(struct pool_async *job);
void job_pin(struct pool_async *job);
void job_unpin(struct pool_async *job);
bool job_settled(const struct pool_async *job);
void job_resend(struct pool *pool, struct pool_async *job, size_t chunk);
void job_unlink_dispatch(struct pool *pool, struct pool_async *job);
bool job_has_chunk(const struct pool_async *job);
size_t job_peek_chunk(const struct pool_async *job);
size_t job_take_chunk(struct pool_async *job);
struct wire_task job_task(const struct pool_async *job, size_t chunk);
size_t job_chunk_items(const struct pool_async *job, size_t chunk);

/* pool_async.c */
int pool_wait_and_release(struct pool *pool, struct pool_async *job, void *result);

/* pool_callbacks.c */
void callback_map_options(struct pool_async *job, const struct pool_map_options *options);
void callback_success(struct pool_async *job);
void callback_error(struct pool_async *job);
void callback_chunk(struct pool_async *job, const struct inflight *slot, int w,
                    const struct wire_result *r, const unsigned char *results);

/* pool_death.c */
struct wire_scoreboard *death_scoreboard(int workers);
void death_scoreboard_free(struct wire_scoreboard *board, int workers);
void death_worker_gone(struct pool *pool, int w);
void death_task_failed(struct pool_async *job, int w, const struct wire_result *r,
                       const char *message);
void death_reap(pid_t pid, int *status);

/* pool_stop.c */
void stop_block_signals(sigset_t *saved);
bool stop_interrupted(void);
int stop_watch_interrupt(struct pollfd *fd);
int stop_no_workers(struct pool *pool);
void stop_workers(struct pool *pool);

/* pool_pipeline.c */
int pipeline_pick_worker(struct pool *pool, const struct pool_async *job, size_t bytes);
void pipeline_start(struct worker *wk, pid_t pid, int fd);
void pipeline_push(struct worker *wk, struct pool_async *job, size_t chunk, size_t bytes);
struct inflight pipeline_pop(struct pool *pool, int w, const struct wire_result *r);
size_t pipeline_chunks_in_flight(const struct pool *pool);
void pipeline_forget(struct worker *wk);
bool pipeline_send_large(struct worker *wk, const struct wire_task *task, const void *args,
                         size_t bytes);
int pipeline_read_large(struct worker *wk, const struct wire_result *r);
void pipeline_flush(struct pool *pool);
short pipeline_events(const struct worker *wk);
bool pipeline_ready(struct worker *wk, short revents);
void pipeline_part(struct pool *pool, int w, const struct wire_result *r,
                   const unsigned char *payload);
void pipeline_release_args(struct pool *pool, const struct pool_async *job);

/* pool_worker.c: in the child, right after fork() */
_Noreturn void pool_worker_start(const struct pool *pool, int w, int fd, pid_t parent,
                                 const sigset_t *mask);

#endif
