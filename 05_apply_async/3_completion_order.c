/* SPDX-License-Identifier: MIT */
/*
 * 3_completion_order.c - tasks finish in their own order; get() hands each
 * result back when you ask for it, and each result belongs to its task.
 *
 * Python: handles = [pool.apply_async(nap, (x, ms)) for x, ms in ...]
 *         for h in handles: print(h.get())
 * Usage: 3_completion_order [-j N]
 * Look for: task 0 sleeps longest, so with 2 or more workers it completes
 * last (completion order 1 2 3 4 5 0); the first get() waits for it, and
 * the others then return at once.
 */
#include <string.h>

#include "async_steps.h"
#include "opts.h"
#include "timing.h"

enum { TASKS = 6 };

struct nap_arg {
    int x, ms;
};
struct nap_result {
    int x, square;
    long pid;
    double finished; /* CLOCK_MONOTONIC: one clock for every process */
};

/* Sleep ms milliseconds, then square x. Sleeping, not computing, so the
 * durations hold on a loaded machine. */
static int nap(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const struct nap_arg *a = arg;
    timing_sleep(a->ms / 1000.0);
    struct nap_result *r = result;
    *r = (struct nap_result){a->x, a->x * a->x, (long)getpid(), timing_now()};
    return 0;
}

/* The order in which the tasks finished, from the workers' time stamps. */
static void print_completion_order(const struct nap_result *r)
{
    char line[64] = "";
    for (int place = 0; place < TASKS; place++) /* the place-th to finish */
        for (int i = 0; i < TASKS; i++) {
            int before = 0; /* how many finished before task i */
            for (int j = 0; j < TASKS; j++)
                before +=
                    r[j].finished < r[i].finished || (j < i && r[j].finished == r[i].finished);
            if (before == place)
                snprintf(line + strlen(line), sizeof line - strlen(line), " %d", i);
        }
    say("submission order: 0 1 2 3 4 5");
    say("completion order:%s", line);
}

int main(int argc, char **argv)
{
    long long j = cpus_for_pool();
    const struct flag flags[] = {
        FLAG_WORKERS(&j, "pool size (default: usable CPUs)"),
        OPTS_END_EXITS("-j 2", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "submission order against completion order.", flags);
    int workers = (int)j;
    interrupt_install();
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    static const int ms[TASKS] = {300, 50, 40, 30, 20, 10};
    struct pool_async *jobs[TASKS];
    struct nap_result r[TASKS];
    double t0 = timing_now();
    for (int i = 0; i < TASKS; i++) {
        struct nap_arg a = {i, ms[i]};
        jobs[i] = submit(pool, nap, &a, sizeof a, sizeof r[i], i);
    }
    say("a pool of %d workers; submitted %d tasks (square x after sleeping): "
        "ms = 300 50 40 30 20 10",
        workers, TASKS);
    bool matched = true;
    for (int i = 0; i < TASKS; i++) { /* Python: [h.get() for h in handles] */
        get_or_stop(pool, jobs[i], &r[i]);
        say("get() task %d: %d^2 = %-3d after %4.0f ms  (worker pid %ld)", i, r[i].x, r[i].square,
            (timing_now() - t0) * 1000, r[i].pid);
        matched = matched && r[i].x == i && r[i].square == i * i;
    }
    print_completion_order(r);
    say("every result matches its task: %s", matched ? "yes" : "NO");
    if (workers == 1)
        say("(one worker runs them one after another: try -j 2)");
    pool_close(pool);
    if (pool_join(pool) != 0)
        pool_call_failed(pool, "pool_join");
    pool_destroy(pool);
    return matched ? 0 : 1;
}
