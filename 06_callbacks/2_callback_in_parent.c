/* SPDX-License-Identifier: MIT */
/*
 * 2_callback_in_parent.c - the pool's callback=: workers compute, and the
 * parent calls on_result() for each result, one at a time, as tasks finish.
 * Python: pool.apply_async(square, (i, x), callback=on_result); close; join
 * Usage: 2_callback_in_parent [-j N] [-n N] [--seed S] [-q]
 * Look for: every callback line names the parent's pid; the completion order
 * is not the task order, yet results[] is: each callback files its result in
 * the slot of its task's number.
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
    long x;
    int sleep_ms;
};
struct task_result { /* the callback gets only these bytes: they carry the task's number */
    size_t index;
    long x, square, worker_pid, sleep_ms; /* all 8 bytes wide: no padding to leak */
};

/* In a worker: "work" (a sleep takes the time asked even on a busy machine),
 * then square x. */
static int square(const void *argp, void *resultp, struct pool_task *task)
{
    const struct task_arg *arg = argp;
    struct task_result *r = resultp;
    timing_sleep(arg->sleep_ms / 1000.0);
    *r = (struct task_result){task->index, arg->x, arg->x * arg->x, (long)getpid(), arg->sleep_ms};
    return 0;
}

/* What the callback updates, given to it as udata: no globals, no lock
 * (only the parent touches it, one callback at a time). */
struct collector {
    pid_t parent;
    bool quiet;
    size_t tasks, done, elsewhere; /* elsewhere: callbacks not in the parent */
    long *results;                 /* results[i]: task i's square */
    unsigned *calls;               /* callbacks per task: must end at 1 */
    size_t *order;                 /* task numbers in completion order */
};

/* callback=: runs in the parent, inside pool_join(), when a result arrived. */
static void on_result(struct pool_async *job, const void *resultp, void *udata)
{
    (void)job;
    struct collector *c = udata;
    const struct task_result *r = resultp;
    c->elsewhere += getpid() != c->parent;
    c->results[r->index] = r->square;
    c->calls[r->index]++;
    c->order[c->done++] = r->index;
    if (!c->quiet)
        printf("[callback pid %ld] task %zu: %ld^2 = %ld (slept %ld ms in worker pid %ld)\n",
               (long)getpid(), r->index, r->x, r->square, r->sleep_ms, r->worker_pid);
    fflush(stdout); /* each line out as it happens, even into a pipe */
}

/* apply_async(callback=) for every task, then close() and join(): join is
 * where the callbacks run. Ctrl-C or SIGTERM: reap the workers, die of it. */
static void run_tasks(int workers, const struct task_arg *args, struct collector *c)
{
    fflush(stdout); /* pool_create forks: nothing buffered to copy */
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    for (size_t i = 0; i < c->tasks; i++) {
        struct pool_apply_options opt = {.callback = on_result, .udata = c, .index = i};
        submit_with_callbacks(pool, square, &args[i], sizeof args[i], sizeof(struct task_result),
                              &opt); /* no handle needed: the callback gets the result */
    }
    close_and_join(pool);
    pool_destroy(pool); /* after an interrupt: SIGTERM, SIGKILL, each worker reaped */
    if (interrupt_requested())
        interrupt_exit();
}

static int report(const struct collector *c, const struct task_arg *args)
{
    long parent = (long)c->parent, sum = 0, expected = 0;
    size_t once = 0;
    for (size_t i = 0; i < c->tasks; i++)
        once += c->calls[i] == 1;
    printf("[parent %ld] pool_join returned after %zu callbacks: %zu in pid %ld (the parent), %zu "
           "elsewhere; %zu of %zu tasks called back exactly once\n[parent %ld] completion order:",
           parent, c->done, c->done - c->elsewhere, parent, c->elsewhere, once, c->tasks, parent);
    for (size_t i = 0; i < c->done; i++)
        printf(" %zu", c->order[i]);
    printf("\n[parent %ld] results[] (task order):", parent);
    for (size_t i = 0; i < c->tasks; i++) {
        printf(" %ld", c->results[i]);
        sum += c->results[i];
        expected += args[i].x * args[i].x; /* the sequential way */
    }
    printf("\n[parent %ld] sum of the squares: %ld (a plain loop in the parent gives %ld: %s)\n",
           parent, sum, expected, sum == expected ? "the same" : "DIFFERENT");
    return sum == expected && c->elsewhere == 0 && once == c->tasks ? 0 : 1;
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool(), tasks = 40, seed = 1;
    bool quiet = false;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "worker processes (default: usable CPUs)"),
        FLAG_N(&tasks, 1, 10000, "tasks (default 40)"),
        {0, FLAG_INT, "seed", "S", "seed of inputs and durations (default 1)", 0, LLONG_MAX, &seed},
        FLAG_QUIET(&quiet, "no line per callback"),
        OPTS_END_EXITS("-j 2 -n 100\n-q --seed 7", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "apply_async(callback=): the callbacks run in the parent.", flags);
    struct collector c = {.parent = getpid(), .quiet = quiet, .tasks = (size_t)tasks};
    struct task_arg *args = calloc(c.tasks, sizeof *args);
    c.results = calloc(c.tasks, sizeof *c.results);
    c.calls = calloc(c.tasks, sizeof *c.calls);
    c.order = calloc(c.tasks, sizeof *c.order);
    if (!args || !c.results || !c.calls || !c.order)
        die("calloc");
    struct rng rng;
    rng_seed(&rng, (uint64_t)seed);
    for (size_t i = 0; i < c.tasks; i++) {
        args[i].x = 1 + (long)rng_below(&rng, 99);
        args[i].sleep_ms = 1 + (int)rng_below(&rng, 20);
    }
    printf("[parent %ld] %zu tasks (x^2 for a random x in 1..99, each sleeping 1-20 ms; seed %lld) "
           "on %lld workers\n",
           (long)c.parent, c.tasks, seed, workers);
    printf("[parent %ld] apply_async(callback=on_result) for each, then close and join\n",
           (long)c.parent);
    interrupt_install(); /* Ctrl-C, kill: reap the workers, then go */
    run_tasks((int)workers, args, &c);
    int status = report(&c, args);
    free(args);
    free(c.results);
    free(c.calls);
    free(c.order);
    return status;
}
