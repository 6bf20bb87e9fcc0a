/* SPDX-License-Identifier: MIT */
/*
 * 08.2_best_workers.c - exercise: from a measured sweep, compute speedup,
 * efficiency and the Karp-Flatt metric, and pick the worker count to use on
 * this machine.
 *
 * Usage: 08.2_best_workers [-n DARTS] [--max-workers W] [--repeats R]
 *                          [--min-efficiency E] [--times T1,T2,...]
 *
 * The program throws the same DARTS darts (the chapter's blocks and
 * streams) with 1, 2, ... W workers, R times each, and keeps the fastest
 * time of each worker count. YOU turn the times into a table (speedup S =
 * T1 / TW, efficiency S / W, Karp-Flatt e = (1/S - 1/W) / (1 - 1/W)) and
 * choose: the fastest worker count whose efficiency is at least E. The
 * reader sees the table and the choice. --times skips the measurement and
 * uses the given times (T1 for 1 worker, T2 for 2, ...): predict the table,
 * then check yourself.
 *
 * Python: for w in range(1, W + 1): with Pool(w) as pool: t0 =
 * time.perf_counter(); pool.map(throw, blocks, chunksize=1); ...
 */
#include <errno.h>
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

/* One point of the sweep: measured (or given) seconds, and what you make
 * of them. */
struct point {
    int workers; /* 1, 2, 3, ...: points[i].workers == i + 1 */
    double seconds;
    double speedup;    /* S = T1 / TW */
    double efficiency; /* S / W */
    double karp_flatt; /* (1/S - 1/W) / (1 - 1/W); NAN for W = 1 */
};

/* ---------------------------------------------------------- your part */

#ifdef SOLUTION
/* points[0] is the 1-worker run: every speedup is measured against it. At
 * W = 1 the Karp-Flatt formula is 0/0: the serial fraction cannot be seen
 * without a second worker, so it is NAN ("not a number"), not 0. */
static void analyse(struct point *points, int count)
{
    double t1 = points[0].seconds;
    for (int i = 0; i < count; i++) {
        struct point *pt = &points[i];
        double w = (double)pt->workers;
        pt->speedup = t1 / pt->seconds;
        pt->efficiency = pt->speedup / w;
        pt->karp_flatt = pt->workers == 1 ? NAN : (1 / pt->speedup - 1 / w) / (1 - 1 / w);
    }
}

/* Among the points efficient enough, the fastest; on a tie the one with
 * fewer workers (the same speed for fewer processes). W = 1 always
 * qualifies: its efficiency is 1. */
static int best_point(const struct point *points, int count, double min_efficiency)
{
    int best = 0;
    for (int i = 1; i < count; i++)
        if (points[i].efficiency >= min_efficiency && points[i].speedup > points[best].speedup)
            best = i;
    return best;
}
#else
/* TODO 1: fill in speedup, efficiency and karp_flatt of points[0 ..
 * count - 1] from their seconds. points[0] is the run with 1 worker:
 *     speedup    S = T1 / TW
 *     efficiency   = S / W
 *     Karp-Flatt e = (1/S - 1/W) / (1 - 1/W)   (the serial fraction that
 *                    would explain S; at W = 1 it is 0/0: store NAN)
 * As handed out, everything stays 0. */
static void analyse(struct point *points, int count)
{
    (void)points;
    (void)count;
}

/* TODO 2: return the INDEX of the worker count to use: among the points
 * whose efficiency is at least min_efficiency, the one with the highest
 * speedup; on a tie, the one with fewer workers. points[0] (1 worker,
 * efficiency 1) always qualifies. As handed out: always 1 worker. */
static int best_point(const struct point *points, int count, double min_efficiency)
{
    (void)points;
    (void)count;
    (void)min_efficiency;
    return 0;
}
#endif

/* ------------------------------------------------------------ the rest */

struct block {
    struct rng start;
    uint64_t darts;
};

/* The kernel, in a worker: count the darts inside the quarter circle. */
static int throw_block(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    struct block b = *(const struct block *)arg;
    uint64_t hits = 0;
    for (uint64_t i = 0; i < b.darts; i++) {
        double x = rng_uniform(&b.start);
        double y = rng_uniform(&b.start);
        hits += x * x + y * y < 1.0;
    }
    *(uint64_t *)result = hits;
    return 0;
}

/* The sweep: `repeats` rounds; in each, for W = 1 .. count, start a pool of
 * W and time one map of the same blocks (the pool's start is not timed, as
 * in the chapter). The fastest run of each W is kept. Returns the hits,
 * which must be the same in every run. */
