/* SPDX-License-Identifier: MIT */
/*
 * 08.3_amdahl_fit.c - exercise: fit Amdahl's law to a measured sweep, find
 * the parallel fraction p of the job, and what speedup it allows at most.
 *
 * Usage: 08.3_amdahl_fit [-n DARTS] [--serial-fraction F] [--max-workers W]
 *                        [--repeats R] [--cpus P] [--times T1,T2,...]
 *
 * The program times the chapter's job (DARTS darts in blocks, a pool of W
 * workers) for W = 1, 2, ..., the fastest of R runs each; with
 * --serial-fraction F the parent first throws, alone, fraction F of the
 * 1-worker run's darts. YOU write Amdahl's law and the least-squares fit of
 * its p to the measured speedups, counting the processors a run really had
 * (no more than P CPUs, however many workers). The reader sees the measured
 * and the fitted speedup side by side, p, and the speedup no number of
 * CPUs can beat, 1 / (1 - p). --times skips the measurement (T1 for 1
 * worker, T2 for 2, ...), --cpus says how many CPUs to count.
 *
 * Python: the same sweep as in 08.2, then p = sum(x*y) / sum(x*x) over the
 * points, as numpy.linalg.lstsq would find it for a line through 0.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "pool.h"
#include "report.h"
#include "rng.h"
#include "timing.h"

#define BLOCK_DARTS 100000u /* darts per block, as in the chapter */
#define MAX_POINTS  64      /* worker counts in a sweep (and in --times) */

/* One point of the sweep. */
struct point {
    int workers; /* 1, 2, 3, ...: points[i].workers == i + 1 */
    double seconds;
    double speedup; /* T1 / TW */
};

/* ---------------------------------------------------------- your part */

#ifdef SOLUTION
/* Processors, not processes: W workers on P CPUs run on min(W, P) at a
 * time. The surplus workers take turns on the same CPUs. */
static double processors(int workers, int cpus)
{
    return workers < cpus ? workers : cpus;
}

/* Amdahl: the serial part (1 - p) takes as long on any number of
 * processors, the parallel part p shrinks N-fold. */
static double amdahl(double p, double n)
{
    return 1 / ((1 - p) + p / n);
}

/* 1/S = (1 - p) + p/N  <=>  1 - 1/S = p (1 - 1/N): y = p x, a line through
 * the origin. Least squares: minimise sum (y - p x)^2, derivative 0 at
 * p = sum(x y) / sum(x x). Points with N = 1 have x = 0: they say nothing
 * about p (1 worker or 1 CPU), and add 0 to both sums. */
static double fit_parallel_fraction(const struct point *points, int count, int cpus)
{
    double sxy = 0, sxx = 0;
    for (int i = 0; i < count; i++) {
        double x = 1 - 1 / processors(points[i].workers, cpus);
        double y = 1 - 1 / points[i].speedup;
        sxy += x * y;
        sxx += x * x;
    }
    return sxx > 0 ? sxy / sxx : NAN;
}
#else
/* TODO 1: the number of processors that W workers really run on, when the
 * machine has `cpus` CPUs. As handed out: one per worker, which blames the
 * flat part of the curve past the CPUs on serial work. */
static double processors(int workers, int cpus)
{
    (void)cpus;
    return workers;
}

/* TODO 2: Amdahl's law: the speedup on n processors of a job whose
 * fraction p can run in parallel (and 1 - p cannot). As handed out: the
 * ideal speedup n, as if p were 1. */
static double amdahl(double p, double n)
{
    (void)p;
    return n;
}

/* TODO 3: the p that best explains the measured speedups, by least
 * squares. Amdahl's law, 1/S = (1 - p) + p/N, rearranged, is a line
 * through the origin:
 *     1 - 1/S = p (1 - 1/N)      that is  y = p x
 * with x = 1 - 1/N (N = processors(W, cpus)) and y = 1 - 1/S for every
 * point. The least-squares slope of a line through the origin is
 * sum(x y) / sum(x x). If every x is 0 (only 1 worker, or 1 CPU), nothing
 * can be fitted: return NAN. As handed out: p = 1. */
static double fit_parallel_fraction(const struct point *points, int count, int cpus)
{
    (void)points;
    (void)count;
    (void)cpus;
    return 1;
}
#endif

/* ------------------------------------------------------------ the rest */

struct block {
    struct rng start;
    uint64_t darts;
};

