/* SPDX-License-Identifier: MIT */
/*
 * 4_worker_killed.c - a worker killed in the middle of a task: the pool
 * knows which task that worker held, so the task's error callback gets the
 * crash; a replacement worker starts and every other task completes.
 * Python: the same Pool replaces the worker but loses the task: no callback,
 *         no error callback, and join() or get() without timeout wait forever.
 * Usage: 4_worker_killed [-j N] [-n N] [-q] [--crash-task K]   (default K: 5)
 * Look for: "[error_callback pid P] task K failed: worker W (pid Q) was killed
 * by SIGKILL", the totals still adding up to every task, and exit status 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "opts.h"
#include "cpus.h"
#include "interrupt.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

#include "callback_steps.h" /* submit_with_callbacks, close_and_join */

struct task_arg {
    long x, crash; /* crash: die of SIGKILL instead of answering */
};

/* In a worker: 5 ms of "work", then x^2, or death. */
static int square_or_die(const void *argp, void *resultp, struct pool_task *task)
{
    const struct task_arg *arg = argp;
    timing_sleep(0.005);
    if (arg->crash)
        raise(SIGKILL);     /* as if the OOM killer picked this worker */
    long *result = resultp; /* {task, x^2, worker pid} */
    result[0] = (long)task->index;
    result[1] = arg->x * arg->x;
    result[2] = (long)getpid();
    return 0;
}

struct collector {
    long quiet;
    size_t ok, failed, killed, failed_task;
};

static void on_result(struct pool_async *job, const void *resultp, void *udata)
{
    const long *r = resultp;
    struct collector *c = udata;
    c->ok++;
    if (!c->quiet)
        printf("[callback pid %ld] task %ld: %ld (computed by worker pid %ld)\n", (long)getpid(),
               r[0], r[1], r[2]);
    (void)job;
}

/* error_callback=: f->cause says why; for a dead worker f->signal says
 * which signal, and f->index is the task it held. */
static void on_error(struct pool_async *job, const struct pool_failure *f, void *udata)
{
    struct collector *c = udata;
    c->failed++;
    c->killed += f->cause == POOL_WORKER_KILLED;
    c->failed_task = f->index;
    printf("[error_callback pid %ld] %s\n", (long)getpid(), f->message);
    (void)job;
}

static unsigned long run_tasks(int workers, size_t n, long crash, struct collector *c)
{
    fflush(stdout); /* pool_create forks: nothing buffered to copy */
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    for (size_t i = 0; i < n; i++) {
        struct task_arg arg = {(long)i, crash == (long)i};
        struct pool_apply_options opt = {
            .callback = on_result, .error_callback = on_error, .udata = c, .index = i};
        submit_with_callbacks(pool, square_or_die, &arg, sizeof arg, 3 * sizeof(long), &opt);
    }
    close_and_join(pool);
    struct pool_stats stats;
    pool_get_stats(pool, &stats);
    pool_destroy(pool); /* after Ctrl-C: every worker stopped and reaped */
    if (interrupt_requested())
        interrupt_exit();
    return stats.workers_started;
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool(), tasks = 40, crash = 5;
    bool quiet = false;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "workers (default: usable CPUs)"),
        FLAG_N(&tasks, 1, 10000, "tasks (default 40)"),
        FLAG_QUIET(&quiet, "no line per callback (the crash is still shown)"),
        {0, FLAG_INT, "crash-task", "K", "task K kills its worker (default 5)", 0, 9999, &crash},
        OPTS_END_EXITS("-j 2 --crash-task 0\n-q -n 100", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "A worker killed mid-task: its error callback is told.", flags);
    opts_check_range("--crash-task", crash, 0, tasks - 1); /* one of the tasks */
    long parent = (long)getpid();
    printf("[parent %ld] %lld tasks (x^2 for x = 0..%lld, 5 ms each) on %lld workers; task %lld "
           "kills its worker with SIGKILL\n",
           parent, tasks, tasks - 1, workers, crash);
    interrupt_install(); /* Ctrl-C, kill: reap the workers, then go */
    struct collector c = {.quiet = quiet};
    unsigned long started = run_tasks((int)workers, (size_t)tasks, (long)crash, &c);
    bool same = c.failed == 1 && c.failed_task == (size_t)crash;
    if (c.failed == 1)
        printf("[parent %ld] error_callback got tasks: %zu\n", parent, c.failed_task);
    else
        printf("[parent %ld] error_callback got %zu tasks\n", parent, c.failed);
    printf("[parent %ld] tasks that had to fail (--crash-task): %lld\n", parent, crash);
    printf("[parent %ld] %s\n", parent,
           same ? "the same tasks: each failure reached the error callback, no success did"
                : "DIFFERENT: the error callback missed or invented a failure");
    printf("[parent %ld] totals: %zu callbacks + %zu error callbacks = %zu of %lld tasks\n", parent,
           c.ok, c.failed, c.ok + c.failed, tasks);
    printf("[parent %ld] %zu worker(s) killed; the pool started %lu workers in all (replacements "
           "included) and went on\n",
           parent, c.killed, started);
    printf("[parent %ld] exit status 1 (a worker was killed%s)\n", parent,
           same ? "" : ", and a check failed: see above");
    return 1; /* a killed worker is not part of a healthy run */
}
