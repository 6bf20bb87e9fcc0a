/* SPDX-License-Identifier: MIT */
/*
 * opts.h - a program's command line as a table: short and long flags, whole
 * numbers checked by cli.h, switches, text, positional arguments,
 * -h/--help and --version, in one call. Every program that takes options
 * reads them here, so they all answer the same way.
 *
 *     long long workers = cpus_for_pool(), n = 1000;
 *     bool quiet = false;
 *     const struct flag flags[] = {
 *         {'j', FLAG_INT, "workers", "N", "worker processes", 1, 64, &workers},
 *         {'n', FLAG_COUNT, NULL, "N", "items (1e6, 2M work)", 1, 1000000000, &n},
 *         {'q', FLAG_SWITCH, "quiet", NULL, "print only the summary line", 0, 0, &quiet},
 *         OPTS_END("-j 4 -n 1M\n-q"),
 *     };
 *     opts_parse(argc, argv, "[-j N] [-n N] [-q]", "What the program shows.", flags);
 *
 * -h/--help prints "Usage: PROGRAM USAGE", the ABOUT text, one line per
 * flag, then "Examples:" (the program's, from OPTS_END) and "Exit status:"
 * (0, 1 and 2, plus the program's own, from OPTS_END_EXITS) on stdout and
 * exits 0. --version prints "PROGRAM (forklore) VERSION" and exits 0.
 * Bad input is one line on stderr, nothing on stdout, exit 2 (report.h's
 * usage_error), always worded the same way:
 *
 *     prog: option '--workers' needs a value (try 'prog --help')
 *     prog: invalid value '12abc' for -j: not a number (try 'prog --help')
 *     prog: unknown option '--wrokers' (try 'prog --help')
 *     prog: unexpected argument 'stray' (try 'prog --help')
 *
 * An option is named as it was typed (-j or --workers); a long argument is
 * cut in the message (cli_excerpt).
 */
#ifndef FORKLORE_OPTS_H
#define FORKLORE_OPTS_H

#include <stdbool.h>

#include "pool.h" /* pool_max_workers(): the fork-bomb guard of FLAG_PROCESSES */

enum flag_kind {
    FLAG_SWITCH, /* no value: sets *(bool *)target */
    FLAG_INT,    /* a whole number (cli_parse_int) into *(long long *)target */
    FLAG_COUNT,  /* a count, 250K or 1e6 allowed (cli_parse_count) */
    FLAG_REAL,   /* a real number (cli_parse_real) into a struct flag_real */
    FLAG_TEXT,   /* any text (a path, a list) into *(const char **)target */
    FLAG_ARG,    /* a positional argument, required, in table order: its name
                    (shown in messages) is `name`, the text goes into
                    *(const char **)target; no letter */
};

/* A real number and its range: FLAG_REAL's target ("--timeout 0.5").
 * below_max: max itself is refused ([min, max) instead of [min, max]). */
struct flag_real {
    double value, min, max;
    bool below_max;
};

/* The letter and the kind first: so ordered, an entry has no padding to
 * speak of (tables have dozens of entries). */
struct flag {
    char letter; /* 'j' for -j, or 0 for a long flag only */
    enum flag_kind kind;
    const char *name;   /* "workers" for --workers, or NULL for -j only */
    const char *arg;    /* the value's name in --help ("N"), NULL for a switch */
    const char *help;   /* one line for --help ('\n' starts an indented line) */
    long long min, max; /* the accepted range of a number */
    void *target;       /* a long long * for a number, a bool * for a switch */
};

/* A number of processes to start: 1 to pool_max_workers() (the fork-bomb
 * guard), into a long long. -j/--workers N is the same in
 * every program. */
#define FLAG_PROCESSES(letter, name, target, help)                                                 \
    {                                                                                              \
        (letter), FLAG_INT, (name), "N", (help), 1, pool_max_workers(), (target)                   \
    }
#define FLAG_WORKERS(target, help) FLAG_PROCESSES('j', "workers", (target), (help))

/* -n N, the number of items (darts, tasks, ...): a count, 250K or 1e6 allowed. */
#define FLAG_N(target, min, max, help)                                                             \
    {                                                                                              \
        'n', FLAG_COUNT, NULL, "N", (help), (min), (max), (target)                                 \
    }

/* -q/--quiet: print less (the summary stays), into a bool. */
#define FLAG_QUIET(target, help)                                                                   \
    {                                                                                              \
        'q', FLAG_SWITCH, "quiet", NULL, (help), 0, 0, (target)                                    \
    }

/* The table's last entry: neither letter nor name. It may carry the
 * program's examples for --help, one a line, each the arguments after the
 * program's name ("" for the bare name), and exit statuses of its own, one
 * a line ("130  interrupted by Ctrl-C"). A bare {0} ends a table too. */
#define OPTS_END(examples)                                                                         \
    {                                                                                              \
        .help = (examples)                                                                         \
    }
#define OPTS_END_EXITS(examples, exits)                                                            \
    {                                                                                              \
        .help = (examples), .arg = (exits)                                                         \
    }

/* Exit statuses that programs stopped by interrupt.h share. */
#define OPTS_EXITS_INTERRUPT "130  stopped by Ctrl-C (SIGINT)\n143  stopped by SIGTERM"

/* Parse argv by the table `flags` (see above). Sets report.h's program
 * name from argv[0]. Returns only if the whole command line was good.
 * usage NULL: made from the table ("[-j N] [--seed S] [-q] FILE"). */
void opts_parse(int argc, char **argv, const char *usage, const char *about,
                const struct flag *flags);

/* The one-option case: -j/--workers N, from `min` to pool_max_workers(),
 * `fallback` if not given; `examples` as in OPTS_END. Returns N. */
int opts_parse_workers(int argc, char **argv, const char *about, int min, int fallback,
                       const char *examples);

/* A check between options after opts_parse ("--crash-task below -n"):
 * returns if min <= value <= max, else the usual one line and exit 2:
 * "invalid value '12' for --crash-task: out of range (0 to 9)". */
void opts_check_range(const char *name, long long value, long long min, long long max);

/* The project's version, as --version prints it (the file VERSION). */
const char *opts_version(void);

#endif
