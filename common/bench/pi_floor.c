/* SPDX-License-Identifier: MIT */
/*
 * pi_floor.c - the floor for chapter 08's kernel: the fastest correct
 * single-core loop we know for the same darts. The same stream (block k
 * starts at the seed jumped k times, BLOCK_DARTS darts a block, as
 * pi_steps.h plans it) and the same dart (two doubles from the top 53 bits
 * of xoshiro256**, inside when x*x + y*y < 1), written in one file: the
 * generator's state lives in four local variables, so it stays in registers
 * for a whole block, nothing is called inside the loop, and the dart's test
 * skips two exact scalings (floor_block). Of the loops tried, the fastest.
 *
 * Usage: pi_floor [-n DARTS] [--seed S] [--chapter]
 *
 * --chapter throws the same blocks with chapter 08's kernel instead
 * (throw_darts in darts.h, the loop 4_pi_timed's workers run), in this
 * same harness: the two runs differ in the kernel alone.
 * Prints what 4_pi_timed --csv -j 1 prints (workers,darts,seconds,estimate,
 * error): the estimate must be the same digits for the same seed and darts
 * (bench.bats checks it), the seconds cover the darts alone.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "../../08_pi_montecarlo/pi_steps.h" /* BLOCK_DARTS, throw_darts (darts.h) */
#include "cli.h"
#include "report.h"
#include "rng.h"
#include "timing.h"

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* One block: the whole generator in locals. The dart is darts.h's,
 * x = a / 2^53 and y = b / 2^53 from the top 53 bits a and b, tested without
 * the two scalings: multiplying by a power of two is exact in floating
 * point, so x*x + y*y < 1 and a*a + b*b < 2^106 round alike and agree on
 * every dart (the estimate is the same digits), two multiplies fewer. */
static uint64_t floor_block(const struct rng *start, uint64_t darts)
{
    uint64_t s0 = start->s[0], s1 = start->s[1], s2 = start->s[2], s3 = start->s[3];
    uint64_t hits = 0;
    for (uint64_t i = 0; i < darts; i++) {
        uint64_t ab[2];
        for (int d = 0; d < 2; d++) { /* xoshiro256**, as rng_next */
            uint64_t t = s1 << 17;
            ab[d] = rotl(s1 * 5, 7) * 9;
            s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = rotl(s3, 45);
        }
        double a = (double)(ab[0] >> 11), b = (double)(ab[1] >> 11);
        hits += a * a + b * b < 0x1.0p106;
    }
    return hits;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long darts = 100000000, seed = 1;
    bool chapter = false;
    const struct flag flags[] = {
        {'n', FLAG_COUNT, NULL, "DARTS", "darts (default 100M)", 1, 100000000000LL, &darts},
        {0, FLAG_INT, "seed", "S", "the generator's seed (default 1)", 0, INT64_MAX, &seed},
        {0, FLAG_SWITCH, "chapter", NULL, "run chapter 08's throw_darts instead", 0, 0, &chapter},
        OPTS_END("-n 100M\n--chapter -n 100M"),
    };
    opts_parse(argc, argv, "[-n DARTS] [--seed S] [--chapter]",
               "The fastest single-core pi kernel for chapter 08's stream: the floor.", flags);
    struct rng r;
    rng_seed(&r, (uint64_t)seed);
    uint64_t total = (uint64_t)darts, inside = 0;
    double t0 = timing_now();
    for (uint64_t done = 0; done < total; done += BLOCK_DARTS) {
        uint64_t n = total - done < BLOCK_DARTS ? total - done : BLOCK_DARTS;
        struct rng block = r; /* the block's start; r jumps to the next */
        inside += chapter ? throw_darts(&block, n) : floor_block(&block, n);
        rng_jump(&r); /* the next block's stream, as pi_steps.h's plan */
    }
    double seconds = timing_now() - t0;
    double estimate = 4.0 * (double)inside / (double)total;
    printf("workers,darts,seconds,estimate,error\n");
    printf("1,%" PRIu64 ",%.6f,%.10f,%.10f\n", total, seconds, estimate, fabs(estimate - M_PI));
    return 0;
}
