/* SPDX-License-Identifier: MIT */
/*
 * verdict.c - best-of-N timing, an honest comparison, and a busy-machine
 * note; see verdict.h.
 */
#include "verdict.h"

#include <stdio.h>

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

/* The one-minute load average from /proc/loadavg, or -1 if unreadable. */
static double load_average(void)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double load = -1;
    if (f == NULL)
        return -1;
    if (fscanf(f, "%lf", &load) != 1)
        load = -1;
    fclose(f);
    return load;
}

bool verdict_busy(char *note, size_t size)
{
    double load = load_average();
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
