/* SPDX-License-Identifier: MIT */
/*
 * mpi_options.h - the command line of 3_mpi_pi (read with step 3): the flags
 * of chapter 08 that make sense for ranks, as a table for opts.h, parsed on
 * rank 0 only. Bad input ends the process (one line on stderr, exit 2), and
 * so do --help and --version (exit 0); 3_mpi_pi.c makes sure the other ranks
 * hear of it first.
 */
#ifndef FORKLORE_MPI_OPTIONS_H
#define FORKLORE_MPI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h> /* exit, on_exit */

#include "opts.h"
#include "report.h"

#define MAX_DARTS 100000000000LL /* 10^11, as in chapter 08 */

struct options {
    long long darts;
    uint64_t seed;
    bool csv, quiet;
};

static struct options parse_options(int argc, char **argv)
{
    struct options o = {.darts = 100000000};
    long long seed = 1;
    const struct flag flags[] = {
        FLAG_N(&o.darts, 1, MAX_DARTS, "darts in all (default 100M; 1e9, 250M, 2G work)"),
        {0, FLAG_INT, "seed", "S",
         "random seed (default 1); the estimate depends on\nthe seed and the darts only, never on R",
         0, INT64_MAX, &seed},
        {0, FLAG_SWITCH, "csv", NULL,
         "print 'workers,darts,seconds,estimate,error' and\none line of values (chapter 08's "
         "columns; workers\nholds the rank count)",
         0, 0, &o.csv},
        FLAG_QUIET(&o.quiet, "print the summary line only"),
        OPTS_END("-n 1e9\n--seed 7 --csv"),
    };
    opts_parse(argc, argv, "[-n DARTS] [--seed S] [--csv] [-q]   (run by mpirun -np R)",
               "Estimate pi with DARTS random darts thrown by R MPI ranks.", flags);
    o.seed = (uint64_t)seed;
    return o;
}

#endif
