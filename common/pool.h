/* SPDX-License-Identifier: MIT */
/*
 * pool.h - a pool of worker processes: the C counterpart of
 * multiprocessing.Pool.
 *
 * The workers are forked once, by pool_create(), and reused for every task,
 * because a fork costs far more than a task should. Each worker talks to the
 * parent over its own socket pair: the parent sends it tasks (a function and
 * a copy of the argument bytes) and reads back results (a copy of the result
 * bytes). The parent decides which worker runs which task, so when a worker
 * dies it knows exactly what was lost.
 *
 *     static int cube(const void *arg, void *result, struct pool_task *task)
 *     {
 *         (void)task;
 *         long x = *(const long *)arg;
 *         *(long *)result = x * x * x;
 *         return 0;
 *     }
 *
 *     long in[6] = {1, 2, 3, 4, 5, 6}, out[6];
 *     struct pool *pool = pool_create(&(struct pool_options){.workers = 2});
 *     if (pool_map(pool, cube, in, 6, sizeof in[0], out, sizeof out[0], NULL))
 *         fprintf(stderr, "%s\n", pool_last_failure(pool)->message);
 *     pool_close(pool);
 *     pool_join(pool);
 *     pool_destroy(pool);
 *
 * Passing a function to another process. Python pickles a function *by
 * name*: the child receives "module.cube" and looks that name up in its own
 * copy of the module. In C we send the function's address. That is valid
 * because fork() gives the child an exact copy of the program, at the same
 * addresses, so &cube means the same code in parent and child. (It would not
 * survive exec(), Python's "spawn": there you would send a name and look it
 * up in a table.) Arguments and results, on the other hand, are copied as
 * bytes: never put a pointer in them, it would point into the other
 * process's memory.
 *
 * Which process runs what: task functions and the initializer run in the
 * workers; callbacks (callback, error_callback, on_chunk) run in the parent,
 * inside whichever pool call is waiting at the time (get, wait, map, join),
 * one at a time and in completion order.
 *
 * No background thread. Python's Pool has threads in the parent that hand
 * out tasks and collect results while your code does something else. This
 * pool has none: it sends tasks and reads results only while the parent is
 * inside a pool call. A parent busy elsewhere for a long time leaves workers
 * idle once their queued tasks are done; call pool_async_ready() now and
 * then to keep them fed (chapter 04 shows it).
 *
 * Bytes, not objects. Arguments and results are copied byte for byte,
 * struct padding included: initialise whole structs (= {0}, memset) so no
 * stale memory travels (valgrind rightly reports it otherwise).
 *
 * Failures. A task fails when its function returns non-zero (use
 * pool_task_fail() to give a message), or when its worker dies: killed by a
 * signal, crashed, or exited. A dead worker never hangs the parent: its task
 * fails with the cause ("killed by SIGKILL"), tasks queued behind it go to
 * other workers, a new worker takes its place, and the pool goes on.
 *
 * Signals. Workers ignore SIGINT, so a terminal's Ctrl-C (sent to the whole
 * process group) reaches the parent alone: the parent decides what happens.
 * Workers are killed if the parent dies (PR_SET_PDEATHSIG), so a killed parent
 * leaves no orphans. The pool installs no signal handlers. If the program
 * uses interrupt.h, a waiting pool call returns -1 with errno EINTR as soon
 * as SIGINT/SIGTERM arrived (also if it arrived during a callback), so the
 * program can clean up and call pool_terminate(). Other handlers interrupt
 * a wait the same way when they interrupt poll().
 *
 * Errors are reported C-style: -1 (or NULL) with errno set. A task failure is
 * errno ECANCELED; pool_async_failure() or pool_last_failure() say why.
 */
#ifndef FORKLORE_POOL_H
#define FORKLORE_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pool;
struct pool_async;

/* Timeouts are in seconds; POOL_FOREVER (exactly -1.0) waits as long as it
 * takes. Any other negative timeout, or NaN, is an expired one: the call
 * looks once without waiting, like AsyncResult.get(timeout=-1) in Python
 * (threading.Condition.wait does not block for a timeout <= 0). */
#define POOL_FOREVER (-1.0)

/* A worker slot whose process dies before its first task this many times
 * in a row is left empty (see pool_options.initializer). */
#define POOL_START_FAILURES 3

