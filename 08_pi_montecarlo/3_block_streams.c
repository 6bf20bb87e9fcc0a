/* SPDX-License-Identifier: MIT */
/*
 * 3_block_streams.c - the fix for step 2: cut the darts into blocks of
 * 100000 and let block k draw from random stream k (the seed jumped k
 * times). Whoever throws a block, it is the same darts, so the estimate
 * depends on the seed and the dart count only, never on the worker count.
 *
 * Python: streams = np.random.SeedSequence(seed).spawn(blocks)  (or jumped())
 *         hits = pool.map(throw_block, blocks, chunksize=1); sum(hits)
 * Usage: 3_block_streams [-j W] [-n DARTS] [--seed S] [--weak] [--csv] [-q]
 * Look for: -j 1, -j 2 and -j 3 print the same hits; each worker threw a
 * different number of blocks (the pool hands them out as workers come free).
 */
#include <unistd.h>

#include "pi_steps.h"
#include "timing.h"

/* Who threw what, collected in the parent as chunks complete. */
struct tally {
    const struct block *blocks;
    long *blocks_by_worker;
    uint64_t *darts_by_worker;
    pid_t *pid_by_worker;
};

static void count_chunk(const struct pool_chunk *chunk, void *udata)
{
    struct tally *t = udata;
    for (size_t i = chunk->first; i < chunk->first + chunk->count; i++)
        t->darts_by_worker[chunk->worker] += t->blocks[i].darts;
    t->blocks_by_worker[chunk->worker] += (long)chunk->count;
    t->pid_by_worker[chunk->worker] = chunk->pid;
}

static void print_plan(long me, size_t tasks, double seconds)
{
    printf("== plan ==\n");
    printf("[parent %ld] %zu block%s of up to %u darts; block k draws from stream k (the seed "
           "jumped k times)\n",
           me, tasks, tasks == 1 ? "" : "s", BLOCK_DARTS);
    printf("[parent %ld] %zu jumps of 2^128 steps took %.3f ms (%.2f us each)\n", me, tasks,
           seconds * 1e3, seconds * 1e6 / (double)tasks);
    printf("[parent %ld] so the estimate depends on the seed and the darts, not on -j\n", me);
}

static void print_tally(long me, const struct tally *t, int workers)
{
    printf("== throwing ==\n");
    for (int w = 0; w < workers; w++)
        printf("[parent %ld] worker %d (pid %ld): %ld block%s, %" PRIu64 " darts\n", me, w,
               (long)t->pid_by_worker[w], t->blocks_by_worker[w],
               t->blocks_by_worker[w] == 1 ? "" : "s", t->darts_by_worker[w]);
}

/* Pool(W).map(throw_block, blocks, chunksize=1), with a tally of who threw
 * what; returns the seconds the map took. */
static double map_blocks(int workers, const struct block *blocks, size_t tasks, uint64_t *hits,
                         struct tally *tally)
{
    interrupt_install(); /* Ctrl-C or kill: the map returns, workers reaped */
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    double t0 = timing_now();
    map_or_stop(pool, blocks, tasks, hits,
                &(struct pool_map_options){.on_chunk = count_chunk, .udata = tally});
    double seconds = timing_now() - t0;
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
    return seconds;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    struct pi_options o = {.accepts = "jnswcq",
                           .about = "Estimate pi with DARTS darts in blocks, block k from random "
                                    "stream k, thrown by W workers.",
                           .examples = "-j 2 -n 1e9\n--seed 7 --csv"};
    pi_parse(argc, argv, &o);
    uint64_t total = pi_total(&o);
    long me = (long)getpid();
    size_t tasks;
    double t0 = timing_now();
    struct block *blocks = plan_blocks(o.seed, total, &tasks);
    double jump_seconds = timing_now() - t0;

    uint64_t *hits = calloc(tasks, sizeof *hits);
    struct tally tally = {blocks, calloc((size_t)o.workers, sizeof(long)),
                          calloc((size_t)o.workers, sizeof(uint64_t)),
                          calloc((size_t)o.workers, sizeof(pid_t))};
    if (!hits || !tally.blocks_by_worker || !tally.darts_by_worker || !tally.pid_by_worker)
        die("calloc");
    double seconds = map_blocks(o.workers, blocks, tasks, hits, &tally);
    uint64_t inside = 0; /* the reduce, in the parent: sum(hits) */
    for (size_t k = 0; k < tasks; k++)
        inside += hits[k];
    double estimate = 4.0 * (double)inside / (double)total;
    if (o.csv) {
        print_csv(o.workers, total, seconds, inside);
    } else if (!o.quiet) {
        printf("[parent %ld] pi by Monte Carlo: %" PRIu64 " darts, %d worker%s, seed %" PRIu64
               "%s\n",
               me, total, o.workers, o.workers == 1 ? "" : "s", o.seed,
               o.weak ? " (weak scaling: -n darts per worker)" : "");
        print_plan(me, tasks, jump_seconds);
        print_tally(me, &tally, o.workers);
        printf("== result ==\n");
        print_estimate(me, inside, total);
    }
    if (!o.csv)
        printf("%s: pi ~ %.7f (error %.7f) from %" PRIu64 " darts with %d worker%s\n",
               report_program(), estimate, fabs(estimate - M_PI), total, o.workers,
               o.workers == 1 ? "" : "s");
    free(tally.pid_by_worker);
    free(tally.darts_by_worker);
    free(tally.blocks_by_worker);
    free(hits);
    free(blocks);
    return 0;
}