static uint64_t throw_darts(struct rng *r, uint64_t darts)
{
    uint64_t hits = 0;
    for (uint64_t i = 0; i < darts; i++) {
        double x = rng_uniform(r);
        double y = rng_uniform(r);
        hits += x * x + y * y < 1.0;
    }
    return hits;
}

/* The task, in a worker: one block's hits. */
static int throw_block(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    struct block b = *(const struct block *)arg;
    *(uint64_t *)result = throw_darts(&b.start, b.darts);
    return 0;
}

/* The sweep of exercise 08.2, plus the serial part: the clock runs from the
 * parent's serial darts to the end of the map, as in the chapter (the
 * pool's start is not timed). */
static void sweep(struct point *points, int count, int repeats, uint64_t darts,
                  uint64_t serial_darts)
{
    size_t tasks = (size_t)((darts + BLOCK_DARTS - 1) / BLOCK_DARTS);
    struct block *blocks = malloc(tasks * sizeof *blocks);
    uint64_t *hits = malloc(tasks * sizeof *hits);
    if (blocks == NULL || hits == NULL)
        die("malloc");
    struct rng r; /* block k: stream k (exercise 08.1) */
    rng_seed(&r, 1);
    for (size_t k = 0; k < tasks; k++) {
        blocks[k].start = r;
        blocks[k].darts = k + 1 < tasks ? BLOCK_DARTS : darts - (uint64_t)k * BLOCK_DARTS;
        rng_jump(&r);
    }
    /* Round by round, each visiting every worker count once: a burst of
     * someone else's work spoils one round, not one worker count. */
    for (int rep = 0; rep < repeats; rep++) {
        for (int i = 0; i < count; i++) {
            fflush(stdout); /* the workers get a copy of the buffer */
            struct pool *pool = pool_create(&(struct pool_options){.workers = points[i].workers});
            if (pool == NULL)
                die("pool_create");
            double t0 = timing_now();
            struct rng serial;
            rng_seed(&serial, 0x5e71a1u);
            /* work for the clock, the result discarded; volatile, or the
             * compiler drops the arithmetic nobody reads (see the chapter) */
            volatile uint64_t discarded = throw_darts(&serial, serial_darts);
            (void)discarded;
            if (pool_map(pool, throw_block, blocks, tasks, sizeof *blocks, hits, sizeof *hits,
                         &(struct pool_map_options){.chunksize = 1}) != 0)
                die_msg("map failed: %s", pool_last_failure(pool)->message);
            double t = timing_now() - t0;
            pool_close(pool);
            if (pool_join(pool) != 0)
                die("pool_join");
            pool_destroy(pool);
            if (rep == 0 || t < points[i].seconds)
                points[i].seconds = t;
        }
    }
    free(hits);
    free(blocks);
}

/* --times 1.0,0.52,0.4: one time per worker count, from 1 worker up. */
static int parse_times(const char *text, struct point *points)
{
    char *copy = strdup(text);
    if (copy == NULL)
        die("strdup");
    int count = 0;
    char *rest = copy;
    for (;;) {
        char *comma = strchr(rest, ',');
        if (comma != NULL)
            *comma = '\0';
        if (count == MAX_POINTS)
            usage_error("--times: more than %d times", MAX_POINTS);
        points[count].workers = count + 1;
        points[count].seconds = cli_parse_real("--times", rest, 0, 1e6, 0);
        if (points[count].seconds <= 0)
            usage_error("--times: '%s' is not a positive time", rest);
        count++;
        if (comma == NULL)
            break;
        rest = comma + 1;
    }
    free(copy);
    return count;
}

