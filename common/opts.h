/* SPDX-License-Identifier: MIT */
/*
 * opts.h - a program's command line as a table: short and long flags, whole
 * numbers checked by cli.h, switches, and -h/--help, in one call.
 *
 *     long long workers = cpus_for_pool(), n = 1000;
 *     bool quiet = false;
 *     const struct flag flags[] = {
 *         {'j', "workers", "N", "worker processes", FLAG_INT, 1, 64, &workers},
 *         {'n', NULL, "N", "items (1e6, 2M work)", FLAG_COUNT, 1, 1000000000, &n},
 *         {'q', "quiet", NULL, "print only the summary line", FLAG_SWITCH, 0, 0, &quiet},
 *         {0},
 *     };
 *     opts_parse(argc, argv, "[-j N] [-n N] [-q]", "What the program shows.", flags);
 *
 * -h/--help prints "Usage: PROGRAM USAGE", the ABOUT line and one line per
 * flag on stdout and exits 0. A bad number, an unknown flag, a missing
 * value or a stray argument: one line on stderr and exit 2 (report.h's
 * usage_error), nothing on stdout.
 */
#ifndef FORKLORE_OPTS_H
#define FORKLORE_OPTS_H

#include <stdbool.h>

enum flag_kind {
    FLAG_SWITCH, /* no value: sets *(bool *)target */
    FLAG_INT,    /* a whole number (cli_parse_int) into *(long long *)target */
    FLAG_COUNT,  /* a count, 250K or 1e6 allowed (cli_parse_count) */
};

struct flag {
    char letter;      /* 'j' for -j, or 0 for a long flag only */
    const char *name; /* "workers" for --workers, or NULL for -j only */
    const char *arg;  /* the value's name in --help ("N"), NULL for a switch */
    const char *help; /* one line for --help */
    enum flag_kind kind;
    long long min, max; /* the accepted range of a number */
    void *target;       /* a long long * for a number, a bool * for a switch */
};

/* Parse argv by the table `flags` (ended by an entry with neither letter
 * nor name); see above. The program's name comes from report.h. */
void opts_parse(int argc, char **argv, const char *usage, const char *about,
                 const struct flag *flags);

#endif
