/* SPDX-License-Identifier: MIT */
/*
 * 6_crashed_task.c - a task whose worker dies. The task for pair K kills its
 * own worker with SIGKILL, as the kernel's OOM killer would. This pool knows
 * which task each worker holds, so pool.starmap(add, pairs) fails at once,
 * naming the task and the signal, and the program exits 1. Python's Pool
 * replaces the dead worker but never learns that its task was lost: get()
 * waits forever (see README: Lib/multiprocessing/pool.py).
 * Usage: 6_crashed_task [-j N] [--crash-task K] [-q]
 * Look for: the error line on stderr (which task, which worker, SIGKILL),
 * the replacement worker in the pool's counts, and exit status 1.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "pool.h"
#include "report.h"

#define NPAIRS 6

static long long crash_task = 3; /* --crash-task; set before the fork */

struct pair { /* Python's tuple (x, y) */
    long x, y;
};

/* add(x, y); the task for pair `crash_task` dies mid-task instead. */
static int add(const void *arg, void *result, struct pool_task *task)
{
    const struct pair *p = arg;
    if ((long long)task->index == crash_task)
        raise(SIGKILL);
    *(long *)result = p->x + p->y;
    return 0;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long workers = cpus_for_pool();
    bool quiet = false;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "worker processes"),
        {0, FLAG_INT, "crash-task", "K", "the task for pair K (0 to 5, default 3) kills its worker",
         0, NPAIRS - 1, &crash_task},
        FLAG_QUIET(&quiet, "print only the error line"),
        OPTS_END("--crash-task 0\n-j 2 -q"),
    };
    opts_parse(argc, argv, "[-j N] [--crash-task K] [-q]",
               "pool.starmap(add, pairs) when a task's worker is killed, in C.", flags);
    struct pair pairs[NPAIRS];
    long sums[NPAIRS];
    for (int i = 0; i < NPAIRS; i++)
        pairs[i] = (struct pair){i + 1, i + 2};
    long me = (long)getpid();
    if (!quiet)
        printf("[parent %ld] starmap(add, pairs) on %lld workers; the task for pair %lld "
               "(%ld, %ld) will kill its worker with SIGKILL\n",
               me, workers, crash_task, pairs[crash_task].x, pairs[crash_task].y);
    fflush(stdout); /* before the fork: nothing buffered is printed twice */
    struct pool *pool = pool_create(&(struct pool_options){.workers = (int)workers});
    if (pool == NULL)
        die("pool_create");
    if (pool_starmap(pool, add, pairs, NPAIRS, sizeof pairs[0], sums, sizeof sums[0], NULL) == 0) {
        pool_destroy(pool);
        die_msg("starmap(add, pairs) succeeded: the crash did not happen");
    }
    struct pool_failure failure = *pool_last_failure(pool);
    struct pool_stats stats;
    pool_get_stats(pool, &stats);
    if (!quiet)
        printf("[parent %ld] the pool lost %lu worker and started %lu in all (%lld + %lu "
               "replacement)\n",
               me, stats.workers_lost, stats.workers_started, workers,
               stats.workers_started - (unsigned long)workers);
    pool_destroy(pool); /* stop and reap every worker before exiting */
    die_msg("starmap(add, pairs) failed: %s", failure.message);
}
