/* SPDX-License-Identifier: MIT */
/*
 * 05.2_retry.c - exercise: a timeout-and-retry wrapper around apply_async,
 * as you would write one around Python's AsyncResult.get(timeout).
 * Usage: 05.2_retry [-j N] [--timeout T] [--attempts N] [--crash K] [--stall K] [--fail K]
 * Task K's first attempt kills its worker (--crash) or hangs (--stall); a --fail
 * task always fails. Output: lost and timed-out attempts, results, the pool's end.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "cpus.h"
#include "lab.h"
#include "opts.h"
#include "timing.h"

enum { TASKS = 8, LAST = TASKS - 1 };

/* The options, set before the workers are forked: each has its own copy. */
static long long crash_task = 2, stall_task = 5, fail_task = -1, attempts = 3;
static struct flag_real timeout = {1.0, 0.01, 10, false}; /* seconds per attempt */

/* Which task (its input x is task + 1), which attempt: 1, 2, ... */
struct task_arg {
    int task, attempt;
};

/* fetch(x), in a worker: x * x after 50 ms, unless a flaky first attempt or bad input. */
static int fetch(const void *arg, void *result, struct pool_task *task)
{
    const struct task_arg *a = arg;
    if (a->task == fail_task)
        return pool_task_fail(task, "bad input %d", a->task + 1);
    if (a->task == crash_task && a->attempt == 1)
        raise(SIGKILL); /* the kernel ends this worker mid-task */
    timing_sleep(a->task == stall_task && a->attempt == 1 ? 20.0 /* "forever" */ : 0.05);
    *(long *)result = (long)(a->task + 1) * (a->task + 1);
    return 0;
}

static struct {
    int retries, abandoned; /* attempts after the first; timed out, still running */
} stats;

/* Helpers for your code. pool.apply_async(fetch, (a,)): attempt a->attempt of a->task. */
static struct pool_async *submit(struct pool *pool, const struct task_arg *a)
{
    stats.retries += a->attempt > 1;
    return lab_submit(pool, fetch, a, sizeof *a, sizeof(long), (size_t)a->task);
}

/* What happened to an attempt; a timed-out one still runs (stats.abandoned). */
static void note_timeout(const struct task_arg *a)
{
    stats.abandoned++;
    lab_say("task %d: attempt %d timed out after %.2f s (abandoned: not cancelled)", a->task,
            a->attempt, timeout.value);
}

static void note_lost(const struct task_arg *a, const struct pool_failure *failure)
{
    lab_say("task %d: attempt %d lost: %s", a->task, a->attempt, failure->message);
}

static void note_error(const struct task_arg *a, const struct pool_failure *failure)
{
    lab_say("task %d: attempt %d: %s (not retried)", a->task, a->attempt, failure->message);
}

/* Wait for task arg (attempt 1 is `job`) into *result; returns the attempt that worked, or -1. */
static int get_with_retry(struct pool *pool, struct pool_async *job, struct task_arg arg,
                          long *result)
{
#ifdef SOLUTION
    for (;; arg.attempt++, job = submit(pool, &arg)) {
        if (pool_async_get(job, result, timeout.value) == 0) { /* job.get(timeout) */
            pool_async_release(job);
            return arg.attempt;
        }
        const struct pool_failure *why = errno == ECANCELED ? pool_async_failure(job) : NULL;
        if (why == NULL && errno != ETIMEDOUT)
            die("pool_async_get");
        bool worth_retrying = why == NULL || why->cause != POOL_TASK_ERROR;
        if (why == NULL)
            note_timeout(&arg); /* it runs on: we only stop waiting for it */
        else if (worth_retrying)
            note_lost(&arg, why); /* its worker died; a new one took its place */
        else
            note_error(&arg, why); /* the task's own error: it would fail again */
        pool_async_release(job);   /* an abandoned attempt's handle is freed when it ends */
        if (!worth_retrying || arg.attempt == attempts)
            return -1;
    }
#else
    /* TODO: wait at most `timeout.value` seconds (pool_async_get's last argument).
     * If get() fails, errno says why: ETIMEDOUT: note_timeout(), try again;
     * ECANCELED: pool_async_failure(job)->cause says if the worker died
     * (note_lost(), try again) or the task failed (note_error(), return -1).
     * To try again: release the handle, submit() with arg.attempt + 1. */
    (void)pool;
    if (pool_async_get(job, result, POOL_FOREVER) == 0)
        return 1;
    note_error(&arg, pool_async_failure(job));
    return -1;
#endif
}

static void stop_pool(struct pool *pool)
{
#ifdef SOLUTION
    if (stats.abandoned > 0) { /* join would wait for them: SIGTERM (later SIGKILL), reap */
        lab_say("%d abandoned attempt(s) still running: terminate, not join", stats.abandoned);
        pool_terminate(pool);
        pool_destroy(pool);
    } else {
        lab_say("nothing left running: close and join");
        lab_pool_finish(pool);
    }
#else
    /* TODO: pool_join() waits for the abandoned attempts too. If there are
     * any (stats.abandoned), pool_terminate() and pool_destroy() instead, and
     * print "[parent PID] N abandoned attempt(s) still running: terminate, not
     * join"; otherwise "[parent PID] nothing left running: close and join". */
    lab_pool_finish(pool); /* pool_close, pool_join, pool_destroy */
#endif
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool();
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "worker processes (default: CPUs)"),
        {0, FLAG_REAL, "timeout", "T", "seconds per attempt (default 1)", 0, 0, &timeout},
        {0, FLAG_INT, "attempts", "N", "per task, in all (default 3)", 1, 5, &attempts},
        {0, FLAG_INT, "crash", "K", "1st try kills its worker (2)", -1, LAST, &crash_task},
        {0, FLAG_INT, "stall", "K", "1st try hangs for 20 s (5)", -1, LAST, &stall_task},
        {0, FLAG_INT, "fail", "K", "fails every time (-1: none)", -1, LAST, &fail_task},
        OPTS_END("-j 2 --timeout 0.5\n--crash -1 --stall -1 --fail 3"),
    };
    opts_parse(argc, argv, NULL, "Retry the apply_async tasks that time out or crash.", flags);
    struct pool *pool = lab_pool_start((int)workers);
    lab_say("8 tasks, %lld workers, timeout %.2f s, at most %lld attempts", workers, timeout.value,
            attempts);
    struct pool_async *jobs[TASKS];
    long results[TASKS];
    int took[TASKS], succeeded = 0;
    for (int i = 0; i < TASKS; i++) /* submit every first attempt, then collect (05.1) */
        jobs[i] = submit(pool, &(struct task_arg){.task = i, .attempt = 1});
    for (int i = 0; i < TASKS; i++)
        succeeded +=
            (took[i] = get_with_retry(pool, jobs[i], (struct task_arg){i, 1}, &results[i])) > 0;
    for (int i = 0; i < TASKS; i++)
        if (took[i] > 0)
            lab_say("task %d: %d^2 = %ld (attempt %d)", i, i + 1, results[i], took[i]);
        else
            lab_say("task %d: FAILED", i);
    stop_pool(pool);
    printf("summary: %d tasks, %d succeeded, %d failed, %d retries, %d abandoned\n", TASKS,
           succeeded, TASKS - succeeded, stats.retries, stats.abandoned);
    return succeeded == TASKS ? 0 : 1;
}
