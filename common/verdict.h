/* SPDX-License-Identifier: MIT */
/*
 * verdict.h - say only what the numbers support.
 *
 * A timed comparison on a shared machine can mislead: another program may
 * have taken a CPU during one of the runs. The rule every chapter follows:
 * time each side several times (at least 3, the count printed), compare the
 * best runs, and conclude only when the difference is larger than the noise.
 *
 *     double a = verdict_best_of(3, run_serial, &job);
 *     double b = verdict_best_of(3, run_parallel, &job);
 *     printf("serial %.3f s, parallel %.3f s (best of 3): %s\n", a, b,
 *            verdict_compare(a, b, "parallel is faster", "parallel is slower"));
 *     verdict_print_busy(stdout, "");  // "this machine is busy ..." or nothing
 */
#ifndef FORKLORE_VERDICT_H
#define FORKLORE_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Two timings closer than this fraction are "too close to call". */
#define VERDICT_MARGIN 0.05

/* The best (smallest) of `runs` timings of fn(udata), in seconds. */
double verdict_best_of(int runs, double (*fn)(void *udata), void *udata);

/* Compare two times (seconds, smaller is better): `b_wins` when b is more
 * than VERDICT_MARGIN faster than a, `a_wins` when it is more than
 * VERDICT_MARGIN slower, else "too close to call on this machine". */
const char *verdict_compare(double a, double b, const char *b_wins, const char *a_wins);

/* Two ways of doing the same work, timed in turn (a, b, a, b, ...), so
 * that a burst of load from elsewhere hits both: the best and the worst
 * run of each. */
struct verdict_pair {
    double a_best, a_worst, b_best, b_worst;
};
void verdict_time_pair(int runs, double (*a)(void *udata), void *a_udata, double (*b)(void *udata),
                       void *b_udata, struct verdict_pair *out);

/* Compare the best runs of a pair, as verdict_compare() does, but call it
 * "too close to call" also when the difference is smaller than the runs'
 * own spread (the worst run over the best, on either side): a difference
 * the noise could have made is not a result. */
const char *verdict_compare_pair(const struct verdict_pair *p, const char *b_wins,
                                 const char *a_wins);

/* Is the machine busy with other work? True when the one-minute load
 * average is at least the number of CPUs this process may use. `note`
 * receives "this machine is busy (load 3.02 on 2 CPUs): timings unreliable"
 * (or "" when it is not). */
bool verdict_busy(char *note, size_t size);

/* Print the busy note, prefixed by `prefix`, followed by a newline; print
 * nothing when the machine is not busy. Returns whether it printed. */
bool verdict_print_busy(FILE *out, const char *prefix);

#endif
