/* SPDX-License-Identifier: MIT */
/*
 * 6_slow_callback.c - what a slow callback costs in this pool: the parent
 * runs callbacks one at a time, inside pool_join, and while it is inside
 * one it sends no task; so a worker waits through its own callback too.
 * Python: apply_async(..., callback=slow) (Python's Pool differs: another
 *         thread keeps feeding the workers; see the README)
 * Usage: 6_slow_callback [-j N] [-n N] [--callback-ms MS] [-q]
 * Look for: the same tasks timed with a 0 ms and an MS ms callback (best of
 * 3 each), and the model n / w x max(t + c, w x c) beside the measurement.
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
#include "verdict.h"

#include "callback_steps.h" /* submit_with_callbacks, close_and_join */

enum { TASK_MS = 5, ROUNDS = 3 };

static int work(const void *argp, void *resultp, struct pool_task *task)
{
    timing_sleep(TASK_MS / 1000.0); /* a sleep: the same on a busy machine */
    *(char *)resultp = 1;
    (void)argp, (void)task;
    return 0;
}

struct run {
    struct pool *pool;
    int workers, tasks, callback_ms;
};

static void on_result(struct pool_async *job, const void *resultp, void *udata)
{
    struct run *r = udata;
    /* Ctrl-C while the parent is in here, not in poll(): no EINTR tells the
     * pool, so look at the flag. From a callback pool_terminate only asks;
     * the pool stops once this callback returns. */
    if (interrupt_requested())
        pool_terminate(r->pool);
    timing_sleep(r->callback_ms / 1000.0); /* a callback that dawdles */
    (void)job, (void)resultp;
}

/* One run: apply_async every task, close, join. Returns the seconds from
 * the first apply_async to the end of join. */
static double timed_run(void *udata)
{
    struct run *r = udata;
    fflush(stdout); /* pool_create forks: nothing buffered to copy */
    r->pool = pool_create(&(struct pool_options){.workers = r->workers});
    if (r->pool == NULL)
        die("pool_create");
    double t0 = timing_now();
    for (int i = 0; i < r->tasks; i++) {
        struct pool_apply_options opt = {.callback = on_result, .udata = r, .index = (size_t)i};
        submit_with_callbacks(r->pool, work, &i, sizeof i, 1, &opt);
    }
    close_and_join(r->pool);
    double seconds = timing_now() - t0;
    pool_destroy(r->pool); /* after Ctrl-C: every worker stopped and reaped */
    if (interrupt_requested())
        interrupt_exit();
    return seconds;
}

static void explain(const struct run *slow, const double best[2])
{
    long parent = (long)getpid();
    int n = slow->tasks, w = slow->workers, c = slow->callback_ms;
    double work = n * TASK_MS / 1000.0; /* task-seconds */
    double cycle_ms = TASK_MS + c > w * c ? TASK_MS + c : w * c;
    printf("[parent %ld] callback of 0 ms:  %.3f s  (the work alone: %d x %d ms / %d workers = "
           "%.3f s)\n",
           parent, best[0], n, TASK_MS, w, work / w);
    printf("[parent %ld] callback of %d ms: %.3f s  (%d callbacks x %d ms = %.3f s in the parent, "
           "one at a time)\n",
           parent, c, best[1], n, c, n * c / 1000.0);
    printf("[parent %ld] the slow run took %.1fx the fast one: %s; the workers were busy %.0f%% of "
           "the time (%.0f%% with the fast callback)\n",
           parent, best[1] / best[0],
           verdict_compare(best[1], best[0], "the slow callback cost time",
                           "the slow callback run was faster"),
           100 * work / (w * best[1]), 100 * work / (w * best[0]));
    printf("[parent %ld] model: a worker waits through its own callback for its next task, and "
           "the parent runs one callback at a time:\n",
           parent);
    printf("[parent %ld]   %d tasks / %d workers x max(%d + %d ms, %d x %d ms) = %.3f s\n", parent,
           n, w, TASK_MS, c, w, c, (double)n / w * cycle_ms / 1000.0);
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool(), tasks = 20, callback_ms = 20;
    bool quiet = false;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "workers (default: usable CPUs)"),
        FLAG_N(&tasks, 1, 10000, "tasks of 5 ms (default 20)"),
        {0, FLAG_COUNT, "callback-ms", "N", "how long the slow callback takes (default 20)", 0,
         1000, &callback_ms},
        FLAG_QUIET(&quiet, "no line per round (the best times only)"),
        OPTS_END_EXITS("-j 2 --callback-ms 50\n-q -n 100", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "What a slow callback costs in this pool.", flags);
    long parent = (long)getpid();
    printf(
        "[parent %ld] %lld tasks of %d ms each on %lld workers, timed from the first apply_async "
        "to the end of join, best of %d runs each\n",
        parent, tasks, TASK_MS, workers, ROUNDS);
    interrupt_install(); /* Ctrl-C, kill: reap the workers, then go */
    struct run run[2] = {{NULL, (int)workers, (int)tasks, 0},
                         {NULL, (int)workers, (int)tasks, (int)callback_ms}};
    double best[2] = {1e30, 1e30};
    for (int round = 1; round <= ROUNDS; round++) { /* alternate, so load hits both alike */
        for (int k = 0; k < 2; k++) {
            double t = timed_run(&run[k]);
            best[k] = t < best[k] ? t : best[k];
            if (!quiet)
                printf("[parent %ld] round %d: callback of %d ms: %.3f s\n", parent, round,
                       run[k].callback_ms, t);
        }
    }
    explain(&run[1], best);
    char prefix[32];
    snprintf(prefix, sizeof prefix, "[parent %ld] ", parent);
    verdict_print_busy(stdout, prefix);
    return 0;
}
