/* SPDX-License-Identifier: MIT */
/*
 * mpi_options.h - the command line of 3_mpi_pi (read with step 3): the flags
 * of chapter 08 that make sense for ranks, parsed on rank 0 only. Bad input
 * ends the process through cli.h or usage_error (one line on stderr, exit
 * 2); 3_mpi_pi.c makes sure the other ranks hear of it first.
 */
#ifndef FORKLORE_MPI_OPTIONS_H
#define FORKLORE_MPI_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "report.h"

#define MAX_DARTS 100000000000LL /* 10^11, as in chapter 08 */

struct options {
    long long darts;
    uint64_t seed;
    bool csv, quiet, help;
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: mpirun -np R %s [-n DARTS] [--seed S] [--csv] [-q]\n"
            "Estimate pi with DARTS random darts thrown by R MPI ranks.\n"
            "  -n DARTS     darts in all (default 100M; 1e9, 250M, 2G work)\n"
            "  --seed S     random seed (default 1); the estimate depends on\n"
            "               the seed and the darts only, never on R\n"
            "  --csv        print 'workers,darts,seconds,estimate,error' and\n"
            "               one line of values (chapter 08's columns; workers\n"
            "               holds the rank count)\n"
            "  -q, --quiet  print the summary line only\n"
            "  -h, --help   this text\n",
            report_program());
}

static struct options parse_options(int argc, char **argv)
{
    struct options o = {.darts = 100000000, .seed = 1};
    enum { OPT_SEED = 256, OPT_CSV };
    static const struct option longopts[] = {
        {"seed", required_argument, NULL, OPT_SEED},
        {"csv", no_argument, NULL, OPT_CSV},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* we report getopt's complaints ourselves, in one line */
    int c;
    while ((c = getopt_long(argc, argv, ":n:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'n': o.darts = cli_parse_count("-n", optarg, 1, MAX_DARTS); break;
        case OPT_SEED: o.seed = (uint64_t)cli_parse_int("--seed", optarg, 0, INT64_MAX); break;
        case OPT_CSV: o.csv = true; break;
        case 'q': o.quiet = true; break;
        case 'h': o.help = true; return o;
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt != 0)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    return o;
}

#endif
