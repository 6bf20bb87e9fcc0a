/* SPDX-License-Identifier: MIT */
/*
 * 05.2_retry.c - exercise: a timeout-and-retry wrapper around apply_async.
 *
 * Eight tasks are submitted with apply_async. On their first attempt, one
 * task kills its worker (--crash K: as the OOM killer would) and one stalls
 * for 20 s (--stall K: a call that hangs). Both would succeed if tried
 * again. A task given bad input (--fail K) fails on every attempt: trying
 * again cannot help. Your get_with_retry() waits for a task's result at most
 * --timeout seconds per attempt and tries again (up to --attempts in all)
 * when the attempt timed out or its worker died, never when the task itself
 * reported an error. Python has no such wrapper either: you would write it
 * around AsyncResult.get(timeout) the same way.
 *
 * A timeout does not cancel anything: the stalled attempt still occupies a
 * worker. pool_join() would wait for it; the program must end without
 * waiting, with pool_terminate() (the second TODO).
 *
 * Usage: 05.2_retry [-j N] [--timeout T] [--attempts N] [--crash K]
 *                   [--stall K] [--fail K]
 *
 * You will see every lost or timed-out attempt, then each task's result (or
 * why it failed) in submission order, how the pool was stopped, and a
 * summary line.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

enum { TASKS = 8 };
#define TASK_SECONDS  0.05 /* a normal attempt's work */
#define STALL_SECONDS 20.0 /* a stalled attempt: "forever", for this program */

/* Set in main() before the workers are forked: each has its own copy. */
static int crash_task = 2, stall_task = 5, fail_task = -1;

/* What a task receives: its number, its input, and which attempt this is
 * (1, 2, ...), so that the flaky tasks misbehave only the first time. */
struct task_arg {
    int task, attempt;
    long x;
};

/* fetch(x), run in a worker: x * x after 50 ms, unless this is a flaky
 * first attempt, or the input is bad. */
