/* SPDX-License-Identifier: MIT */
/*
 * 06.1_file_results.c - exercise: write the two callbacks of apply_async, so
 * that results land in task order and every failure (a returned error or a
 * killed worker) reaches the error callback.
 *
 * Usage: 06.1_file_results [-j N] [-n N] [--crash-task K]
 *
 * Task i squares x = i + 1; a task whose x is a multiple of 5 fails, and
 * with --crash-task K task K kills its own worker (SIGKILL). Tasks sleep
 * 5 or 35 ms, so they finish out of order. Your callbacks print one line
 * each (from the parent: look at the pids); then the parent prints the
 * results array in task order, every error message, and the totals. Exit
 * status 1 when a worker was killed, else 0.
 *
 * Python:  pool.apply_async(square, (x,), callback=on_result,
 *                           error_callback=on_error)
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_flags.h"
#include "cpus.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

/* What a task is given (copied as bytes into the worker). */
struct task_arg {
    long x;
    int sleep_ms;
    bool crash;
};

/* What a task sends back. A success callback is given only these bytes,
 * so the result carries its task's number. */
struct task_result {
    size_t index;
    long x, square;
    long worker_pid;
};

/* Runs in a worker. */
static int square(const void *argp, void *resultp, struct pool_task *task)
{
    const struct task_arg *arg = argp;
    timing_sleep(arg->sleep_ms / 1000.0);
    if (arg->crash)
        raise(SIGKILL); /* the worker dies mid-task */
    if (arg->x % 5 == 0)
        return pool_task_fail(task, "input %ld is a multiple of 5", arg->x);
    struct task_result *r = resultp;
    memset(r, 0, sizeof *r); /* padding included: no stale bytes travel */
    r->index = task->index;
    r->x = arg->x;
    r->square = arg->x * arg->x;
    r->worker_pid = (long)getpid();
    return 0;
}

/* Everything the callbacks update, handed to them as udata. Only the
 * parent touches it, one callback at a time: no lock needed. */
struct collector {
    size_t tasks;
    long *results; /* results[i]: the square of task i */
    bool *failed;  /* failed[i]: task i reached the error callback */
    char (*message)[sizeof(((struct pool_failure *)0)->message)];
    /* message[i]: task i's failure message */
    size_t ok, errors; /* callbacks and error callbacks so far */
    size_t killed;     /* failures whose worker was killed by a signal */
};

/*
 * callback=: runs in the PARENT (inside pool_join) when a task succeeded.
 * `resultp` points to the task's struct task_result, `udata` is the
 * struct collector.
 */
static void on_result(struct pool_async *job, const void *resultp, void *udata)
{
    (void)job;
    struct collector *c = udata;
    const struct task_result *r = resultp;
#ifdef SOLUTION
    /* Results arrive in completion order: the slot is the task's number,
     * never "the next free one". */
    c->results[r->index] = r->square;
    c->ok++;
    printf("[callback pid %ld] task %zu: %ld^2 = %ld (computed by worker "
           "pid %ld)\n",
           (long)getpid(), r->index, r->x, r->square, r->worker_pid);
#else
    /* TODO 1: file the result where it belongs, count it, and say so.
     *   - store the square in results[...] at the slot of ITS task (the
     *     results arrive in completion order, not in task order);
     *   - add 1 to ok;
     *   - print exactly this line (getpid() is the pid that runs you):
     *     [callback pid P] task I: X^2 = S (computed by worker pid W)
     * This stub files each result in the next free slot (arrival order)
     * and prints nothing. */
    c->results[c->ok++] = r->square;
#endif
}

/*
 * error_callback=: runs in the PARENT when a task failed: its function
 * returned an error, or its worker died under it. `f->index` names the task.
 */
