/* SPDX-License-Identifier: MIT */
/*
 * darts.h - the Monte Carlo pi kernel of chapter 08, one copy for every
 * program that throws darts: chapter 08's steps (pi_steps.h), its labs
 * (pi_lab.h), its OpenMP reference, chapter 09's MPI ranks and chapter 10's
 * Slurm tasks, so that the same seed and blocks give the same estimate,
 * digit for digit, everywhere.
 *     struct rng r;
 *     rng_stream(&r, seed, block);
 *     uint64_t inside = throw_darts(&r, 100000);   // pi ~ 4 * inside / darts
 */
#ifndef FORKLORE_DARTS_H
#define FORKLORE_DARTS_H

#include <stdint.h>

#include "rng.h"

/* Count the darts inside the quarter circle. noinline: a program that
 * throws darts in two places (the parent's serial share and the workers'
 * blocks, chapter 08 step 4) must run the very same machine code; inlined
 * twice, two copies of a loop need not run at the same speed. */
__attribute__((noinline, unused)) static uint64_t throw_darts(struct rng *r, uint64_t darts)
{
    struct rng local = *r; /* the state in registers, not behind a pointer */
    uint64_t hits = 0;
    for (uint64_t i = 0; i < darts; i++) {
        /* x = a / 2^53 and y = b / 2^53 (rng_uniform) from the top 53 bits:
         * scaling by a power of two is exact, so x*x + y*y < 1 is the same
         * test as a*a + b*b < 2^106, on every dart, two multiplies fewer */
        uint64_t a = rng_next(&local) >> 11, b = rng_next(&local) >> 11;
        hits += (double)a * (double)a + (double)b * (double)b < 0x1.0p106;
    }
    *r = local;
    return hits;
}

#endif