static int fetch(const void *arg, void *result, struct pool_task *task)
{
    const struct task_arg *a = arg;
    if (a->task == fail_task)
        return pool_task_fail(task, "bad input %ld", a->x);
    if (a->task == crash_task && a->attempt == 1)
        raise(SIGKILL); /* the kernel ends this worker mid-task */
    timing_sleep(a->task == stall_task && a->attempt == 1 ? STALL_SECONDS : TASK_SECONDS);
    *(long *)result = a->x * a->x;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers for your code: they submit, and say what happened.          */
/* ------------------------------------------------------------------ */

static double timeout = 1.0; /* --timeout: seconds per attempt */
static int attempts = 3;     /* --attempts: in all, the first included */

static struct {
    int retries;   /* attempts after the first */
    int abandoned; /* timed-out attempts still running somewhere */
} stats;

/* pool.apply_async(fetch, (a,)): a new attempt of task a->task. */
static struct pool_async *submit(struct pool *pool, const struct task_arg *a)
{
    struct pool_async *job =
        pool_apply_async(pool, fetch, a, sizeof *a, sizeof(long),
                         &(struct pool_apply_options){.index = (size_t)a->task});
    if (job == NULL)
        die("pool_apply_async");
    if (a->attempt > 1)
        stats.retries++;
    return job;
}

/* Attempt a->attempt of a task timed out: it is still running, and will
 * keep a worker busy until it ends. Counts it in stats.abandoned. */
static void note_timeout(const struct task_arg *a)
{
    stats.abandoned++;
    printf("[parent %ld] task %d: attempt %d timed out after %.2f s "
           "(abandoned: not cancelled)\n",
           (long)getpid(), a->task, a->attempt, timeout);
}

/* Attempt a->attempt lost its worker (killed, or exited). */
static void note_lost(const struct task_arg *a, const struct pool_failure *failure)
{
    printf("[parent %ld] task %d: attempt %d lost: %s\n", (long)getpid(), a->task, a->attempt,
           failure->message);
}

/* The task reported an error itself: not worth another attempt. */
static void note_error(const struct task_arg *a, const struct pool_failure *failure)
{
    printf("[parent %ld] task %d: attempt %d: %s (not retried)\n", (long)getpid(), a->task,
           a->attempt, failure->message);
}

/* ------------------------------------------------------------------ */

/*
 * Wait for the result of task `arg` (whose first attempt, `job`, is already
 * submitted) into *result. Returns the number of the attempt that succeeded
 * (1, 2, ...), or -1 if the task failed or no attempt succeeded in time.
 */
static int get_with_retry(struct pool *pool, struct pool_async *job, struct task_arg arg,
                          long *result)
{
#ifdef SOLUTION
    for (;;) {
        /* job.get(timeout) */
        if (pool_async_get(job, result, timeout) == 0) {
            pool_async_release(job);
            return arg.attempt;
        }
        if (errno == ETIMEDOUT) {
            note_timeout(&arg); /* it runs on: we stop waiting for it */
        } else if (errno == ECANCELED) {
            const struct pool_failure *why = pool_async_failure(job);
            if (why->cause == POOL_TASK_ERROR) {
                /* The task's own error: it would fail again. */
                note_error(&arg, why);
                pool_async_release(job);
                return -1;
            }
            note_lost(&arg, why); /* its worker died: a new one is there */
        } else {
            die("pool_async_get");
        }
        /* Release the handle: an abandoned attempt finishes on its own, and
         * the pool frees the handle then. */
        pool_async_release(job);
        if (arg.attempt == attempts)
            return -1;
        arg.attempt++;
        job = submit(pool, &arg);
    }
#else
    /* TODO: wait at most `timeout` seconds (pool_async_get's last
     * argument), not forever. When get() returns -1, errno says why:
     *   ETIMEDOUT: note_timeout(), then try again;
     *   ECANCELED: pool_async_failure(job)->cause says whether the worker
     *     died (note_lost(), try again) or the task reported an error
     *     (note_error(), and give up: return -1).
     * "Try again" means: release the old handle, and submit() the same
     * task with arg.attempt one higher, as long as arg.attempt < attempts.
     * Return the number of the attempt that succeeded. */
    (void)pool;
    if (pool_async_get(job, result, POOL_FOREVER) == 0)
        return 1;
    note_error(&arg, pool_async_failure(job));
    return -1;
#endif
}

static void usage(void)
{
    printf("Usage: %s [-j N] [--timeout T] [--attempts N] [--crash K] "
           "[--stall K] [--fail K]\n"
           "A timeout-and-retry wrapper around apply_async, %d tasks.\n"
           "\n"
           "  -j, --workers N    worker processes (default: usable CPUs, max %d)\n"
           "      --timeout T    seconds to wait for one attempt (default 1)\n"
           "      --attempts N   attempts per task, the first included "
           "(default 3, max 5)\n"
           "      --crash K      task K's first attempt kills its worker "
           "(default 2; -1: none)\n"
           "      --stall K      task K's first attempt hangs for 20 s "
           "(default 5; -1: none)\n"
           "      --fail K       task K fails on every attempt (default -1: "
           "none)\n"
           "  -h, --help         this text\n",
           report_program(), TASKS, pool_max_workers());
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int workers = cpus_for_pool();
    enum { OPT_TIMEOUT = 256, OPT_ATTEMPTS, OPT_CRASH, OPT_STALL, OPT_FAIL };
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"attempts", required_argument, NULL, OPT_ATTEMPTS},
        {"crash", required_argument, NULL, OPT_CRASH},
        {"stall", required_argument, NULL, OPT_STALL},
        {"fail", required_argument, NULL, OPT_FAIL},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* we report bad options ourselves, on one line */
    int c;
    while ((c = getopt_long(argc, argv, ":j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case OPT_TIMEOUT: timeout = cli_parse_real("--timeout", optarg, 0.01, 10, 0); break;
        case OPT_ATTEMPTS: attempts = (int)cli_parse_int("--attempts", optarg, 1, 5); break;
        case OPT_CRASH: crash_task = (int)cli_parse_int("--crash", optarg, -1, TASKS - 1); break;
        case OPT_STALL: stall_task = (int)cli_parse_int("--stall", optarg, -1, TASKS - 1); break;
        case OPT_FAIL: fail_task = (int)cli_parse_int("--fail", optarg, -1, TASKS - 1); break;
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

    /* Workers are forked now: flush, so our stdio buffer is not copied. */
    fflush(stdout);
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    pid_t me = getpid();
    printf("[parent %ld] %d tasks, %d workers, timeout %.2f s, at most %d "
           "attempts\n",
           (long)me, TASKS, workers, timeout, attempts);

    /* Submit every first attempt, then collect (exercise 05.1). */
    struct task_arg args[TASKS];
    struct pool_async *jobs[TASKS];
    for (int i = 0; i < TASKS; i++) {
        args[i] = (struct task_arg){.task = i, .attempt = 1, .x = i + 1};
        jobs[i] = submit(pool, &args[i]);
    }
    long results[TASKS];
    int took[TASKS], succeeded = 0;
    for (int i = 0; i < TASKS; i++) {
        took[i] = get_with_retry(pool, jobs[i], args[i], &results[i]);
        succeeded += took[i] > 0;
    }
    for (int i = 0; i < TASKS; i++) {
        if (took[i] > 0)
            printf("[parent %ld] task %d: %ld^2 = %ld (attempt %d)\n", (long)me, i, args[i].x,
                   results[i], took[i]);
        else
            printf("[parent %ld] task %d: FAILED\n", (long)me, i);
    }

    /* Stop the pool. */
#ifdef SOLUTION
    if (stats.abandoned > 0) {
        /* pool_join() would wait for the abandoned attempts (up to 20 s):
         * SIGTERM them instead (SIGKILL after a grace period), and reap. */
        printf("[parent %ld] %d abandoned attempt(s) still running: "
               "terminate, not join\n",
               (long)me, stats.abandoned);
        pool_terminate(pool);
    } else {
        printf("[parent %ld] nothing left running: close and join\n", (long)me);
        pool_close(pool);
        if (pool_join(pool) != 0)
            die("pool_join");
    }
#else
    /* TODO: pool_join() waits for every task, the abandoned attempts too
     * (stats.abandoned of them). When there are any, stop the pool with
     * pool_terminate() instead, and print
     *   "[parent PID] N abandoned attempt(s) still running: terminate, not join"
     * otherwise print "[parent PID] nothing left running: close and join". */
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
#endif
    pool_destroy(pool);
    printf("summary: %d tasks, %d succeeded, %d failed, %d retries, %d "
           "abandoned\n",
           TASKS, succeeded, TASKS - succeeded, stats.retries, stats.abandoned);
    return succeeded == TASKS ? 0 : 1;
}
