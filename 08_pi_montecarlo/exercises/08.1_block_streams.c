/* SPDX-License-Identifier: MIT */
/*
 * 08.1_block_streams.c - exercise: plan the darts so that every block draws
 * from its own random stream, and the estimate of pi is the same for any
 * worker count.
 *
 * Usage: 08.1_block_streams [-j W] [-n DARTS] [--seed S]
 *
 * The darts are cut into blocks of up to 100000; a pool of W workers throws
 * the blocks (pool_map, chunksize 1) and the parent adds up the hits. YOU
 * write the plan: for every block, where its random numbers start and how
 * many darts it has. The program then checks your plan (the darts add up to
 * -n, block k starts at stream k, one jump per block), throws the darts and
 * prints the hits and the estimate. Exit status 0 when the plan is right.
 *
 * Python: blocks = [(PCG64(seed).jumped(k), darts_k) for k in range(n)];
 * pool.map(throw, blocks, chunksize=1); sum(hits).
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "pool.h"
#include "report.h"
#include "rng.h"

#define BLOCK_DARTS 100000u     /* darts per block, as in the chapter */
#define MAX_DARTS   100000000LL /* 1000 blocks: checking the plan stays fast */

/* One task: where a block's random numbers start, and how many darts. */
struct block {
    struct rng start;
    uint64_t darts;
};

/* The plan: the blocks, and how many jumps making it cost. */
struct plan {
    struct block *blocks;
    size_t count; /* blocks: ceil(darts / BLOCK_DARTS), already allocated */
    long jumps;   /* counted by plan_jump */
};

/* rng_jump, counted: use this one in make_plan, so the program can tell you
 * what your plan cost. */
static void plan_jump(struct plan *p, struct rng *r)
{
    p->jumps++;
    rng_jump(r);
}

/* ---------------------------------------------------------- your part */

#ifdef SOLUTION
/* Walk the blocks with ONE generator: block k gets its state, then it is
 * jumped once, so it is at stream k + 1 for the next block. rng_stream(seed,
 * k) for each block would be right too, but would redo k jumps every time:
 * k^2/2 jumps in all. The last block takes what is left over. */
static void make_plan(struct plan *p, uint64_t seed, uint64_t darts)
{
    struct rng walker;
    rng_seed(&walker, seed);
    for (size_t k = 0; k < p->count; k++) {
        p->blocks[k].start = walker;
        uint64_t thrown = (uint64_t)k * BLOCK_DARTS;
        p->blocks[k].darts = darts - thrown < BLOCK_DARTS ? darts - thrown : BLOCK_DARTS;
        plan_jump(p, &walker);
    }
}
#else
/* TODO: fill p->blocks[0 .. p->count - 1].
 *   - darts: BLOCK_DARTS each, except the last block, which gets what is
 *     left, so that the blocks add up to exactly `darts`;
 *   - start: block k starts at random stream k, that is rng_seed(seed),
 *     then jumped k times (2^128 steps each: no two blocks share a number).
 * Make it cost one jump per block: keep ONE generator, give block k its
 * current state, then plan_jump() it once. (rng_stream(&r, seed, k) for
 * every block is right but costs k jumps each time: k^2/2 in all.)
 * As handed out, every block starts from the same state, as every child of
 * a fork starts from the parent's seeded generator: the fork + RNG bug. */
static void make_plan(struct plan *p, uint64_t seed, uint64_t darts)
{
    (void)darts;
    for (size_t k = 0; k < p->count; k++) {
        rng_seed(&p->blocks[k].start, seed);
        p->blocks[k].darts = BLOCK_DARTS;
    }
}
#endif

/* ------------------------------------------------------------ the rest */

/* The kernel, in a worker: count the darts inside the quarter circle. */
static int throw_block(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    struct block b = *(const struct block *)arg; /* a copy we may advance */
    uint64_t hits = 0;
    for (uint64_t i = 0; i < b.darts; i++) {
        double x = rng_uniform(&b.start);
        double y = rng_uniform(&b.start);
        hits += x * x + y * y < 1.0;
    }
    *(uint64_t *)result = hits;
    return 0;
}

