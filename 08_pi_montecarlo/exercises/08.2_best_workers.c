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
#include <unistd.h>

#include "pi_lab.h" /* the options, the sweep of the chapter's job, --times */

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

/* The times: given by --times, or measured by the sweep (pi_lab.h). */
static int get_times(const struct pi_lab *o, struct point *points)
{
    long me = (long)getpid();
    double seconds[PI_LAB_MAX_POINTS];
    int count;
    if (o->times != NULL) {
        count = pi_lab_parse_times(o->times, seconds); /* checked before any output */
        printf("[parent %ld] times given by --times for 1 to %d worker%s: nothing measured\n", me,
               count, count == 1 ? "" : "s");
    } else {
        count = o->max_workers;
        printf("[parent %ld] sweep: %lld darts per run, 1 to %d worker%s, the fastest of %d run%s "
               "each (%d usable CPU%s)\n",
               me, o->darts, count, count == 1 ? "" : "s", o->repeats, o->repeats == 1 ? "" : "s",
               cpus_usable(), cpus_usable() == 1 ? "" : "s");
        uint64_t inside = pi_lab_sweep(seconds, count, o->repeats, (uint64_t)o->darts, 0);
        printf("[parent %ld] every run found %" PRIu64 " of %lld darts inside (the same job for "
               "every worker count)\n",
               me, inside, o->darts);
    }
    for (int i = 0; i < count; i++)
        points[i] = (struct point){.workers = i + 1, .seconds = seconds[i]};
    return count;
}

int main(int argc, char **argv)
{
    struct pi_lab o = {.accepts = "nmret",
                       .about = "Exercise 08.2: speedup, efficiency and Karp-Flatt from a sweep; "
                                "the worker count to use.",
                       .max_darts = 10000000000LL,
                       .examples = "-n 20M --repeats 3\n--times 1,0.52,0.37,0.3"};
    pi_lab_parse(argc, argv, &o);
    struct point points[PI_LAB_MAX_POINTS] = {{0}};
    int count = get_times(&o, points);
    analyse(points, count);
    printf("== your table ==\n");
    printf("workers    seconds   speedup  efficiency  karp-flatt\n");
    for (int i = 0; i < count; i++) {
        char kf[32] = "nan";
        if (!isnan(points[i].karp_flatt))
            snprintf(kf, sizeof kf, "%.4f", points[i].karp_flatt);
        printf("%7d %10.6f %9.3f %11.3f %11s\n", points[i].workers, points[i].seconds,
               points[i].speedup, points[i].efficiency, kf);
    }
    int best = best_point(points, count, o.min_efficiency);
    if (best < 0 || best >= count)
        die_msg("best_point returned %d: not an index from 0 to %d", best, count - 1);
    const struct point *b = &points[best];
    printf("== your choice ==\n");
    printf("[parent %ld] the fastest with efficiency >= %.2f: %d worker%s (speedup %.3f, "
           "efficiency %.3f)\n",
           (long)getpid(), o.min_efficiency, b->workers, b->workers == 1 ? "" : "s", b->speedup,
           b->efficiency);
    printf("%s: use %d worker%s: %.2f times as fast as 1, efficiency %.2f\n", report_program(),
           b->workers, b->workers == 1 ? "" : "s", b->speedup, b->efficiency);
    return 0;
}