static void usage(void)
{
    printf("Usage: %s [-n DARTS] [--serial-fraction F] [--max-workers W]\n"
           "          [--repeats R] [--cpus P] [--times T1,T2,...]\n"
           "Exercise 08.3: fit Amdahl's law to a measured sweep.\n\n"
           "  -n DARTS               darts per run (default 10M; K, M, 1e6 "
           "accepted)\n"
           "      --serial-fraction F  the parent throws fraction F of the "
           "1-worker run alone\n"
           "                         first (0 <= F < 1, default 0)\n"
           "      --max-workers W    sweep 1 .. W workers (default: twice the "
           "usable CPUs)\n"
           "      --repeats R        runs per worker count, the fastest kept "
           "(default 3)\n"
           "      --cpus P           CPUs the runs had (default: the usable "
           "CPUs)\n"
           "      --times T1,T2,..   measure nothing: these are the seconds "
           "for 1, 2, ... workers\n"
           "  -h, --help             this text\n",
           report_program());
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long darts = 10000000;
    double serial_fraction = 0;
    int max_workers = 2 * cpus_usable();
    int repeats = 3;
    int cpus = cpus_usable();
    const char *times = NULL;
    enum { OPT_SERIAL = 256, OPT_MAX, OPT_REPEATS, OPT_CPUS, OPT_TIMES };
    static const struct option longopts[] = {
        {"serial-fraction", required_argument, NULL, OPT_SERIAL},
        {"max-workers", required_argument, NULL, OPT_MAX},
        {"repeats", required_argument, NULL, OPT_REPEATS},
        {"cpus", required_argument, NULL, OPT_CPUS},
        {"times", required_argument, NULL, OPT_TIMES},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* getopt's complaints are reported on one line, below */
    int opt;
    while ((opt = getopt_long(argc, argv, ":n:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'n': darts = cli_parse_count("-n", optarg, 1, 1000000000LL); break;
        case OPT_SERIAL:
            serial_fraction = cli_parse_real("--serial-fraction", optarg, 0, 0.95, 0);
            break;
        case OPT_MAX:
            max_workers = (int)cli_parse_int("--max-workers", optarg, 1,
                                             pool_max_workers() < MAX_POINTS ? pool_max_workers()
                                                                             : MAX_POINTS);
            break;
        case OPT_REPEATS: repeats = (int)cli_parse_int("--repeats", optarg, 1, 100); break;
        case OPT_CPUS: cpus = (int)cli_parse_int("--cpus", optarg, 1, 4096); break;
        case OPT_TIMES: times = optarg; break;
        case 'h': usage(); return 0;
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt != 0)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    if (max_workers > MAX_POINTS)
        max_workers = MAX_POINTS;

    long me = (long)getpid();
    struct point points[MAX_POINTS] = {{0}};
    int count;
    if (times != NULL) {
        count = parse_times(times, points); /* checked before any output */
        printf("[parent %ld] times given by --times for 1 to %d worker%s, "
               "counted on %d CPU%s: nothing measured\n",
               me, count, count == 1 ? "" : "s", cpus, cpus == 1 ? "" : "s");
    } else {
        count = max_workers;
        for (int i = 0; i < count; i++)
            points[i].workers = i + 1;
        /* F/(1-F) x the darts: exactly fraction F of the 1-worker run */
        uint64_t serial_darts =
            (uint64_t)llround(serial_fraction / (1 - serial_fraction) * (double)darts);
        printf("[parent %ld] sweep: %lld darts per run, 1 to %d worker%s, the "
               "fastest of %d run%s each, on %d CPU%s\n",
               me, darts, count, count == 1 ? "" : "s", repeats, repeats == 1 ? "" : "s", cpus,
               cpus == 1 ? "" : "s");
        printf("[parent %ld] serial part: the parent throws %" PRIu64
               " darts alone first (--serial-fraction %.2f)\n",
               me, serial_darts, serial_fraction);
        sweep(points, count, repeats, (uint64_t)darts, serial_darts);
    }
    for (int i = 0; i < count; i++)
        points[i].speedup = points[0].seconds / points[i].seconds;

    double p = fit_parallel_fraction(points, count, cpus);
    printf("== measured against your fit ==\n");
    printf("workers  processors    seconds   speedup  amdahl(p)\n");
    for (int i = 0; i < count; i++) {
        double n = processors(points[i].workers, cpus);
        printf("%7d %11g %10.6f %9.3f %10.3f\n", points[i].workers, n, points[i].seconds,
               points[i].speedup, amdahl(p, n));
    }
    printf("== your fit ==\n");
    if (isnan(p)) {
        printf("[parent %ld] nothing to fit: every run had 1 processor\n", me);
        printf("%s: p cannot be fitted from these runs\n", report_program());
        return 0;
    }
    printf("[parent %ld] parallel fraction p = %.4f, serial fraction 1 - p = "
           "%.4f\n",
           me, p, 1 - p);
    if (p < 1)
        printf("[parent %ld] no number of CPUs makes this job more than %.2f "
               "times faster (1 / (1 - p))\n",
               me, 1 / (1 - p));
    else
        printf("[parent %ld] p >= 1: no serial part shows, no limit\n", me);
    printf("[parent %ld] with %d CPUs Amdahl allows %.3f; with %d, %.3f\n", me, cpus,
           amdahl(p, cpus), 2 * cpus, amdahl(p, 2 * cpus));
    printf("%s: p = %.4f from %d point%s on %d CPU%s\n", report_program(), p, count,
           count == 1 ? "" : "s", cpus, cpus == 1 ? "" : "s");
    return 0;
}
