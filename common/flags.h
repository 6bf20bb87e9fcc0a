/* SPDX-License-Identifier: MIT */
/*
 * flags.h - the command line the chapter steps share, in one call: -p
 * producers, -j workers, -n items, -q quiet, --timeout seconds, -h help.
 *
 * A program sets its defaults, names the flags it takes, and gives its help
 * text (a printf format whose one %s is the program's name):
 *
 *     struct flags f = {.workers = 2, .items = 1000, .items_max = 10000000};
 *     flags_parse(&f, "jnq", "Usage: %s [-j WORKERS] [-n ITEMS] [-q]\n...", argc, argv);
 *
 * -h/--help prints the help on stdout and exits 0. Anything else that is
 * wrong (a flag it does not take, a missing value, a bad number, a stray
 * argument) is one line on stderr and exit 2, through cli.h's parsers and
 * report.h's usage_error; nothing is printed on stdout.
 */
#ifndef FORKLORE_FLAGS_H
#define FORKLORE_FLAGS_H

#include <stdbool.h>

struct flags {
    int producers;       /* -p, --producers: 1 to pool_max_workers() */
    int workers;         /* -j, --workers: 1 to pool_max_workers() */
    long long items;     /* -n: 1 to items_max; 10K, 1e5 work */
    long long items_max; /* set by the program */
    double timeout;      /* --timeout: 0.01 to 60 seconds */
    bool quiet;          /* -q, --quiet */
};

/* `accept` lists the flags the program takes: any of "p", "j", "n", "q",
 * and "t" for --timeout. -h is always taken. */
void flags_parse(struct flags *f, const char *accept, const char *help, int argc, char **argv);

#endif
