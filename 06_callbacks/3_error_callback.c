/* SPDX-License-Identifier: MIT */
/*
 * 3_error_callback.c - error_callback=: a task that fails reaches on_error(),
 * in the parent, with its number and message; the others reach on_result().
 * Python: apply_async(square, (i, x), callback=on_result, error_callback=on_error)
 * Usage: 3_error_callback [-j N] [-n N] [--seed S] [-q]
 * Look for: the tasks whose x is a multiple of 7 are the ones on_error() got.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "opts.h"
#include "cpus.h"
#include "interrupt.h"
#include "pool.h"
#include "report.h"
#include "rng.h"
#include "timing.h"

#include "callback_steps.h" /* submit_with_callbacks, close_and_join */

struct task_arg { /* copied as bytes into the worker: no pointers */
    long x, sleep_ms;
};
struct task_result {
    size_t index;
    long x, square, worker_pid; /* all 8 bytes wide: no padding to leak */
};

/* In a worker. A task fails when x is a multiple of 7 (Python: raise). */
static int square_unless_multiple_of_7(const void *argp, void *resultp, struct pool_task *task)
{
    const struct task_arg *arg = argp;
    timing_sleep((double)arg->sleep_ms / 1000.0);
    if (arg->x % 7 == 0)
        return pool_task_fail(task, "input %ld is a multiple of 7", arg->x);
    *(struct task_result *)resultp =
        (struct task_result){task->index, arg->x, arg->x * arg->x, (long)getpid()};
    return 0;
}

struct collector { /* udata of both callbacks; only the parent touches it */
    bool quiet;
    size_t ok, failed;
    bool *failed_task; /* failed_task[i]: the error callback got task i */
};

/* callback=: a task succeeded. */
static void on_result(struct pool_async *job, const void *resultp, void *udata)
{
    (void)job;
    struct collector *c = udata;
    const struct task_result *r = resultp;
    c->ok++;
    if (!c->quiet)
        printf("[callback pid %ld] task %zu: %ld^2 = %ld (computed by worker pid %ld)\n",
               (long)getpid(), r->index, r->x, r->square, r->worker_pid);
    fflush(stdout); /* each line out as it happens, even into a pipe */
}

/* error_callback=: a task failed, by its own error or its worker's death;
 * f->index names the task, f->message says what happened. */
static void on_error(struct pool_async *job, const struct pool_failure *f, void *udata)
{
    (void)job;
    struct collector *c = udata;
    c->failed_task[f->index] = true;
    c->failed++;
    if (!c->quiet)
        printf("[error_callback pid %ld] %s\n", (long)getpid(), f->message);
}

/* apply_async(callback=, error_callback=) for every task, close, join.
 * Ctrl-C or SIGTERM: every worker stopped and reaped, then die of it. */
static void run_tasks(int workers, const struct task_arg *args, size_t n, struct collector *c)
{
    fflush(stdout); /* pool_create forks: nothing buffered to copy */
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    for (size_t i = 0; i < n; i++) {
        struct pool_apply_options opt = {
            .callback = on_result, .error_callback = on_error, .udata = c, .index = i};
        submit_with_callbacks(pool, square_unless_multiple_of_7, &args[i], sizeof args[i],
                              sizeof(struct task_result), &opt);
    }
    close_and_join(pool);
    pool_destroy(pool);
    if (interrupt_requested())
        interrupt_exit();
}

/* The tasks that had to fail, against those the error callback got. */
static bool compare_failures(const struct collector *c, const struct task_arg *args, size_t n)
{
    long parent = (long)getpid();
    bool same = true;
    printf("[parent %ld] error_callback got tasks:", parent);
    for (size_t i = 0; i < n; i++)
        if (c->failed_task[i])
            printf(" %zu", i);
    printf("\n[parent %ld] tasks that had to fail (x a multiple of 7):", parent);
    for (size_t i = 0; i < n; i++) {
        if (args[i].x % 7 == 0)
            printf(" %zu", i);
        same = same && (args[i].x % 7 == 0) == c->failed_task[i];
    }
    printf("\n[parent %ld] %s\n[parent %ld] totals: %zu callbacks + %zu error callbacks = %zu of "
           "%zu tasks\n",
           parent,
           same ? "the same tasks: each failure reached the error callback, no success did"
                : "DIFFERENT: the error callback missed or invented a failure",
           parent, c->ok, c->failed, c->ok + c->failed, n);
    return same && c->ok + c->failed == n;
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool(), tasks = 40, seed = 1;
    bool quiet = false;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "workers (default: usable CPUs)"),
        FLAG_N(&tasks, 1, 10000, "tasks (default 40)"),
        {0, FLAG_INT, "seed", "S", "seed of inputs and durations (default 1)", 0, LLONG_MAX, &seed},
        FLAG_QUIET(&quiet, "no line per callback"),
        OPTS_END_EXITS("-j 2 -n 100\n-q --seed 7", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "apply_async(error_callback=): failures reach the parent.", flags);
    size_t n = (size_t)tasks;
    struct collector c = {.quiet = quiet, .failed_task = calloc(n, sizeof(bool))};
    struct task_arg *args = calloc(n, sizeof *args);
    if (args == NULL || c.failed_task == NULL)
        die("calloc");
    struct rng rng;
    rng_seed(&rng, (uint64_t)seed);
    for (size_t i = 0; i < n; i++) { /* step 2's inputs for the same seed */
        args[i].x = 1 + (long)rng_below(&rng, 99);
        args[i].sleep_ms = 1 + (int)rng_below(&rng, 20);
    }
    long parent = (long)getpid();
    printf("[parent %ld] %zu tasks (x^2 for a random x in 1..99, each sleeping 1-20 ms; seed %lld) "
           "on %lld workers\n[parent %ld] apply_async(callback=on_result, error_callback=on_error) "
           "for each, then close and join\n",
           parent, n, seed, workers, parent);
    interrupt_install(); /* Ctrl-C, kill: reap the workers, then go */
    run_tasks((int)workers, args, n, &c);
    int status = compare_failures(&c, args, n) ? 0 : 1;
    free(args);
    free(c.failed_task);
    return status;
}
