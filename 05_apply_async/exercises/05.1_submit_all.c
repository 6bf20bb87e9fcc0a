/* SPDX-License-Identifier: MIT */
/*
 * 05.1_submit_all.c - exercise: submit all tasks (apply_async), then get()
 * each, reporting a failed one without stopping the others, as in Python:
 *     jobs = [pool.apply_async(slow_square, (x,)) for x in xs]
 *     for i, job in enumerate(jobs):
 *         try: print(i, job.get())
 *         except Exception as e: print(i, "failed:", e)
 *
 * Usage: 05.1_submit_all [-j N] [-n TASKS] [--fail K]
 * Output: each result or failure in order, your calls, most tasks at once.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "lab.h"
#include "timing.h"

enum { MAX_TASKS = 64, TASK_MS = 50 /* each task sleeps this long: a stand-in for work */ };

struct task_result {
    long square, pid;         /* x * x, and the worker that ran it */
    double started, finished; /* timing_now() in the worker: one clock */
};

/* slow_square(x), in a worker: x * x after 50 ms; fails (raises) for x < 0. */
static int slow_square(const void *arg, void *result, struct pool_task *task)
{
    long x = *(const long *)arg;
    double started = timing_now();
    if (x < 0)
        return pool_task_fail(task, "negative input %ld", x);
    timing_sleep(TASK_MS / 1e3);
    *(struct task_result *)result = (struct task_result){x * x, getpid(), started, timing_now()};
    return 0;
}

/* The helpers your code calls; they log the calls, to show their order. */
static struct {
    char calls[MAX_TASKS * 2][16]; /* "S3" submit task 3, "G3" get task 3 */
    int ncalls, released, reported, failed;
} log_;
static struct task_result ran[MAX_TASKS]; /* ran[i]: task i, if it succeeded */

/* pool.apply_async(slow_square, (*x,)) for task i: returns the handle. */
static struct pool_async *submit(struct pool *pool, int i, const long *x)
{
    struct pool_async *job = lab_submit(pool, slow_square, x, sizeof *x, sizeof *ran, (size_t)i);
    snprintf(log_.calls[log_.ncalls++ % (MAX_TASKS * 2)], 16, "S%d", i);
    return job;
}

/* job.get() for task i: 0, or -1 with errno ECANCELED if the task failed. */
static int get(struct pool_async *job, int i, struct task_result *result)
{
    snprintf(log_.calls[log_.ncalls++ % (MAX_TASKS * 2)], 16, "G%d", i);
    int rc = pool_async_get(job, result, POOL_FOREVER);
    if (rc != 0 && errno != ECANCELED)
        die("pool_async_get"); /* not the task's failure: a real error */
    return rc;
}

static void release(struct pool_async *job)
{
    pool_async_release(job);
    log_.released++;
}

/* What task i (input x) returned, or why a task failed ("task 5 failed: ..."). */
static void report_result(int i, long x, const struct task_result *r)
{
    printf("[parent %ld] task %d: %ld^2 = %ld  (worker pid %ld)\n", (long)getpid(), i, x, r->square,
           r->pid);
    ran[i] = *r;
    log_.reported++;
}

static void report_failure(const char *message)
{
    printf("[parent %ld] %s\n", (long)getpid(), message);
    log_.reported++, log_.failed++;
}

/* slow_square(xs[i]) with apply_async for every i < n: report each result or
 * failure in submission order, and release every handle. */
static void run_all(struct pool *pool, const long *xs, int n)
{
#ifdef SOLUTION
    /* jobs = [pool.apply_async(...) for ...]: every worker busy before we wait */
    struct pool_async *jobs[MAX_TASKS];
    for (int task = 0; task < n; task++)
        jobs[task] = submit(pool, task, &xs[task]);
    for (int task = 0; task < n; task++) { /* while one get() waits, the rest run too */
        struct task_result r;
        if (get(jobs[task], task, &r) == 0)
            report_result(task, xs[task], &r);
        else /* this task failed; the others are unaffected */
            report_failure(pool_async_failure(jobs[task])->message);
        release(jobs[task]);
    }
#else
    /* TODO: this loop waits for each task before submitting the next, and
     * drops a failed one. Submit all n first (keep the handles), then get()
     * each in order: report_result(), or when get() returns -1,
     * report_failure(pool_async_failure(job)->message); then release() it. */
    for (int k = 0; k < n; k++) {
        struct task_result one;
        if (get(submit(pool, k, &xs[k]), k, &one) == 0)
            report_result(k, xs[k], &one);
    }
#endif
}

/* Your calls in order; the most tasks running at once (by the workers' clocks). */
static void print_log(int n, double took, double serial)
{
    printf("[parent %ld] calls:", (long)getpid());
    for (int i = 0; i < log_.ncalls && i < MAX_TASKS * 2; i++)
        printf(" %s", log_.calls[i]);
    int most = 0;
    for (int i = 0; i < n; i++) {
        int now = 0; /* a failed task's times are 0: it counts for none */
        for (int k = 0; k < n; k++)
            now += ran[k].started <= ran[i].started && ran[i].started < ran[k].finished;
        most = now > most ? now : most;
    }
    printf("\n[parent %ld] most tasks running at once: %d; took %.2f s "
           "(one at a time would take %.2f s)\n",
           (long)getpid(), most, took, serial);
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool(), n = 8, fail = 5;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "worker processes (default: CPUs)"),
        {'n', FLAG_INT, NULL, "TASKS", "tasks of 50 ms each (default 8)", 1, MAX_TASKS, &n},
        {0, FLAG_INT, "fail", "K", "task K fails (default 5; -1: none)", -1, MAX_TASKS - 1, &fail},
        OPTS_END("-j 2 -n 16\n--fail -1"),
    };
    opts_parse(argc, argv, NULL, "Submit every task with apply_async, then get each.", flags);
    long xs[MAX_TASKS];
    for (int i = 0; i < n; i++)
        xs[i] = i == fail ? -1 : i + 1;

    struct pool *pool = lab_pool_start((int)workers);
    printf("[parent %ld] %lld tasks of %d ms each, %lld workers\n", (long)getpid(), n, TASK_MS,
           workers);
    double t0 = timing_now();
    run_all(pool, xs, (int)n);
    double took = timing_now() - t0;
    lab_pool_finish(pool);

    print_log((int)n, took, (double)(n - (fail >= 0 && fail < n)) * TASK_MS / 1e3);
    printf("summary: %lld tasks, %d reported, %d failed, %d handles released\n", n, log_.reported,
           log_.failed, log_.released);
    return log_.reported == n && log_.released == n ? 0 : 1;
}