static uint64_t sweep(struct point *points, int count, int repeats, uint64_t darts)
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
    uint64_t first_inside = 0;
    /* Round by round, each round visiting every worker count once: a burst
     * of someone else's work spoils one round, not one worker count. */
    for (int rep = 0; rep < repeats; rep++) {
        for (int i = 0; i < count; i++) {
            fflush(stdout); /* the workers get a copy of the buffer */
            struct pool *pool = pool_create(&(struct pool_options){.workers = points[i].workers});
            if (pool == NULL)
                die("pool_create");
            double t0 = timing_now();
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
            uint64_t inside = 0;
            for (size_t k = 0; k < tasks; k++)
                inside += hits[k];
            if (i == 0 && rep == 0)
                first_inside = inside;
            else if (inside != first_inside)
                die_msg("%d workers found %" PRIu64 " darts inside, 1 worker "
                        "%" PRIu64 ": the runs are not the same job",
                        points[i].workers, inside, first_inside);
        }
    }
    free(hits);
    free(blocks);
    return first_inside;
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
    printf("Usage: %s [-n DARTS] [--max-workers W] [--repeats R]\n"
           "          [--min-efficiency E] [--times T1,T2,...]\n"
           "Exercise 08.2: speedup, efficiency and Karp-Flatt from a sweep; "
           "the worker count to use.\n\n"
           "  -n DARTS              darts per run (default 10M; K, M, 1e6 "
           "accepted)\n"
           "      --max-workers W   sweep 1 .. W workers (default: twice the "
           "usable CPUs)\n"
           "      --repeats R       runs per worker count, the fastest kept "
           "(default 3)\n"
           "      --min-efficiency E  the least efficiency you accept "
           "(default 0.8)\n"
           "      --times T1,T2,..  measure nothing: these are the seconds "
           "for 1, 2, ... workers\n"
           "  -h, --help            this text\n",
           report_program());
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long darts = 10000000;
    int max_workers = 2 * cpus_usable();
    int repeats = 3;
    double min_efficiency = 0.8;
    const char *times = NULL;
    enum { OPT_MAX = 256, OPT_REPEATS, OPT_MIN_EFF, OPT_TIMES };
    static const struct option longopts[] = {
        {"max-workers", required_argument, NULL, OPT_MAX},
        {"repeats", required_argument, NULL, OPT_REPEATS},
        {"min-efficiency", required_argument, NULL, OPT_MIN_EFF},
        {"times", required_argument, NULL, OPT_TIMES},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* getopt's complaints are reported on one line, below */
    int opt;
    while ((opt = getopt_long(argc, argv, ":n:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'n': darts = cli_parse_count("-n", optarg, 1, 10000000000LL); break;
        case OPT_MAX:
            max_workers = (int)cli_parse_int("--max-workers", optarg, 1,
                                             pool_max_workers() < MAX_POINTS ? pool_max_workers()
                                                                             : MAX_POINTS);
            break;
        case OPT_REPEATS: repeats = (int)cli_parse_int("--repeats", optarg, 1, 100); break;
        case OPT_MIN_EFF:
            min_efficiency = cli_parse_real("--min-efficiency", optarg, 0, 1, 0);
            break;
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
        printf("[parent %ld] times given by --times for 1 to %d worker%s: "
               "nothing measured\n",
               me, count, count == 1 ? "" : "s");
    } else {
        count = max_workers;
        for (int i = 0; i < count; i++)
            points[i].workers = i + 1;
        printf("[parent %ld] sweep: %lld darts per run, 1 to %d worker%s, the "
               "fastest of %d run%s each (%d usable CPU%s)\n",
               me, darts, count, count == 1 ? "" : "s", repeats, repeats == 1 ? "" : "s",
               cpus_usable(), cpus_usable() == 1 ? "" : "s");
        uint64_t inside = sweep(points, count, repeats, (uint64_t)darts);
        printf("[parent %ld] every run found %" PRIu64 " of %lld darts inside "
               "(the same job for every worker count)\n",
               me, inside, darts);
    }

    analyse(points, count);
    printf("== your table ==\n");
    printf("workers    seconds   speedup  efficiency  karp-flatt\n");
    for (int i = 0; i < count; i++) {
        char kf[32];
        if (isnan(points[i].karp_flatt))
            snprintf(kf, sizeof kf, "nan");
        else
            snprintf(kf, sizeof kf, "%.4f", points[i].karp_flatt);
        printf("%7d %10.6f %9.3f %11.3f %11s\n", points[i].workers, points[i].seconds,
               points[i].speedup, points[i].efficiency, kf);
    }

    int best = best_point(points, count, min_efficiency);
    if (best < 0 || best >= count)
        die_msg("best_point returned %d: not an index from 0 to %d", best, count - 1);
    const struct point *b = &points[best];
    printf("== your choice ==\n");
    printf("[parent %ld] the fastest with efficiency >= %.2f: %d worker%s "
           "(speedup %.3f, efficiency %.3f)\n",
           me, min_efficiency, b->workers, b->workers == 1 ? "" : "s", b->speedup, b->efficiency);
    printf("%s: use %d worker%s: %.2f times as fast as 1, efficiency %.2f\n", report_program(),
           b->workers, b->workers == 1 ? "" : "s", b->speedup, b->efficiency);
    return 0;
}
