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

/* The next 64 random bits. static inline, here in the header: a loop that
 * draws numbers (chapter 08's kernel) gets the generator compiled into its
 * body, with the state kept in registers. Called in rng.c instead, every
 * draw was a call that no compiler could inline, and the kernel threw about
 * a third fewer darts per second than the same loop written in one file. */
static inline uint64_t rng_rotate_left(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rng_rotate_left(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotate_left(s[3], 45);
    return result;
}

/* A double uniformly distributed in [0, 1), from the top 53 bits. */
static inline double rng_uniform(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* A whole number uniformly distributed in [0, bound), bound > 0. */
uint64_t rng_below(struct rng *r, uint64_t bound);

#endif
