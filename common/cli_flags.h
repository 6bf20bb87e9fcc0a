/* SPDX-License-Identifier: MIT */
/*
 * cli_flags.h - a whole command line from one table: the parsing, the
 * checks and the --help text that every step with options would otherwise
 * write out again (a getopt_long loop and a usage text are ~40 lines).
 *
 *     long long workers = cpus_for_pool(), n = 40, quiet = 0;
 *     const struct cli_flag flags[] = {
 *         {"workers", 'j', "worker processes", 1, pool_max_workers(), &workers},
 *         {NULL, 'n', "tasks (default 40)", 1, 10000, &n},
 *         {"quiet", 'q', "no line per task", CLI_SWITCH, 0, &quiet},
 *         {0}};
 *     cli_flags_parse(argc, argv, flags, "What the program shows.");
 *
 * Each value goes through cli_parse_count (cli.h): a whole number in
 * [min, max], which may be written short (250K, 1M, 1e6), else one line on stderr naming the
 * option, exit 2. -h/--help prints "Usage: ..." and one line per flag on stdout and exits 0.
 * Unknown options, a missing value or a stray argument: one line, exit 2.
 */
#ifndef FORKLORE_CLI_FLAGS_H
#define FORKLORE_CLI_FLAGS_H

/* min for a flag that takes no value: it sets *value to 1. */
#define CLI_SWITCH (-1LL - 0x7fffffffffffffffLL)

struct cli_flag {
    const char *name; /* long name without "--", or NULL */
    char letter;      /* short name, or 0 */
    const char *help; /* one line for --help */
    long long min, max;
    long long *value;
};

/* Parse argv against flags (ended by an entry with neither name nor
 * letter); `about` is the line under "Usage:" in --help. Sets report.h's
 * program name. Returns only when the whole command line was good. */
void cli_flags_parse(int argc, char **argv, const struct cli_flag *flags, const char *about);

#endif
