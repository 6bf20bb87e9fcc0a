/* SPDX-License-Identifier: MIT */
/*
 * 08.3_amdahl_fit.c - exercise: fit Amdahl's law to a measured sweep, find
 * the parallel fraction p of the job, and what speedup it allows at most.
 *
 * Usage: 08.3_amdahl_fit [-n DARTS] [--serial-fraction F] [--max-workers W]
 *                        [--repeats R] [--cpus P] [--times T1,T2,...]
 *
 * The program times the chapter's job for W = 1, 2, ... workers (the
 * fastest of R runs each; --serial-fraction F: the parent first throws
 * fraction F of the 1-worker run alone). YOU write Amdahl's law and the
 * least-squares fit of its p, counting the processors a run really had
 * (at most P CPUs). --times T1,T2,... measures nothing; --cpus P.
 * Python: the 08.2 sweep, then p = sum(x*y) / sum(x*x) (lstsq through 0).
 */
#include <unistd.h>

#include "pi_lab.h" /* the options, the sweep of the chapter's job, --times */

struct point {   /* one point of the sweep */
    int workers; /* 1, 2, 3, ...: points[i].workers == i + 1 */
    double seconds;
    double speedup; /* T1 / TW */
};

/* ---------------------------------------------------------- your part */

#ifdef SOLUTION
/* Processors, not processes: W workers on P CPUs run on min(W, P). */
static double processors(int workers, int cpus)
{
    return workers < cpus ? workers : cpus;
}

/* The serial part (1 - p) takes as long anywhere; p shrinks N-fold. */
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
 * squares. Amdahl's law, 1/S = (1 - p) + p/N, rearranged, is a line through
 * the origin, 1 - 1/S = p (1 - 1/N), that is y = p x with x = 1 - 1/N
 * (N = processors(W, cpus)) and y = 1 - 1/S. Its least-squares slope is
 * sum(x y) / sum(x x). If every x is 0 (1 worker, or 1 CPU), nothing can
 * be fitted: return NAN. As handed out: p = 1. */
static double fit_parallel_fraction(const struct point *points, int count, int cpus)
{
    (void)points;
    (void)count;
    (void)cpus;
    return 1;
}
#endif

/* ------------------------------------------------------------ the rest */

/* The times: given by --times, or measured by the sweep (pi_lab.h), with
 * the parent's serial darts: F/(1-F) x the darts, fraction F of 1 worker. */
static int get_times(const struct pi_lab *o, struct point *points)
{
    long me = (long)getpid();
    double seconds[PI_LAB_MAX_POINTS] = {0};
    int count, cpus = o->cpus;
    if (o->times != NULL) {
        count = pi_lab_parse_times(o->times, seconds); /* checked before any output */
        printf("[parent %ld] times given by --times for 1 to %d worker%s, counted on %d CPU%s: "
               "nothing measured\n",
               me, count, count == 1 ? "" : "s", cpus, cpus == 1 ? "" : "s");
    } else {
        count = o->max_workers;
        double f = o->serial_fraction;
        uint64_t serial_darts = (uint64_t)llround(f / (1 - f) * (double)o->darts);
        printf("[parent %ld] sweep: %lld darts per run, 1 to %d worker%s, the fastest of %d run%s "
               "each, on %d CPU%s\n",
               me, o->darts, count, count == 1 ? "" : "s", o->repeats, o->repeats == 1 ? "" : "s",
               cpus, cpus == 1 ? "" : "s");
        printf("[parent %ld] serial part: the parent throws %" PRIu64
               " darts alone first (--serial-fraction %.2f)\n",
               me, serial_darts, f);
        pi_lab_sweep(seconds, count, o->repeats, (uint64_t)o->darts, serial_darts);
    }
    for (int i = 0; i < count; i++)
        points[i] = (struct point){
            .workers = i + 1, .seconds = seconds[i], .speedup = seconds[0] / seconds[i]};
    return count;
}

static void print_fit(double p, int cpus, int count)
{
    long me = (long)getpid();
    printf("[parent %ld] parallel fraction p = %.4f, serial fraction 1 - p = %.4f\n", me, p, 1 - p);
    printf(p < 1 ? "[parent %ld] no number of CPUs makes this job more than %.2f times faster "
                   "(1 / (1 - p))\n"
                 : "[parent %ld] p >= 1: no serial part shows, no limit\n",
           me, 1 / (1 - p));
    printf("[parent %ld] with %d CPUs Amdahl allows %.3f; with %d, %.3f\n", me, cpus,
           amdahl(p, cpus), 2 * cpus, amdahl(p, 2 * cpus));
    printf("%s: p = %.4f from %d point%s on %d CPU%s\n", report_program(), p, count,
           count == 1 ? "" : "s", cpus, cpus == 1 ? "" : "s");
}

int main(int argc, char **argv)
{
    struct pi_lab o = {.accepts = "nfmrct",
                       .about = "Exercise 08.3: fit Amdahl's law to a measured sweep.",
                       .max_darts = 1000000000LL,
                       .examples = "--serial-fraction 0.2\n--times 1,0.6,0.47"};
    pi_lab_parse(argc, argv, &o);
    struct point points[PI_LAB_MAX_POINTS] = {{0}};
    int count = get_times(&o, points);
    double p = fit_parallel_fraction(points, count, o.cpus);
    printf("== measured against your fit ==\n");
    printf("workers  processors    seconds   speedup  amdahl(p)\n");
    for (int i = 0; i < count; i++) {
        double n = processors(points[i].workers, o.cpus);
        printf("%7d %11g %10.6f %9.3f %10.3f\n", points[i].workers, n, points[i].seconds,
               points[i].speedup, amdahl(p, n));
    }
    printf("== your fit ==\n");
    if (isnan(p)) {
        printf("[parent %ld] nothing to fit: every run had 1 processor\n", (long)getpid());
        printf("%s: p cannot be fitted from these runs\n", report_program());
        return 0;
    }
    print_fit(p, o.cpus, count);
    return 0;
}
