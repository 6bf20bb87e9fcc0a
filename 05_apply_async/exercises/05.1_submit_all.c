/* SPDX-License-Identifier: MIT */
/*
 * 05.1_submit_all.c - exercise: submit every task with apply_async first,
 * then get() each result, and report the task that fails without stopping
 * the others.
 *
 * The handout's run_all() calls get() right after each apply_async(): it
 * waits for every task before submitting the next, so only one worker ever
 * works (the chapter's "apply in a loop" mistake in disguise), and it
 * ignores the task that fails. Yours does what Python programmers write:
 *     jobs = [pool.apply_async(slow_square, (x,)) for x in xs]
 *     for i, job in enumerate(jobs):
 *         try: print(i, job.get())
 *         except Exception as e: print(i, "failed:", e)
 *
 * Usage: 05.1_submit_all [-j N] [-n TASKS] [--fail K]
 *
 * You will see each task's result (or why it failed) in submission order,
 * the order of your submit and get calls, how many tasks ran at once, the
 * time taken, and a summary line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

enum { MAX_TASKS = 64 };
#define TASK_SECONDS 0.05 /* each task sleeps this long: a stand-in for work */

struct task_arg {
    long x;
};
struct task_result {
    long square;
    long pid;                 /* the worker that ran it */
    double started, finished; /* timing_now() in the worker: one clock */
};

/* slow_square(x), run in a worker: x * x after 50 ms; fails for x < 0 (as
 * a Python task would raise ValueError). */
static int slow_square(const void *arg, void *result, struct pool_task *task)
{
    const struct task_arg *a = arg;
    struct task_result *r = result;
    *r = (struct task_result){.pid = (long)getpid(), .started = timing_now()};
    if (a->x < 0)
        return pool_task_fail(task, "negative input %ld", a->x);
    timing_sleep(TASK_SECONDS);
    r->square = a->x * a->x;
    r->finished = timing_now();
    return 0;
}

/* ------------------------------------------------------------------ */
/* The helpers your code calls. They keep a log of the calls, so the     */
/* program can show the order you made them in.                          */
/* ------------------------------------------------------------------ */

static struct {
    char calls[MAX_TASKS * 2][16]; /* "S3" submit task 3, "G3" get task 3 */
    int ncalls;
    int released;
    int reported, failed;
    struct task_result results[MAX_TASKS]; /* the successful ones */
    bool ok[MAX_TASKS];
} log_;

/* pool.apply_async(slow_square, (args[i].x,)): returns the handle. */
static struct pool_async *submit(struct pool *pool, int i, const struct task_arg *arg)
{
    struct pool_async *job =
        pool_apply_async(pool, slow_square, arg, sizeof *arg, sizeof(struct task_result),
                         &(struct pool_apply_options){.index = (size_t)i});
    if (job == NULL)
        die("pool_apply_async");
    snprintf(log_.calls[log_.ncalls++ % (MAX_TASKS * 2)], 16, "S%d", i);
    return job;
}

/* job.get() for task i: 0 and *result filled, or -1 with errno ECANCELED
 * when the task failed (pool_async_failure(job) says why). */
static int get(struct pool_async *job, int i, struct task_result *result)
{
    snprintf(log_.calls[log_.ncalls++ % (MAX_TASKS * 2)], 16, "G%d", i);
    int rc = pool_async_get(job, result, POOL_FOREVER);
    if (rc != 0 && errno != ECANCELED)
        die("pool_async_get"); /* not the task's failure: a real error */
    return rc;
}

/* The handle is no longer needed. */
static void release(struct pool_async *job)
{
    pool_async_release(job);
    log_.released++;
}

/* Say what task i returned, or why it failed. */
static void report_result(int i, long x, const struct task_result *r)
{
    printf("[parent %ld] task %d: %ld^2 = %ld  (worker pid %ld)\n", (long)getpid(), i, x, r->square,
           r->pid);
    log_.results[i] = *r;
    log_.ok[i] = true;
    log_.reported++;
}

static void report_failure(int i, const char *message)
{
    (void)i; /* the pool's message names the task: "task 5 failed: ..." */
    printf("[parent %ld] %s\n", (long)getpid(), message);
    log_.reported++;
    log_.failed++;
}

/* ------------------------------------------------------------------ */

