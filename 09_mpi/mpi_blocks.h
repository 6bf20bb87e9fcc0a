/* SPDX-License-Identifier: MIT */
/*
 * mpi_blocks.h - chapter 08's darts, cut the same way for MPI ranks (read
 * with step 2, 2_mpi_pi_reduce.c). The darts are blocks of 100000; block k
 * draws from random stream k (the seed jumped k times), and rank r of R
 * throws the contiguous blocks floor(r*B/R) .. floor((r+1)*B/R) - 1 of the
 * B blocks. So the hits depend on the seed and the darts, never on R.
 *
 *     struct share s = share_of(darts, rank, ranks);
 *     uint64_t hits = throw_share(&s, seed);   // and s.darts, s.blocks
 */
#ifndef FORKLORE_MPI_BLOCKS_H
#define FORKLORE_MPI_BLOCKS_H

#include <stdint.h>

#include "darts.h" /* throw_darts: chapter 08's kernel, unchanged */
#include "rng.h"

#define BLOCK_DARTS 100000u /* chapter 08's blocks, so chapter 08's streams */

/* One rank's share: blocks first .. first + blocks - 1 of all_blocks. */
struct share {
    uint64_t total, all_blocks, first, blocks, darts;
};

static inline struct share share_of(uint64_t total, int rank, int ranks)
{
    struct share s = {.total = total, .all_blocks = (total + BLOCK_DARTS - 1) / BLOCK_DARTS};
    s.first = s.all_blocks * (uint64_t)rank / (uint64_t)ranks;
    s.blocks = s.all_blocks * (uint64_t)(rank + 1) / (uint64_t)ranks - s.first;
    return s;
}

/* Throw the share: jump to its first block once, then once per block (one
 * jump per block, as chapter 08's parent walked every block). Returns the
 * hits and counts the darts thrown in s->darts. */
static inline uint64_t throw_share(struct share *s, uint64_t seed)
{
    struct rng stream;
    rng_seed(&stream, seed);
    for (uint64_t k = 0; k < s->first; k++)
        rng_jump(&stream);
    uint64_t hits = 0;
    s->darts = 0;
    for (uint64_t k = s->first; k < s->first + s->blocks; k++) {
        uint64_t darts = k + 1 < s->all_blocks ? BLOCK_DARTS : s->total - k * BLOCK_DARTS;
        struct rng block = stream; /* a copy the kernel may advance */
        hits += throw_darts(&block, darts);
        s->darts += darts;
        rng_jump(&stream);
    }
    return hits;
}

#endif
