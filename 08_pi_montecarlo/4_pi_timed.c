/* SPDX-License-Identifier: MIT */
/*
 * 4_pi_timed.c - step 3's job, timed, so speedup can be measured: the
 * program the speedup sweep (speedup.sh) and make bench run. --serial-fraction
 * F adds a known serial part (Amdahl's law), --weak keeps the darts per
 * worker constant (Gustafson's law), --csv prints one line for scripts.
 *
 * Python: t0 = time.perf_counter(); hits = pool.map(throw_block, blocks, 1)
 *         seconds = time.perf_counter() - t0
 * Usage: 4_pi_timed [-j W] [-n DARTS] [--seed S] [--serial-fraction F] [--weak]
 *                   [--csv] [--crash-task K] [-q]
 * Look for: the time and the darts per second (with a note when the machine
 * is busy); the estimate is step 3's for the same seed and darts.
 */
#include <unistd.h>

#include "pi_steps.h"
#include "timing.h"
#include "verdict.h"

/* Serial work for Amdahl's law: the parent throws darts alone, as many as
 * make fraction F of a 1-worker run (F/(1-F) x the darts one worker throws).
 * Darts, not a timed spin, so that the ratio holds on any machine and under
 * any load. The result is discarded. */
static void serial_work(uint64_t seed, uint64_t darts)
{
    struct rng serial;
    rng_seed(&serial, seed ^ 0x5e71a1u);
    /* volatile: a result nobody reads lets the compiler drop the arithmetic
     * that makes it (x * x + y * y < 1): the parent's darts would cost 13 %
     * less than a worker's, and F would not be F. A classic benchmark trap. */
    volatile uint64_t discarded = throw_darts(&serial, darts);
    (void)discarded;
}

/* The timed part: the serial work, then Pool(W).map(throw_block, blocks). */
static double timed_map(struct pi_options *o, const struct block *blocks, size_t tasks,
                        uint64_t serial_darts, uint64_t *hits)
{
    interrupt_install(); /* Ctrl-C or kill: the map returns, workers reaped */
    fflush(stdout);      /* the workers are forked with a copy of the buffer */
    struct pool *pool =
        pool_create(&(struct pool_options){.workers = o->workers, .task_udata = &o->crash_task});
    if (pool == NULL)
        die("pool_create");
    double t0 = timing_now(); /* the forks are left out, as in Python */
    if (serial_darts > 0)
        serial_work(o->seed, serial_darts);
    map_or_stop(pool, blocks, tasks, hits, &(struct pool_map_options){0});
    double seconds = timing_now() - t0;
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
    return seconds;
}

static void print_plan(const struct pi_options *o, uint64_t total, size_t tasks,
                       uint64_t serial_darts)
{
    long me = (long)getpid();
    printf("[parent %ld] pi by Monte Carlo, timed: %" PRIu64 " darts in %zu blocks, %d worker%s, "
           "seed %" PRIu64 "%s\n",
           me, total, tasks, o->workers, o->workers == 1 ? "" : "s", o->seed,
           o->weak ? " (weak scaling: -n darts per worker)" : "");
    if (serial_darts > 0)
        printf("[parent %ld] --serial-fraction %g: the parent throws %" PRIu64
               " dart%s alone first\n",
               me, o->serial_fraction, serial_darts, serial_darts == 1 ? "" : "s");
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    struct pi_options o = {.accepts = "jnswcqfk",
                           .about = "Estimate pi with DARTS darts thrown by W worker processes, "
                                    "timed.",
                           .examples =
                               "-j 2 -n 1e9\n--serial-fraction 0.1 --csv\n--weak -n 50M -q"};
    pi_parse(argc, argv, &o);
    uint64_t total = pi_total(&o);
    long me = (long)getpid();
    size_t tasks;
    struct block *blocks = plan_blocks(o.seed, total, &tasks);
    uint64_t *hits = calloc(tasks, sizeof *hits);
    if (hits == NULL)
        die("calloc");
    /* a block's task, checked before any output: stdout stays empty */
    opts_check_range("--crash-task", o.crash_task < 0 ? 0 : o.crash_task, 0, (long long)tasks - 1);
    uint64_t serial_darts =
        (uint64_t)llround(o.serial_fraction / (1.0 - o.serial_fraction) * (double)o.darts);
    bool narrate = !o.quiet && !o.csv;
    const char *s = o.workers == 1 ? "" : "s";
    if (narrate)
        print_plan(&o, total, tasks, serial_darts);
    double seconds = timed_map(&o, blocks, tasks, serial_darts, hits);
    uint64_t inside = 0;
    for (size_t k = 0; k < tasks; k++)
        inside += hits[k];
    double estimate = 4.0 * (double)inside / (double)total;
    if (o.csv)
        print_csv(o.workers, total, seconds, inside);
    if (narrate) {
        print_estimate(me, inside, total);
        printf("[parent %ld] %.3f s, %.1f million darts/s with %d worker%s\n", me, seconds,
               (double)total / seconds / 1e6, o.workers, s);
        verdict_print_busy(stdout, "[parent] ");
    }
    if (!o.csv)
        printf("%s: pi ~ %.7f (error %.7f) from %" PRIu64 " darts in %.3f s with %d worker%s\n",
               report_program(), estimate, fabs(estimate - M_PI), total, seconds, o.workers, s);
    free(hits);
    free(blocks);
    return 0;
}
