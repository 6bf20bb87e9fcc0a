/* SPDX-License-Identifier: MIT */
/* rng.c - seeding (splitmix64), jumps and bounded draws for xoshiro256**
 * (its step, rng_next, is inline in rng.h), after the public-domain reference
 * code by David Blackman and Sebastiano Vigna; see rng.h. */
#include "rng.h"

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

void rng_jump(struct rng *r)
{
    /* The jump polynomial for 2^128 steps, from the reference code. */
    static const uint64_t jump[] = {0x180ec6d33cfd0abau, 0xd5a61266f0c9392cu, 0xa9582618e03fc9aau,
                                    0x39abdc4529b1661cu};
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int i = 0; i < 4; i++) {
        for (int b = 0; b < 64; b++) {
            if (jump[i] & ((uint64_t)1 << b)) {
                s0 ^= r->s[0];
                s1 ^= r->s[1];
                s2 ^= r->s[2];
                s3 ^= r->s[3];
            }
            rng_next(r);
        }
    }
    r->s[0] = s0;
    r->s[1] = s1;
    r->s[2] = s2;
    r->s[3] = s3;
}

void rng_stream(struct rng *r, uint64_t seed, uint64_t stream)
{
    rng_seed(r, seed);
    for (uint64_t i = 0; i < stream; i++)
        rng_jump(r);
}

uint64_t rng_below(struct rng *r, uint64_t bound)
{
    /* Rejection sampling removes the bias of a plain modulo. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do {
        x = rng_next(r);
    } while (x >= limit);
    return x % bound;
}
