/* SPDX-License-Identifier: MIT */
/*
 * 7_callback_or_queue.c - results by callback (on the pool's own channel),
 * or through a queue (queue.h) the tasks put on and the parent drains.
 * Python: apply_async(f, (i,), callback=store)  against
 *         Pool(initializer=remember, initargs=(queue,)) + queue.put/get
 * Usage: 7_callback_or_queue [-j N] [-n N] [-q]
 * Look for: both sums right; each way's cost per result (best of 3), a verdict.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opts.h"
#include "cpus.h"
#include "interrupt.h"
#include "pool.h"
#include "queue.h"
#include "report.h"
#include "timing.h"
#include "verdict.h"

#include "callback_steps.h" /* submit_with_callbacks, close_and_join */

struct run {
    int workers;
    size_t tasks;
    long sum; /* the sum of the squares collected */
};

static int square(const void *argp, void *resultp, struct pool_task *task)
{
    long x = *(const long *)argp;
    *(long *)resultp = x * x;
    (void)task;
    return 0;
}

/* A task gets no udata, and a queue cannot be an argument (arguments are
 * copied bytes). As in Python, where a Queue reaches pool workers only
 * through Pool(initializer=, initargs=), the initializer stores it in the
 * worker's own copy of this variable. */
static struct queue *worker_queue;

static void remember_queue(int worker, void *udata)
{
    worker_queue = udata;
    (void)worker;
}

static int square_onto_queue(const void *argp, void *resultp, struct pool_task *task)
{
    long x = *(const long *)argp, square = x * x;
    if (queue_put(worker_queue, &square, sizeof square, QUEUE_FOREVER) != 0)
        return pool_task_fail(task, "queue_put: %s", strerror(errno));
    *(long *)resultp = 0; /* the pool still sends back a (tiny) result */
    return 0;
}

static void add_up(struct pool_async *job, const void *resultp, void *udata)
{
    ((struct run *)udata)->sum += *(const long *)resultp; /* callback=: in the parent */
    (void)job;
}

/* apply_async every task, close, join; with a queue, drain it after join
 * (every worker has exited: what is queued is all there is). Returns the
 * seconds from the first apply_async to the last result collected. */
static double run_pool(struct run *r, struct queue *q)
{
    fflush(stdout); /* pool_create forks: nothing buffered to copy */
    struct pool *pool = pool_create(&(struct pool_options){
        .workers = r->workers, .initializer = q ? remember_queue : NULL, .initializer_udata = q});
    if (pool == NULL)
        die("pool_create");
    double t0 = timing_now();
    r->sum = 0;
    for (size_t i = 0; i < r->tasks; i++) {
        long x = (long)(i % 1000);
        struct pool_apply_options opt = {.callback = q ? NULL : add_up, .udata = r};
        submit_with_callbacks(pool, q ? square_onto_queue : square, &x, sizeof x, sizeof(long),
                              &opt);
    }
    close_and_join(pool);
    for (long square; q && queue_get(q, &square, sizeof square, 0) == (ssize_t)sizeof square;)
        r->sum += square;
    double seconds = timing_now() - t0;
    pool_destroy(pool); /* after Ctrl-C: every worker stopped and reaped */
    if (interrupt_requested())
        interrupt_exit();
    return seconds;
}

static double by_callback(void *udata)
{
    return run_pool(udata, NULL);
}

/* The queue is made before the pool, so the workers inherit it. It must
 * hold every result: the parent drains it only after join, and a worker
 * blocked in put() on a full queue would never finish its task. */
static double by_queue(void *udata)
{
    struct run *r = udata;
    struct queue *q = queue_create(r->tasks, sizeof(long));
    if (q == NULL)
        die("queue_create");
    double seconds = run_pool(r, q);
    queue_destroy(q);
    return seconds;
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool(), tasks = 20000;
    bool quiet = false;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "workers (default: usable CPUs)"),
        FLAG_N(&tasks, 1, 10000000, "tiny tasks (default 20000)"),
        FLAG_QUIET(&quiet, "no line per round (the best times only)"),
        OPTS_END_EXITS("-j 2 -n 100K\n-q", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "Results by callback or through a queue, timed.", flags);
    enum { ROUNDS = 3 };
    long parent = (long)getpid(), expected = 0;
    for (long long i = 0; i < tasks; i++)
        expected += (i % 1000) * (i % 1000);
    printf("[parent %ld] %lld tiny tasks (x^2) on %lld workers, results collected two ways, best "
           "of %d runs each\n",
           parent, tasks, workers, ROUNDS);
    interrupt_install(); /* Ctrl-C, kill: reap the workers, then go */
    struct run run = {(int)workers, (size_t)tasks, 0};
    double best[2] = {1e30, 1e30}; /* [0]: by callback, [1]: by queue */
    bool right[2] = {true, true};
    for (int round = 1; round <= ROUNDS; round++) /* alternate: load hits both alike */
        for (int k = 0; k < 2; k++) {
            double t = (k ? by_queue : by_callback)(&run);
            best[k] = t < best[k] ? t : best[k];
            right[k] = right[k] && run.sum == expected;
            if (!quiet)
                printf("[parent %ld] round %d: %s %.3f s\n", parent, round,
                       k ? "by queue" : "by callback", t);
        }
    const char *how[2] = {"by callback:", "by queue:   "};
    for (int k = 0; k < 2; k++)
        printf("[parent %ld] %s %.3f s, %.2f us per result, sum of squares %s\n", parent, how[k],
               best[k], best[k] / (double)tasks * 1e6, right[k] ? "right" : "WRONG");
    printf("[parent %ld] the queue way took %.2fx the time of the callback way: %s\n", parent,
           best[1] / best[0],
           verdict_compare(best[0], best[1], "the queue is faster", "the callback is faster"));
    char prefix[32];
    snprintf(prefix, sizeof prefix, "[parent %ld] ", parent);
    verdict_print_busy(stdout, prefix);
    return right[0] && right[1] ? 0 : 1;
}