static void usage(void)
{
    printf("Usage: %s [-j W] [-n DARTS] [--seed S]\n"
           "Exercise 08.1: one random stream per block, the same estimate "
           "for any -j.\n\n"
           "  -j, --workers W  worker processes (default: usable CPUs; max "
           "%d)\n"
           "  -n DARTS         darts in all (default 10M, at most 100M; K, M, "
           "1e6 accepted)\n"
           "      --seed S     random seed (default 1)\n"
           "  -h, --help       this text\n",
           report_program(), pool_max_workers());
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int workers = cpus_for_pool();
    long long darts = 10000000;
    uint64_t seed = 1;
    enum { OPT_SEED = 256 };
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"seed", required_argument, NULL, OPT_SEED},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* getopt's complaints are reported on one line, below */
    int opt;
    while ((opt = getopt_long(argc, argv, ":j:n:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j': workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': darts = cli_parse_count("-n", optarg, 1, MAX_DARTS); break;
        case OPT_SEED: seed = (uint64_t)cli_parse_int("--seed", optarg, 0, INT64_MAX); break;
        case 'h': usage(); return 0;
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt != 0)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);

    long me = (long)getpid();
    uint64_t total = (uint64_t)darts;
    struct plan plan = {.count = (size_t)((total + BLOCK_DARTS - 1) / BLOCK_DARTS)};
    plan.blocks = calloc(plan.count, sizeof *plan.blocks);
    if (plan.blocks == NULL)
        die("calloc");
    printf("[parent %ld] pi by Monte Carlo: %" PRIu64 " darts in %zu block%s "
           "of up to %u, %d worker%s, seed %" PRIu64 "\n",
           me, total, plan.count, plan.count == 1 ? "" : "s", BLOCK_DARTS, workers,
           workers == 1 ? "" : "s", seed);

    /* ---- your plan, checked --------------------------------------------- */
    make_plan(&plan, seed, total);
    printf("== your plan ==\n");
    uint64_t planned = 0;
    size_t right_stream = 0, first_wrong = plan.count;
    struct rng expected;
    rng_seed(&expected, seed);
    for (size_t k = 0; k < plan.count; k++) {
        planned += plan.blocks[k].darts;
        /* stream k, computed here independently of your plan */
        if (memcmp(&plan.blocks[k].start, &expected, sizeof expected) == 0)
            right_stream++;
        else if (first_wrong == plan.count)
            first_wrong = k;
        rng_jump(&expected);
    }
    bool darts_ok = planned == total;
    bool streams_ok = right_stream == plan.count;
    bool jumps_ok = plan.jumps + 1 >= (long)plan.count && plan.jumps <= (long)plan.count;
    printf("[parent %ld] darts in the blocks: %" PRIu64 " of %" PRIu64 "%s\n", me, planned, total,
           darts_ok ? "" : ": WRONG");
    printf("[parent %ld] blocks starting at their own stream (the seed jumped "
           "k times for block k): %zu of %zu\n",
           me, right_stream, plan.count);
    if (!streams_ok)
        printf("[parent %ld] block %zu is the first that does not\n", me, first_wrong);
    printf("[parent %ld] jumps made by the plan: %ld for %zu block%s (one per "
           "block; rng_stream for each would make %zu)\n",
           me, plan.jumps, plan.count, plan.count == 1 ? "" : "s",
           plan.count * (plan.count - 1) / 2);

    /* ---- Pool(W).map(throw, blocks, chunksize=1), then sum(hits) --------- */
    fflush(stdout); /* the workers are forked with a copy of the buffer */
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    if (plan.count == 0)
        die_msg("make_plan made no blocks for %lld darts", darts);
    uint64_t *hits = malloc(plan.count * sizeof *hits);
    if (hits == NULL)
        die("malloc");
    if (pool_map(pool, throw_block, plan.blocks, plan.count, sizeof *plan.blocks, hits,
                 sizeof *hits, &(struct pool_map_options){.chunksize = 1}) != 0)
        die_msg("map failed: %s", pool_last_failure(pool)->message);
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
    uint64_t inside = 0;
    for (size_t k = 0; k < plan.count; k++)
        inside += hits[k];
    double estimate = 4.0 * (double)inside / (double)total;
    printf("== result ==\n");
    printf("[parent %ld] %" PRIu64 " of %" PRIu64 " darts inside: pi ~ %.7f "
           "(error %.7f)\n",
           me, inside, total, estimate, fabs(estimate - M_PI));
    bool ok = darts_ok && streams_ok && jumps_ok;
    printf("%s: plan %s; pi ~ %.7f from %" PRIu64 " darts with %d worker%s\n", report_program(),
           ok ? "right" : "WRONG", estimate, total, workers, workers == 1 ? "" : "s");
    free(hits);
    free(plan.blocks);
    return ok ? 0 : 1;
}