/* The largest number of bytes any argument or result array may hold
 * (items x arg_size, items x result_size; for apply, arg_size and
 * result_size): larger sizes are refused with EINVAL before anything
 * runs. No real array comes near it; a size this big is an overflow. */
#define POOL_BYTES_MAX ((size_t)PTRDIFF_MAX / 4)

/* Room for a task's error message, including the terminating NUL. */
#define POOL_MESSAGE_MAX 200

/* What a task function is told about the task it is running. */
struct pool_task {
    size_t index;                 /* the item's position in the map input;
                                     for apply_async, the task's number */
    int worker;                   /* which worker runs it: 0 .. workers-1 */
    void *udata;                  /* pool_options.task_udata */
    char error[POOL_MESSAGE_MAX]; /* filled by pool_task_fail() */
};

/*
 * A task function, run in a worker. `arg` points to a copy of the argument
 * bytes, `result` to room for result_size bytes that are copied back to the
 * parent. Return 0 on success, non-zero for failure.
 */
typedef int (*pool_task_fn)(const void *arg, void *result, struct pool_task *task);

/* Record a printf-style message for a failing task and return -1, so that a
 * task function can say:  return pool_task_fail(task, "bad input %d", x); */
int pool_task_fail(struct pool_task *task, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* How a task failed. */
enum pool_failure_cause {
    POOL_TASK_ERROR,    /* the function returned non-zero */
    POOL_WORKER_KILLED, /* its worker was killed by a signal */
    POOL_WORKER_EXITED, /* its worker called exit()/_exit() mid-task */
    POOL_TERMINATED,    /* pool_terminate() ran before it finished */
};

struct pool_failure {
    enum pool_failure_cause cause;
    size_t index;  /* the failing item (map) or the task's number */
    int worker;    /* which worker ran it (-1 if none) */
    pid_t pid;     /* that worker's process id (0 if none) */
    int signal;    /* POOL_WORKER_KILLED: the signal number */
    int exit_code; /* POOL_WORKER_EXITED: the exit code */
    /* One readable line, e.g. "task 57 failed: worker 1 (pid 4242) was
     * killed by SIGKILL" or "task 3 failed: negative input -3". */
    char message[POOL_MESSAGE_MAX + 96];
};

/* ------------------------------------------------------------------ */
/* Creating and stopping a pool                                        */
/* ------------------------------------------------------------------ */

struct pool_options {
    int workers; /* 0: cpus_for_pool(), the usable CPU count */
    /* Run once in every worker when it starts (also in replacement
     * workers), like Pool(initializer=...). `worker` is 0 .. workers-1.
     * If it kills or exits its process, the worker is replaced; after
     * POOL_START_FAILURES deaths in a row before a first task, that slot
     * is left empty and the other workers carry on. Once every slot is
     * empty, every task the pool has not run, and every task submitted
     * later, fails with the last worker's cause (POOL_WORKER_EXITED or
     * POOL_WORKER_KILLED) and the message "the initializer keeps failing
     * (...)". Python's Pool respawns such workers for ever instead, and
     * its map never returns. */
    void (*initializer)(int worker, void *udata);
    void *initializer_udata;
    /* Replace a worker after it ran this many tasks (chunks), like
     * maxtasksperchild; 0 means never. */
    unsigned max_tasks_per_worker;
    /* Handed to every task as task->udata. It must point to memory that
     * exists before pool_create(): the workers see it as it was when they
     * were forked (their own copy), never a later change. */
    void *task_udata;
};

/* The largest worker count pool_create() accepts: 8 x the usable CPUs.
 * More than that is almost surely a mistake (a fork bomb in the making). */
int pool_max_workers(void);

/* Fork the workers. `options` may be NULL for the defaults. Returns NULL
 * with errno EINVAL (worker count < 0 or > pool_max_workers()), or the
 * error of socketpair, fork or mmap. */
struct pool *pool_create(const struct pool_options *options);

/* No more tasks may be submitted (Pool.close). */
void pool_close(struct pool *pool);

/* After pool_close(): wait for every submitted task to finish (running
 * callbacks), and for chunks of failed maps still in the workers (their
 * results are dropped), then let the workers exit and reap them all. It
 * always returns: a worker still writing a result is read to the end.
 * Returns 0, or -1 with errno EINVAL (pool not closed) or EINTR (a signal
 * handler ran; call again to go on waiting). */
int pool_join(struct pool *pool);

/* Stop now (Pool.terminate): SIGTERM every worker, wait a short grace
 * period, SIGKILL those still alive, and reap every one. Unfinished tasks
 * fail with POOL_TERMINATED (their callbacks are not called). */
void pool_terminate(struct pool *pool);

/* Terminate if still running, then free everything, including any
 * pool_async handle not yet released. NULL is ignored. */
void pool_destroy(struct pool *pool);

/* ------------------------------------------------------------------ */
/* map: one function over an array, results in input order            */
/* ------------------------------------------------------------------ */

/* What a finished chunk looked like (for traces, timelines, progress). */
struct pool_chunk {
    size_t number;       /* 0 .. chunks-1 */
    size_t first, count; /* the items [first, first + count) */
    int worker;          /* which worker ran it */
    pid_t pid;           /* that worker's process id */
    double started;      /* when the worker began and ended the chunk, */
    double finished;     /* on timing_now()'s clock (seconds) */
    const void *results; /* count results of result_size bytes */
};

/* Called in the parent when an async task succeeds: `result` points to its
 * result bytes (for map_async, to the whole results array). */
typedef void (*pool_callback)(struct pool_async *job, const void *result, void *udata);
/* Called in the parent when an async task fails. */
typedef void (*pool_error_callback)(struct pool_async *job, const struct pool_failure *failure,
                                    void *udata);

struct pool_map_options {
    /* Items per task. 0: Python's own rule, pool_default_chunksize(). */
    size_t chunksize;
    /* Called in the parent as each chunk completes, in completion order.
     * This is the counterpart of imap_unordered: results as they come. */
    void (*on_chunk)(const struct pool_chunk *chunk, void *udata);
    void *udata; /* passed to on_chunk, callback and error_callback */
    /* map_async/starmap_async(callback=, error_callback=), run in the
     * parent: callback(job, results array) once the whole map succeeded,
     * error_callback(job, failure) at its first failure. An empty map
     * calls neither, as in Python (MapResult with length 0). */
    pool_callback callback;
    pool_error_callback error_callback;
};

/* Python's chunksize rule for map: ceil(items / (4 x workers)), and 0 for
 * no items. Four chunks per worker: few enough messages to be cheap, enough
 * to even out tasks of different cost. */
size_t pool_default_chunksize(size_t items, int workers);

/*
 * Pool.map: result[i] = fn(args[i]) for i in 0 .. items-1, computed in
 * chunks by the workers; results land in input order whatever order the
 * workers finish in. args holds items x arg_size bytes, results room for
 * items x result_size. `options` may be NULL. Returns 0, or -1 with errno:
 * ECANCELED (a task failed: see pool_last_failure()), EINVAL (pool closed,
 * a size is 0, or an array would exceed POOL_BYTES_MAX), EINTR, ENOMEM.
 *
 * Fail fast: at the first failed task, chunks not yet handed to a worker
 * are never started, and pool_map returns as soon as the chunks already
 * in the workers have come back (their results are dropped), so when it
 * returns nothing of the map is running. CPython's map instead runs every
 * chunk and raises the first error at the end (MapResult._set in
 * Lib/multiprocessing/pool.py); here a lost cause costs no more CPU.
 */
int pool_map(struct pool *pool, pool_task_fn fn, const void *args, size_t items, size_t arg_size,
             void *results, size_t result_size, const struct pool_map_options *options);

/* Pool.starmap. Python passes a tuple of arguments per task; in C a tuple is
 * a struct, so this is pool_map() with a struct per item. It exists so that
 * code reads like its Python counterpart. */
int pool_starmap(struct pool *pool, pool_task_fn fn, const void *args, size_t items,
                 size_t arg_size, void *results, size_t result_size,
                 const struct pool_map_options *options);

/* Pool.map_async: start a map and return at once. args and results must
 * stay valid until the handle is ready. NULL with errno on error. It fails
 * fast like pool_map: error_callback runs at the first failure, and the
 * handle is ready once no chunk of the map is left in a worker. */
struct pool_async *pool_map_async(struct pool *pool, pool_task_fn fn, const void *args,
                                  size_t items, size_t arg_size, void *results, size_t result_size,
                                  const struct pool_map_options *options);

/* Pool.starmap_async: pool_map_async() with a struct per item, as
 * pool_starmap() is pool_map(). Example, with callbacks:
 *
 *     struct pool_map_options o = {.callback = got_all, .error_callback = failed};
 *     struct pool_async *r = pool_starmap_async(pool, power, pairs, 6, sizeof pairs[0],
 *                                               out, sizeof out[0], &o);
 *     if (pool_async_get(r, NULL, 1.0) != 0 && errno == ETIMEDOUT) ...   // r.get(timeout=1)
 *     pool_async_release(r);
 */
struct pool_async *pool_starmap_async(struct pool *pool, pool_task_fn fn, const void *args,
                                      size_t items, size_t arg_size, void *results,
                                      size_t result_size, const struct pool_map_options *options);

/* The failure behind the last pool_map()/pool_apply() that returned -1. */
const struct pool_failure *pool_last_failure(const struct pool *pool);

/* ------------------------------------------------------------------ */
/* apply and apply_async: one task at a time                           */
/* ------------------------------------------------------------------ */

struct pool_apply_options {
    pool_callback callback;             /* may be NULL */
    pool_error_callback error_callback; /* may be NULL */
    void *udata;                        /* passed to both */
    size_t index;                       /* shown to the task as task->index
                                           and in failure messages */
};

/*
 * Pool.apply_async: submit fn(arg) and return a handle at once. The
 * argument bytes are copied now. `options` may be NULL. The handle belongs
 * to the pool: pool_async_release() it when done (or let pool_destroy()).
 * NULL with errno EINVAL (pool closed, a size 0 or over POOL_BYTES_MAX) or
 * ENOMEM (no room for the copy of the argument and the result).
 */
struct pool_async *pool_apply_async(struct pool *pool, pool_task_fn fn, const void *arg,
                                    size_t arg_size, size_t result_size,
                                    const struct pool_apply_options *options);

/* Pool.apply: submit and wait (so only one task runs at a time: no
 * speedup, which is the lesson). Returns 0, or -1 with errno as for
 * pool_async_get(); on ECANCELED see pool_last_failure(). */
int pool_apply(struct pool *pool, pool_task_fn fn, const void *arg, size_t arg_size, void *result,
               size_t result_size);

/* AsyncResult.get(timeout): wait until the task is done and copy its
 * result (result_size bytes; may be NULL, and is unused for map_async).
 * Returns 0, or -1 with errno ETIMEDOUT (not done yet: call again later;
 * also at once for a negative timeout other than POOL_FOREVER), ECANCELED
 * (the task failed), EINTR (a signal handler ran). */
int pool_async_get(struct pool_async *job, void *result, double timeout);

/* AsyncResult.wait(timeout): wait without taking the result. Returns 0 when
 * ready (successful or not), -1 with ETIMEDOUT or EINTR otherwise. Same
 * timeouts as pool_async_get(). */
int pool_async_wait(struct pool_async *job, double timeout);

/* AsyncResult.ready(): done, successfully or not (checks without waiting). */
bool pool_async_ready(struct pool_async *job);

/* AsyncResult.successful(): ready and without failure. */
bool pool_async_successful(struct pool_async *job);

/* The index given in pool_apply_options (for map_async: 0). Useful in a
 * callback, which receives the job but not the task. */
size_t pool_async_index(const struct pool_async *job);

/* How the task failed, or NULL if it has not (yet). */
const struct pool_failure *pool_async_failure(const struct pool_async *job);

/* The handle is no longer needed. If the task is still running it finishes
 * (its callbacks still run) and the pool frees the handle afterwards. */
void pool_async_release(struct pool_async *job);

/* ------------------------------------------------------------------ */
/* imap and imap_unordered: a lazy iterator over a stream of inputs    */
/* ------------------------------------------------------------------ */

/*
 * Pool.imap(fn, iterable, chunksize, buffersize) and Pool.imap_unordered
 * (IMapIterator, IMapUnorderedIterator in Lib/multiprocessing/pool.py).
 * The inputs come from a producer, called in the parent: it writes item
 * `index` (arg_size bytes) to `arg` and returns 1, or 0 at the end of the
 * input, or -1 on error (errno set). The caller pulls the results:
 *
 *     static int numbers(void *arg, size_t index, void *udata)
 *     {
 *         (void)udata;
 *         *(long *)arg = (long)index + 1;
 *         return index < 10000000;    // ten million, never all in memory
 *     }
 *
 *     struct pool_imap *it = pool_imap(pool, cube, numbers, NULL,
 *                                      sizeof(long), sizeof(long), NULL);
 *     long y;
 *     while (pool_imap_next(it, &y, POOL_FOREVER) == 1)
 *         ...;                          // in input order, as each is ready
 *     pool_imap_close(it);
 *
 * Bounded memory: at most workers + buffersize chunks are taken from the
 * producer and not yet returned by pool_imap_next(); the producer is
 * called only when one of them has been read. The iterator holds them in
 * (workers + buffersize) x chunksize x (arg_size + result_size) bytes,
 * allocated once, plus a record of about 300 bytes per chunk in the pool.
 * Python's buffersize (new in 3.15) bounds imap the same way; without it,
 * Python's task handler reads the input as fast as the pipe to the
 * workers takes tasks, and results wait in the iterator without bound
 * when the caller is slower than the workers.
 *
 * A failed chunk does not end the iteration: each of its items is
 * reported by pool_imap_next() as -1 with ECANCELED (pool_imap_failure()
 * says why), and the next call goes on with the following items. A
 * worker killed mid-task is such a failure. (Python's Pool never reports
 * a task whose worker died: its next() waits for ever. With chunksize > 1
 * Python's imap is a generator that ends at its first error.)
 */
struct pool_imap;

typedef int (*pool_producer)(void *arg, size_t index, void *udata);

struct pool_imap_options {
    size_t chunksize;  /* items per task; 0: 1, Python's imap default */
    size_t buffersize; /* chunks read ahead beyond one per worker;
                          0: 3 x workers */
};

/* Pool.imap: results in input order. NULL with errno EINVAL (pool closed,
 * a size 0, buffers over POOL_BYTES_MAX) or ENOMEM. Nothing is read from
 * the producer before the first pool_imap_next(). */
struct pool_imap *pool_imap(struct pool *pool, pool_task_fn fn, pool_producer producer, void *udata,
                            size_t arg_size, size_t result_size,
                            const struct pool_imap_options *options);

/* Pool.imap_unordered: the same, results in completion order. */
struct pool_imap *pool_imap_unordered(struct pool *pool, pool_task_fn fn, pool_producer producer,
                                      void *udata, size_t arg_size, size_t result_size,
                                      const struct pool_imap_options *options);

/* IMapIterator.next(timeout): copy the next result (result_size bytes) to
 * `result`. Returns 1, or 0 at the end (StopIteration), or -1 with errno
 * ETIMEDOUT (not ready: call again), ECANCELED (this item failed; the
 * iteration goes on), EINTR, or EDEADLK (called inside a callback). A
 * producer error is reported once as ECANCELED at its index, then 0. */
int pool_imap_next(struct pool_imap *it, void *result, double timeout);

/* The input position of the item the last pool_imap_next() returned. */
size_t pool_imap_index(const struct pool_imap *it);

/* Why the last item failed, or NULL if it did not. */
const struct pool_failure *pool_imap_failure(const struct pool_imap *it);

/* Leave the loop early (Python's break; the iterator is dropped): chunks
 * not yet started never start, results still coming are dropped, and the
 * producer is not called again. Read the iterator to its end or close it
 * before pool_join(), which waits only for chunks already taken from the
 * input, and before pool_destroy(). NULL is ignored. */
void pool_imap_close(struct pool_imap *it);

/* A producer over an array: udata points to a struct pool_array. */
struct pool_array {
    const void *items;
    size_t count, item_size;
};
int pool_array_producer(void *arg, size_t index, void *udata);

/* ------------------------------------------------------------------ */
/* Looking inside                                                      */
/* ------------------------------------------------------------------ */

struct pool_stats {
    unsigned long tasks_done; /* chunks and apply tasks completed */
    unsigned long tasks_failed;
    unsigned long workers_started; /* including replacements */
    unsigned long workers_lost;    /* died unexpectedly (then replaced) */
    unsigned long workers_retired; /* replaced after max_tasks_per_worker */
};

int pool_workers(const struct pool *pool);
/* The process id of worker w, or 0 if its slot is empty. */
pid_t pool_worker_pid(const struct pool *pool, int worker);
void pool_get_stats(const struct pool *pool, struct pool_stats *stats);

#endif