static void on_error(struct pool_async *job, const struct pool_failure *f, void *udata)
{
    (void)job;
    struct collector *c = udata;
#ifdef SOLUTION
    c->failed[f->index] = true;
    snprintf(c->message[f->index], sizeof c->message[f->index], "%s", f->message);
    c->errors++;
    if (f->cause == POOL_WORKER_KILLED)
        c->killed++;
    printf("[error_callback pid %ld] %s\n", (long)getpid(), f->message);
#else
    /* TODO 2: record the failure.
     *   - mark failed[] of the failing task (which one? see struct
     *     pool_failure in common/pool.h) and copy f->message into its
     *     message[] slot;
     *   - add 1 to errors, and 1 to killed if the worker was killed by a
     *     signal (f->cause);
     *   - print exactly: [error_callback pid P] <f->message>
     * This stub forgets every failure. */
    (void)f;
    (void)c;
#endif
}

/* apply_async(square, callback=on_result, error_callback=on_error) for every
 * task, then close and join: the callbacks run inside pool_join. */
static void run_tasks(int workers, const struct task_arg *args, size_t n, struct collector *c)
{
    setvbuf(stdout, NULL, _IONBF, 0); /* the pool forks: nothing buffered */
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    for (size_t i = 0; i < n; i++) {
        struct pool_apply_options o = {
            .callback = on_result, .error_callback = on_error, .udata = c, .index = i};
        struct pool_async *job = pool_apply_async(pool, square, &args[i], sizeof args[i],
                                                  sizeof(struct task_result), &o);
        if (job == NULL)
            die("pool_apply_async");
        pool_async_release(job); /* the callbacks get the result */
    }
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
}

/* The array in task order, the failures and the totals, from what the
 * callbacks stored. */
static void report(const struct collector *c, size_t n)
{
    long parent = (long)getpid(), sum = 0;
    printf("[parent %ld] results[] in task order (- = failed):", parent);
    for (size_t i = 0; i < n; i++) {
        if (c->failed[i])
            printf(" -");
        else
            printf(" %ld", c->results[i]);
        sum += c->failed[i] ? 0 : c->results[i];
    }
    printf("\n");
    for (size_t i = 0; i < n; i++)
        if (c->failed[i])
            printf("[parent %ld] failed: %s\n", parent, c->message[i]);
    printf("[parent %ld] totals: %zu results + %zu errors = %zu of %zu tasks, %zu worker(s) "
           "killed\n",
           parent, c->ok, c->errors, c->ok + c->errors, n, c->killed);
    printf("[parent %ld] sum of the squares: %ld\n", parent, sum);
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool(), tasks = 12, crash = -1;
    const struct cli_flag flags[] = {
        {"workers", 'j', "worker processes (default: usable CPUs)", 1, pool_max_workers(),
         &workers},
        {NULL, 'n', "tasks, x = 1..N (default 12, max 1000)", 1, 1000, &tasks},
        {"crash-task", 0, "task N kills its worker (exit status 1)", 0, 999, &crash},
        {0}};
    cli_flags_parse(argc, argv, flags,
                    "Exercise 06.1: apply_async callbacks that file results by task number.");
    if (crash >= tasks)
        usage_error("--crash-task: %lld is out of range (0 to %lld)", crash, tasks - 1);
    size_t n = (size_t)tasks;
    struct task_arg *args = calloc(n, sizeof *args);
    struct collector c = {.tasks = n};
    c.results = calloc(n, sizeof *c.results);
    c.failed = calloc(n, sizeof *c.failed);
    c.message = calloc(n, sizeof *c.message);
    if (!args || !c.results || !c.failed || !c.message)
        die("calloc");
    for (size_t i = 0; i < n; i++) {
        args[i].x = (long)i + 1;
        args[i].sleep_ms = i % 3 == 0 ? 35 : 5; /* so they finish out of order */
        args[i].crash = crash == (long long)i;
    }
    printf("[parent %ld] %zu tasks (x^2 for x = 1..%zu; a multiple of 5 fails) on %lld workers\n",
           (long)getpid(), n, n, workers);
    run_tasks((int)workers, args, n, &c);
    report(&c, n);
    free(args);
    free(c.results);
    free(c.failed);
    free(c.message);
    return c.killed > 0 ? 1 : 0;
}
