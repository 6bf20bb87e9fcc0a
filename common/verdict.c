/* SPDX-License-Identifier: MIT */
/*
 * verdict.c - best-of-N timing, an honest comparison, and a busy-machine
 * note; see verdict.h.
 */
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>

#include "cpus.h"

double verdict_best_of(int runs, double (*fn)(void *udata), void *udata)
{
    double best = fn(udata);
    for (int i = 1; i < runs; i++) {
        double t = fn(udata);
        if (t < best)
            best = t;
    }
    return best;
}

const char *verdict_compare(double a, double b, const char *b_wins, const char *a_wins)
{
    if (b < a * (1 - VERDICT_MARGIN))
        return b_wins;
    if (b > a * (1 + VERDICT_MARGIN))
        return a_wins;
    return "too close to call on this machine";
}

void verdict_time_pair(int runs, double (*a)(void *udata), void *a_udata, double (*b)(void *udata),
                       void *b_udata, struct verdict_pair *out)
{
    *out = (struct verdict_pair){0};
    for (int i = 0; i < runs; i++) {
        double ta = a(a_udata), tb = b(b_udata);
        out->a_best = i == 0 || ta < out->a_best ? ta : out->a_best;
        out->a_worst = ta > out->a_worst ? ta : out->a_worst;
        out->b_best = i == 0 || tb < out->b_best ? tb : out->b_best;
        out->b_worst = tb > out->b_worst ? tb : out->b_worst;
    }
}

const char *verdict_compare_pair(const struct verdict_pair *p, const char *b_wins,
                                 const char *a_wins)
{
    double margin = VERDICT_MARGIN;
    if (p->a_best > 0 && p->a_worst / p->a_best - 1 > margin)
        margin = p->a_worst / p->a_best - 1;
    if (p->b_best > 0 && p->b_worst / p->b_best - 1 > margin)
        margin = p->b_worst / p->b_best - 1;
    if (p->b_best < p->a_best * (1 - margin))
        return b_wins;
    if (p->b_best > p->a_best * (1 + margin))
        return a_wins;
    return "too close to call on this machine";
}

bool verdict_busy(char *note, size_t size)
{
    double load;
    if (cpus_load(&load, NULL) != 0)
        load = -1; /* unknown: never called busy */
    int cpus = cpus_usable();
    if (size > 0)
        note[0] = '\0';
    if (load < cpus)
        return false;
    snprintf(note, size, "this machine is busy (load %.2f on %d CPU%s): timings unreliable", load,
             cpus, cpus == 1 ? "" : "s");
    return true;
}

bool verdict_print_busy(FILE *out, const char *prefix)
{
    char note[128];
    if (!verdict_busy(note, sizeof note))
        return false;
    fprintf(out, "%s%s\n", prefix, note);
    return true;
}
