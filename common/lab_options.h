/* SPDX-License-Identifier: MIT */
/*
 * lab_options.h - the command line of a lab exercise, from one table.
 *
 * An exercise lists its options once; the table gives getopt_long its
 * options, --help its text, and every value a checked parser from cli.h:
 *
 *     int workers = 4;  // the default
 *     const struct lab_option options[] = {
 *         {'j', "workers", LAB_WORKERS, 1, 0, &workers, "N", "children to start (default 4)"},
 *         {0},
 *     };
 *     lab_parse_options(argc, argv, "Start N children and join them.", options);
 *
 * It names the program for report.h's messages (report_set_program).
 * -h/--help prints the usage to stdout and exits 0. Bad input (an unknown
 * option, a missing or bad value, an extra argument) is one line on stderr
 * naming the option (report.h's usage_error), nothing on stdout, exit 2.
 */
#ifndef FORKLORE_LAB_OPTIONS_H
#define FORKLORE_LAB_OPTIONS_H

enum lab_kind {
    LAB_INT,     /* a whole number (cli_parse_int) into an int */
    LAB_COUNT,   /* a count such as 250K or 1e6 (cli_parse_count) into an int */
    LAB_REAL,    /* a real number (cli_parse_real) into a double */
    LAB_WORKERS, /* a process count from min to pool_max_workers() into an int (max unused) */
};

struct lab_option {
    int short_name;        /* 'j', or 0 for a long name only */
    const char *long_name; /* "workers", or NULL for a short name only */
    enum lab_kind kind;
    double min, max;  /* the range the value must lie in */
    void *value;      /* int * or double *: holds the default, gets the value */
    const char *arg;  /* the value's name in the usage: "N" */
    const char *help; /* one line for --help */
};

/* The one-option case: -j/--workers N, a whole number from `min` to
 * pool_max_workers(), `fallback` when not given. Returns N. */
int lab_parse_workers(int argc, char **argv, const char *about, int min, int fallback);

/* Parse argv by the table `options`, which ends with an entry {0}. `about`
 * is the line under the usage line in --help. At most 16 options. */
void lab_parse_options(int argc, char **argv, const char *about, const struct lab_option *options);

#endif