/* Run slow_square(args[i]) for i = 0 .. n-1 with apply_async: report every
 * result (report_result) or failure (report_failure), in submission order,
 * and release every handle. */
static void run_all(struct pool *pool, const struct task_arg *args, int n)
{
#ifdef SOLUTION
    struct pool_async *jobs[MAX_TASKS];
    /* jobs = [pool.apply_async(...) for ...]: each call copies the argument
     * and returns at once, so every worker has a task before we wait. */
    for (int task = 0; task < n; task++)
        jobs[task] = submit(pool, task, &args[task]);
    /* Now wait, in submission order: a get() that waits lets the others
     * finish meanwhile, so later gets return at once. */
    for (int task = 0; task < n; task++) {
        struct task_result r;
        if (get(jobs[task], task, &r) == 0)
            report_result(task, args[task].x, &r);
        else /* this task failed; the others are unaffected */
            report_failure(task, pool_async_failure(jobs[task])->message);
        release(jobs[task]);
    }
#else
    /* TODO: this loop waits for each task before it submits the next, so
     * only one worker works at a time; and a failed task goes unreported.
     * Submit all n tasks first (keep the handles), then get() each one in
     * submission order: report_result() what it returned, or, when get()
     * returns -1, report_failure() with the message of
     * pool_async_failure(job). Then release() the handle. */
    for (int k = 0; k < n; k++) {
        struct task_result one;
        struct pool_async *handle = submit(pool, k, &args[k]);
        if (get(handle, k, &one) == 0)
            report_result(k, args[k].x, &one);
    }
#endif
}

/* How many tasks were running at the busiest moment (from the workers'
 * own start and finish times). */
static int most_at_once(int n)
{
    int most = 0;
    for (int i = 0; i < n; i++) {
        if (!log_.ok[i])
            continue;
        int now = 0;
        for (int k = 0; k < n; k++)
            now += log_.ok[k] && log_.results[k].started <= log_.results[i].started &&
                   log_.results[i].started < log_.results[k].finished;
        most = now > most ? now : most;
    }
    return most;
}

static void usage(void)
{
    printf("Usage: %s [-j N] [-n TASKS] [--fail K]\n"
           "apply_async: submit every task, then get every result.\n"
           "\n"
           "  -j, --workers N   worker processes (default: usable CPUs, max %d)\n"
           "  -n TASKS          tasks of 50 ms each (default 8, 1 to %d)\n"
           "      --fail K      task K gets a negative input and fails "
           "(default 5; -1: none)\n"
           "  -h, --help        this text\n",
           report_program(), pool_max_workers(), MAX_TASKS);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int workers = cpus_for_pool();
    int n = 8, fail = 5;
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"fail", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* we report bad options ourselves, on one line */
    int c;
    while ((c = getopt_long(argc, argv, ":j:n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': n = (int)cli_parse_int("-n", optarg, 1, MAX_TASKS); break;
        case 'f': fail = (int)cli_parse_int("--fail", optarg, -1, MAX_TASKS - 1); break;
        case 'h': usage(); return 0;
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);

    struct task_arg args[MAX_TASKS];
    for (int i = 0; i < n; i++)
        args[i].x = i == fail ? -1 : i + 1;

    /* Workers are forked now: flush, so our stdio buffer is not copied. */
    fflush(stdout);
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    pid_t me = getpid();
    printf("[parent %ld] %d tasks of %.0f ms each, %d workers\n", (long)me, n, TASK_SECONDS * 1e3,
           workers);
    double t0 = timing_now();
    run_all(pool, args, n);
    double took = timing_now() - t0;
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);

    printf("[parent %ld] calls:", (long)me);
    for (int i = 0; i < log_.ncalls && i < MAX_TASKS * 2; i++)
        printf(" %s", log_.calls[i]);
    printf("\n");
    int busiest = most_at_once(n);
    printf("[parent %ld] most tasks running at once: %d; took %.2f s "
           "(one at a time would take %.2f s)\n",
           (long)me, busiest, took, (n - (fail >= 0 && fail < n)) * TASK_SECONDS);
    printf("summary: %d tasks, %d reported, %d failed, %d handles released\n", n, log_.reported,
           log_.failed, log_.released);
    return log_.reported == n && log_.released == n ? 0 : 1;
}
