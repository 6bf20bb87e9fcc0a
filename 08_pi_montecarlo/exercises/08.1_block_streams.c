/* SPDX-License-Identifier: MIT */
/*
 * 08.1_block_streams.c - exercise: plan the darts so that every block draws
 * from its own random stream, and the estimate of pi is the same for any
 * worker count.
 *
 * Usage: 08.1_block_streams [-j W] [-n DARTS] [--seed S]   (-n at most 100M)
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
#include <unistd.h>

#include "pi_lab.h" /* the options, struct block, the kernel, a timed map */

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

/* Your plan against stream k computed here independently; prints what it
 * finds and returns whether the plan is right. */
static bool check_plan(const struct plan *p, uint64_t seed, uint64_t total)
{
    long me = (long)getpid();
    uint64_t planned = 0;
    size_t right_stream = 0, first_wrong = p->count;
    struct rng expected;
    rng_seed(&expected, seed);
    for (size_t k = 0; k < p->count; k++) {
        planned += p->blocks[k].darts;
        if (memcmp(&p->blocks[k].start, &expected, sizeof expected) == 0)
            right_stream++;
        else if (first_wrong == p->count)
            first_wrong = k;
        rng_jump(&expected);
    }
    printf("== your plan ==\n");
    printf("[parent %ld] darts in the blocks: %" PRIu64 " of %" PRIu64 "%s\n", me, planned, total,
           planned == total ? "" : ": WRONG");
    printf("[parent %ld] blocks starting at their own stream (the seed jumped k times for block "
           "k): %zu of %zu\n",
           me, right_stream, p->count);
    if (right_stream != p->count)
        printf("[parent %ld] block %zu is the first that does not\n", me, first_wrong);
    printf("[parent %ld] jumps made by the plan: %ld for %zu block%s (one per block; rng_stream "
           "for each would make %zu)\n",
           me, p->jumps, p->count, p->count == 1 ? "" : "s", p->count * (p->count - 1) / 2);
    return planned == total && right_stream == p->count && p->jumps + 1 >= (long)p->count &&
           p->jumps <= (long)p->count;
}

int main(int argc, char **argv)
{
    struct pi_lab o = {.accepts = "jns",
                       .about = "Exercise 08.1: one random stream per block, the same estimate "
                                "for any -j.",
                       .max_darts = 100000000LL,
                       .examples = "-j 3 -n 10M"}; /* 1000 blocks: checking stays fast */
    pi_lab_parse(argc, argv, &o);
    long me = (long)getpid();
    uint64_t total = (uint64_t)o.darts;
    struct plan plan = {.count = (size_t)((total + BLOCK_DARTS - 1) / BLOCK_DARTS)};
    plan.blocks = calloc(plan.count, sizeof *plan.blocks);
    if (plan.blocks == NULL)
        die("calloc");
    printf("[parent %ld] pi by Monte Carlo: %" PRIu64 " darts in %zu block%s of up to %u, %d "
           "worker%s, seed %" PRIu64 "\n",
           me, total, plan.count, plan.count == 1 ? "" : "s", BLOCK_DARTS, o.workers,
           o.workers == 1 ? "" : "s", o.seed);
    make_plan(&plan, o.seed, total);
    bool ok = check_plan(&plan, o.seed, total);
    double seconds; /* Pool(W).map(throw, blocks, chunksize=1), then sum(hits) */
    uint64_t inside = pi_lab_map(o.workers, plan.blocks, plan.count, 0, &seconds);
    double estimate = 4.0 * (double)inside / (double)total;
    printf("== result ==\n");
    printf("[parent %ld] %" PRIu64 " of %" PRIu64 " darts inside: pi ~ %.7f (error %.7f)\n", me,
           inside, total, estimate, fabs(estimate - M_PI));
    printf("%s: plan %s; pi ~ %.7f from %" PRIu64 " darts with %d worker%s\n", report_program(),
           ok ? "right" : "WRONG", estimate, total, o.workers, o.workers == 1 ? "" : "s");
    free(plan.blocks);
    return ok ? 0 : 1;
}
