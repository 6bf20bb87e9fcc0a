/* SPDX-License-Identifier: MIT */
/*
 * rng.h - a fast, seedable random number generator with independent streams.
 *
 * xoshiro256** (Blackman and Vigna): 256 bits of state, period 2^256 - 1,
 * a few nanoseconds per number. rng_jump() advances a generator by 2^128
 * steps, so stream k (the seed, jumped k times) never overlaps stream j for
 * any practical run. That is how each worker gets its own stream:
 *
 *     struct rng r;
 *     rng_stream(&r, seed, worker_index);   // seed, then worker_index jumps
 *     double x = rng_uniform(&r);           // in [0, 1)
 *
 * Why it matters: fork() copies the parent's memory, generator state
 * included, so every child would draw the *same* numbers unless each one is
 * given its own stream (chapter 08 shows the bug with --same-seed).
 */
#ifndef FORKLORE_RNG_H
#define FORKLORE_RNG_H

#include <stdint.h>

struct rng {
    uint64_t s[4];
};

/* Fill the state from a 64-bit seed (through splitmix64, as the authors
 * recommend, so that similar seeds give unrelated states). */
void rng_seed(struct rng *r, uint64_t seed);

/* Advance by 2^128 steps: the start of the next independent stream. */
void rng_jump(struct rng *r);

/* Seed, then jump `stream` times: stream 0, 1, 2, ... never overlap. */
void rng_stream(struct rng *r, uint64_t seed, uint64_t stream);

/* The next 64 random bits. */
uint64_t rng_next(struct rng *r);

/* A double uniformly distributed in [0, 1), from the top 53 bits. */
double rng_uniform(struct rng *r);

/* A whole number uniformly distributed in [0, bound), bound > 0. */
uint64_t rng_below(struct rng *r, uint64_t bound);

#endif
