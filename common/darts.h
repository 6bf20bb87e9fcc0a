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
    uint64_t hits = 0;
    for (uint64_t i = 0; i < darts; i++) {
        double x = rng_uniform(r);
        double y = rng_uniform(r);
        hits += x * x + y * y < 1.0;
    }
    return hits;
}

#endif
