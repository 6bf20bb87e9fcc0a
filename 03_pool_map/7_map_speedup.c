/* SPDX-License-Identifier: MIT */
/*
 * 7_map_speedup.c - what map buys: 16 CPU-bound tasks in a plain loop, then
 * through map on pools of 1, 2, ... N workers, each timed as the best of 3
 * runs (the pool is started before the clock, as a program reuses one).
 *
 *     results = [crunch(x) for x in inputs]          # the loop
 *     with Pool(w) as pool: pool.map(crunch, inputs)  # w = 1 .. N
 *
 * Usage: 7_map_speedup [-j N]
 * Look for: with 1 worker map is a little slower than the loop (the
 * messages); with W workers on W free CPUs, up to W times faster. More
 * workers than CPUs take turns. Each line's verdict says what its times
 * support, and a busy machine is named.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "pool.h"
#include "report.h"
#include "timing.h"
#include "verdict.h"

#define TASKS 16
#define STEPS 4000000L
#define RUNS  3

/* A fixed amount of real arithmetic: an LCG step and a mix, a chain the
 * compiler cannot shortcut. */
static uint64_t crunch(uint64_t seed)
{
    uint64_t x = seed, acc = 0;
    for (long i = 0; i < STEPS; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        acc ^= (x >> 29) + (acc << 5);
    }
    return acc;
}

static int crunch_task(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    *(uint64_t *)result = crunch(*(const uint64_t *)arg);
    return 0;
}

struct job {
    struct pool *pool; /* NULL: the plain loop */
    uint64_t in[TASKS], out[TASKS];
};

/* One timed run, for verdict_best_of. */
static double run_once(void *udata)
{
    struct job *j = udata;
    memset(j->out, 0, sizeof j->out);
    double t0 = timing_now();
    if (j->pool == NULL)
        for (int i = 0; i < TASKS; i++)
            j->out[i] = crunch(j->in[i]);
    else if (pool_map(j->pool, crunch_task, j->in, TASKS, sizeof j->in[0], j->out, sizeof j->out[0],
                      NULL) != 0)
        die_msg("map failed: %s", pool_last_failure(j->pool)->message);
    return timing_now() - t0;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long workers = cpus_for_pool();
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "the largest pool (default: usable CPUs)"),
        OPTS_END("-j 4"),
    };
    opts_parse(argc, argv, "[-j N]", "A loop against Pool.map on 1 .. N workers, CPU-bound.",
               flags);
    long me = (long)getpid();
    struct job j = {.pool = NULL};
    for (int i = 0; i < TASKS; i++)
        j.in[i] = (uint64_t)i + 1;
    printf("[parent %ld] %d tasks of %ld arithmetic steps each; best of %d runs; each pool is "
           "started before the clock starts\n",
           me, TASKS, STEPS, RUNS);
    double loop = verdict_best_of(RUNS, run_once, &j);
    uint64_t serial[TASKS];
    memcpy(serial, j.out, sizeof serial);
    printf("sequential loop     %7.3f s\n", loop);
    bool same = true;
    for (int w = 1; w <= workers; w++) {
        fflush(stdout);
        j.pool = pool_create(&(struct pool_options){.workers = w});
        if (j.pool == NULL)
            die("pool_create");
        double t = verdict_best_of(RUNS, run_once, &j);
        same = same && memcmp(j.out, serial, sizeof serial) == 0;
        pool_destroy(j.pool); /* every map has returned: nothing is pending */
        printf("map, %2d worker%s    %7.3f s   speedup %.2fx: %s\n", w, w == 1 ? " " : "s", t,
               loop / t, verdict_compare(loop, t, "faster than the loop", "slower than the loop"));
    }
    printf("[parent %ld] every run computed the same results: %s\n", me, same ? "yes" : "NO");
    printf("[parent %ld] this machine lets us use %d CPUs: more workers than that take turns on "
           "them\n",
           me, cpus_for_pool());
    char prefix[32];
    snprintf(prefix, sizeof prefix, "[parent %ld] ", me);
    verdict_print_busy(stdout, prefix);
    return same ? 0 : 1;
}
