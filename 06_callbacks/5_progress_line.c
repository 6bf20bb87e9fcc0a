/* SPDX-License-Identifier: MIT */
/*
 * 5_progress_line.c - what callbacks are for: they run in the parent, so
 * they may update the parent's state; here a live "12/40 done" line.
 * Python: apply_async(..., callback=on_result), on_result redraws the line
 *         when sys.stderr.isatty()
 * Usage: 5_progress_line [-j N] [-n N] [-q]
 * Look for: on a terminal, a line at the bottom counting up in place (\r and
 * "erase line"), giving way to each normal line; in a pipe or a file, no
 * control characters at all, only the final "progress: N/N done".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "opts.h"
#include "cpus.h"
#include "interrupt.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

#include "callback_steps.h" /* submit_with_callbacks, close_and_join */

/* In a worker: sleep 1..20 ms ("work"), send back the task's number. */
static int work(const void *argp, void *resultp, struct pool_task *task)
{
    timing_sleep((double)(1 + (long)task->index * 7 % 20) / 1000.0);
    *(long *)resultp = (long)task->index;
    (void)argp;
    return 0;
}

struct progress {
    size_t done, tasks;
    bool live, quiet; /* live: stderr is a terminal */
};

/* "\r" goes back to the start of the line, "\033[K" erases to its end. */
static void progress_erase(const struct progress *p)
{
    if (p->live)
        fputs("\r\033[K", stderr);
}

static void on_result(struct pool_async *job, const void *resultp, void *udata)
{
    struct progress *p = udata;
    p->done++;
    if (!p->quiet) {
        progress_erase(p); /* a normal line must not land on the live one */
        printf("[callback pid %ld] task %ld done\n", (long)getpid(), *(const long *)resultp);
        fflush(stdout);
    }
    if (p->live)
        fprintf(stderr, "\r\033[K[parent %ld] %zu/%zu done", (long)getpid(), p->done, p->tasks);
    (void)job;
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool(), tasks = 40;
    bool quiet = false;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "workers (default: usable CPUs)"),
        FLAG_N(&tasks, 1, 10000, "tasks (default 40)"),
        FLAG_QUIET(&quiet, "no line per callback (only the progress)"),
        OPTS_END_EXITS("-j 2 -n 200\n-q", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "A callback that keeps a live progress line.", flags);
    struct progress p = {.tasks = (size_t)tasks, .live = isatty(STDERR_FILENO), .quiet = quiet};
    printf("[parent %ld] %zu tasks of 1-20 ms on %lld workers; stderr is %s\n", (long)getpid(),
           p.tasks, workers, p.live ? "a terminal: a live progress line" : "not a terminal");
    interrupt_install(); /* Ctrl-C, kill: reap the workers, then go */
    fflush(stdout);      /* pool_create forks: nothing buffered to copy */
    struct pool *pool = pool_create(&(struct pool_options){.workers = (int)workers});
    if (pool == NULL)
        die("pool_create");
    for (size_t i = 0; i < p.tasks; i++) {
        struct pool_apply_options opt = {.callback = on_result, .udata = &p, .index = i};
        submit_with_callbacks(pool, work, &i, sizeof i, sizeof(long), &opt);
    }
    close_and_join(pool);
    pool_destroy(pool); /* after Ctrl-C: every worker stopped and reaped */
    progress_erase(&p);
    if (interrupt_requested())
        interrupt_exit();
    /* printed either way, so that a log file gets the count too */
    printf("[parent %ld] progress: %zu/%zu done\n", (long)getpid(), p.done, p.tasks);
    return p.done == p.tasks ? 0 : 1;
}
