/* SPDX-License-Identifier: MIT */
/*
 * 7_errors_crash.c - a task can fail in two ways: its function reports an
 * error (Python: it raises), or the worker process running it dies. Either
 * way the handle says so, and every other task is unaffected.
 *
 * Python: handles = [pool.apply_async(divide, (i - 3,)) for i in range(8)]
 *         for h in handles:
 *             try: print(h.get())
 *             except ZeroDivisionError as e: print(e)
 * Usage: 7_errors_crash [-j N] [-q] [--crash-task K]
 * Look for: task 3 divides by zero and fails with its message; with
 * --crash-task K the worker running task K is killed (SIGKILL), task K
 * fails naming the signal, a new worker replaces it (the pids before and
 * after differ in one place), and the program exits 1.
 */
#include <signal.h>
#include <string.h>

#include "async_steps.h"
#include "opts.h"

enum { TASKS = 8 };

/* Two ints, no padding: every byte sent to the worker is initialised. */
struct division {
    int divisor;
    int crash; /* --crash-task: kill the worker in the middle */
};

static int divide(const void *arg, void *result, struct pool_task *task)
{
    const struct division *d = arg;
    if (d->crash)
        raise(SIGKILL); /* the worker dies here; the parent sees EOF */
    if (d->divisor == 0)
        return pool_task_fail(task, "division by zero (100 / %d)", d->divisor);
    *(int *)result = 100 / d->divisor;
    return 0;
}

static void print_workers(struct pool *pool, const char *when)
{
    char line[256] = "";
    for (int w = 0; w < pool_workers(pool); w++)
        snprintf(line + strlen(line), sizeof line - strlen(line), " %ld",
                 (long)pool_worker_pid(pool, w));
    say("worker pids %s:%s", when, line);
}

/* Submit the 8 divisions, then get each: a result or a failure. */
static int run_divisions(struct pool *pool, int crash_task)
{
    struct pool_async *jobs[TASKS];
    for (int i = 0; i < TASKS; i++) {
        struct division d = {i - 3, i == crash_task};
        jobs[i] = submit(pool, divide, &d, sizeof d, sizeof(int), i);
    }
    int failed = 0;
    for (int i = 0; i < TASKS; i++) {
        int value;
        if (interrupt_requested())
            stop(pool);
        if (pool_async_get(jobs[i], &value, POOL_FOREVER) == 0) {
            say("task %d: 100 / %d = %d", i, i - 3, value);
        } else if (errno == ECANCELED) { /* the task's error, or its worker died */
            say("%s", pool_async_failure(jobs[i])->message);
            failed++;
        } else {
            pool_call_failed(pool, "pool_async_get");
        }
        pool_async_release(jobs[i]);
    }
    return failed;
}

int main(int argc, char **argv)
{
    long long j = cpus_for_pool(), k = -1;
    const struct flag flags[] = {
        FLAG_WORKERS(&j, "pool size (default: usable CPUs)"),
        FLAG_QUIET(&quiet, "print only the summary line"),
        {0, FLAG_INT, "crash-task", "K",
         "the worker running task K (0 to 7) dies of SIGKILL; exit 1", 0, TASKS - 1, &k},
        OPTS_END_EXITS("-j 2\n--crash-task 4", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "a failing task and a crashed worker, each told by its handle.",
               flags);
    int workers = (int)j, crash_task = (int)k;
    interrupt_install();
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    print_workers(pool, "before");
    int failed = run_divisions(pool, crash_task);
    print_workers(pool, "after ");
    struct pool_stats st;
    pool_get_stats(pool, &st);
    say("pool so far: %lu tasks done, %lu failed; workers: %lu started, %lu lost and replaced",
        st.tasks_done, st.tasks_failed, st.workers_started, st.workers_lost);
    if (crash_task < 0)
        say("(run with --crash-task K to kill the worker running task K)");
    pool_close(pool); /* Python: pool.close(); pool.join() */
    if (pool_join(pool) != 0)
        pool_call_failed(pool, "pool_join");
    pool_destroy(pool);
    printf("[parent %ld] summary: %d of %d tasks failed, %lu worker%s lost\n", (long)getpid(),
           failed, TASKS, st.workers_lost, st.workers_lost == 1 ? "" : "s");
    return st.workers_lost == 0 ? 0 : 1;
}
