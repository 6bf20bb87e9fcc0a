/* SPDX-License-Identifier: MIT */
/*
 * 2_apply_vs_async.c - Pool.apply waits for each task; Pool.apply_async
 * returns at once, so every worker gets work. The same 8 CPU-bound tasks,
 * timed both ways, best of 3 runs each.
 *
 * Python: [pool.apply(spin, (i,)) for i in range(8)]
 *         handles = [pool.apply_async(spin, (i,)) for i in range(8)]
 *         results = [h.get() for h in handles]
 * Usage: 2_apply_vs_async [-j N] [-q]
 * Look for: "most running at once" is 1 for apply, the worker count for
 * apply_async; the speedup next to its ideal; a verdict that says only what
 * the times show (and a note when the machine is busy).
 */
#include <math.h>
#include <string.h>

#include "async_steps.h"
#include "opts.h"
#include "timing.h"

enum { TASKS = 8, RUNS = 3 };
/* One task: sum 1/i^2 for i = 1 .. SPIN_STEPS (tends to pi^2/6), about
 * 20 ms. A fixed amount of arithmetic, not a fixed time, so that a loaded
 * machine shows up in the times instead of being hidden by them. */
#define SPIN_STEPS 16000000L

struct spin_result {
    int index;
    double started, finished; /* timing_now() in the worker: one clock */
    double value;
};

static int spin(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    struct spin_result *r = result;
    memset(r, 0, sizeof *r); /* every result byte is sent, padding too */
    r->index = *(const int *)arg;
    r->started = timing_now();
    for (long i = 1; i <= SPIN_STEPS; i++)
        r->value += 1.0 / ((double)i * (double)i);
    r->finished = timing_now();
    return 0;
}

/* One way of running the 8 tasks; the results of its fastest run. */
struct way {
    struct pool *pool;
    bool async;
    double best;
    struct spin_result r[TASKS], run[TASKS];
};

/* verdict_time_pair calls this RUNS times: the 8 tasks, one way. */
static double run_tasks(void *udata)
{
    struct way *w = udata;
    struct pool_async *jobs[TASKS] = {NULL};
    double t0 = timing_now();
    for (int i = 0; i < TASKS; i++) {
        if (w->async) /* submit all 8 first: each call returns at once */
            jobs[i] = submit(w->pool, spin, &i, sizeof i, sizeof w->run[i], i);
        else if (pool_apply(w->pool, spin, &i, sizeof i, &w->run[i], sizeof w->run[i]) != 0)
            pool_call_failed(w->pool, "pool_apply"); /* apply: submit, then wait */
    }
    for (int i = 0; w->async && i < TASKS; i++)
        get_or_stop(w->pool, jobs[i], &w->run[i]);
    double t = timing_now() - t0;
    if (w->best == 0 || t < w->best)
        memcpy(w->r, w->run, sizeof w->r);
    w->best = w->best == 0 || t < w->best ? t : w->best;
    return t;
}

/* Columns: the mean time a task took in its worker; the most tasks that
 * were running at the same moment. */
static void print_row(const char *name, double t, const struct spin_result *r)
{
    double sum = 0;
    int most = 0;
    for (int i = 0; i < TASKS; i++) {
        int running = 0;
        for (int j = 0; j < TASKS; j++)
            running += r[j].started <= r[i].started && r[i].started < r[j].finished;
        most = running > most ? running : most;
        sum += r[i].finished - r[i].started;
    }
    say("%-12s %7.3f s  %6.1f ms   %d", name, t, sum / TASKS * 1000, most);
}

int main(int argc, char **argv)
{
    long long j = cpus_for_pool();
    const struct flag flags[] = {
        FLAG_WORKERS(&j, "pool size (default: usable CPUs)"),
        FLAG_QUIET(&quiet, "print only the summary line"),
        OPTS_END_EXITS("-j 2\n-q", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "apply against apply_async on 8 CPU-bound tasks.", flags);
    int workers = (int)j;
    interrupt_install(); /* Ctrl-C and kill set a flag; pool waits return EINTR */
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    struct way apply = {.pool = pool}, async = {.pool = pool, .async = true};
    struct verdict_pair times; /* apply, apply_async, apply, ...: both see the same load */
    verdict_time_pair(RUNS, run_tasks, &apply, run_tasks, &async, &times);
    double t_apply = times.a_best, t_async = times.b_best;
    int ideal = workers < cpus_usable() ? workers : cpus_usable();
    ideal = ideal < TASKS ? ideal : TASKS;
    const char *verdict =
        verdict_compare_pair(&times, "apply_async is faster", "apply_async is slower");
    bool same = true;
    for (int i = 0; i < TASKS; i++)
        same = same && apply.r[i].index == i && async.r[i].index == i &&
               async.r[i].value == apply.r[i].value;
    say("8 tasks, each sums 1/i^2 for i up to %ld (-> pi^2/6); %d workers", SPIN_STEPS, workers);
    say("             best of %d  per task   most running at once", RUNS);
    print_row("apply", t_apply, apply.r);
    print_row("apply_async", t_async, async.r);
    say("speedup %.2fx (ideal %dx: %d workers, %d usable CPUs): %s", t_apply / t_async, ideal,
        workers, cpus_usable(), verdict);
    say("the runs varied by up to %.0f %% (worst over best): a smaller difference is noise",
        100 * fmax(times.a_worst / t_apply, times.b_worst / t_async) - 100);
    say("every task returned %.6f, in both runs: %s", async.r[0].value, same ? "yes" : "NO");
    say_busy();
    pool_close(pool); /* Python: pool.close(); pool.join() */
    if (pool_join(pool) != 0)
        pool_call_failed(pool, "pool_join");
    pool_destroy(pool);
    printf("[parent %ld] summary: speedup %.2fx with %d workers (best of %d): %s\n", (long)getpid(),
           t_apply / t_async, workers, RUNS, verdict);
    if (interrupt_requested()) /* Ctrl-C after the last wait: still die of it */
        interrupt_exit();
    return same ? 0 : 1;
}
