/* SPDX-License-Identifier: MIT */
/*
 * 2_same_seed.c - the fork + RNG bug: the parent seeds one generator, and
 * every worker starts from a copy of it (fork copies memory, generator state
 * included). W workers then throw the same darts W times over, and adding
 * workers no longer makes the estimate any better.
 *
 * Python: np.random.seed(S) in the parent, or random.seed(S) in every worker
 *         hits = pool.map(throw_share, [S] * W)
 * Usage: 2_same_seed [-j W] [-n DARTS] [--seed S] [--weak] [--csv] [-q]
 * Look for: with --weak (-n darts per worker), -j 1, 2 and 4 print the same
 * estimate and the same error: only one worker's darts were different.
 */
#include <unistd.h>

#include "pi_steps.h"
#include "timing.h"

/* The naive split: one share per worker, every share starting from the very
 * same state, what each child holds after the parent seeded one generator
 * and forked. */
static struct block *same_seed_shares(uint64_t seed, uint64_t total, size_t tasks)
{
    struct block *shares = malloc(tasks * sizeof *shares);
    if (shares == NULL)
        die("malloc");
    for (size_t w = 0; w < tasks; w++) {
        rng_seed(&shares[w].start, seed);
        shares[w].darts = total / tasks + (w < total % tasks);
    }
    return shares;
}

static void narrate(const struct pi_options *o, uint64_t total, uint64_t inside, uint64_t share)
{
    long me = (long)getpid();
    printf("[parent %ld] pi by Monte Carlo, every worker from the same seed: %" PRIu64
           " darts, %d worker%s, seed %" PRIu64 "%s\n",
           me, total, o->workers, o->workers == 1 ? "" : "s", o->seed,
           o->weak ? " (weak scaling: -n darts per worker)" : "");
    printf("[parent %ld] %d share%s, every one starting from the same generator state\n", me,
           o->workers, o->workers == 1 ? "" : "s");
    print_estimate(me, inside, total);
    if (o->workers > 1)
        printf("[parent %ld] but only %" PRIu64
               " of those darts were different: the error of %" PRIu64 " darts\n",
               me, share, share);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    struct pi_options o = {.accepts = "jnswcq",
                           .about = "The fork + RNG bug: W workers, every one starting from the "
                                    "same seeded generator.",
                           .examples = "-j 4 -n 10M\n-q"};
    pi_parse(argc, argv, &o);
    uint64_t total = pi_total(&o);

    size_t tasks = (size_t)o.workers;
    struct block *shares = same_seed_shares(o.seed, total, tasks);
    uint64_t *hits = calloc(tasks, sizeof *hits);
    if (hits == NULL)
        die("calloc");
    interrupt_install(); /* Ctrl-C or kill: the map returns, workers reaped */
    struct pool *pool = pool_create(&(struct pool_options){.workers = o.workers});
    if (pool == NULL)
        die("pool_create");
    double t0 = timing_now();
    map_or_stop(pool, shares, tasks, hits, &(struct pool_map_options){0});
    double seconds = timing_now() - t0;
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);

    uint64_t inside = 0;
    for (size_t w = 0; w < tasks; w++)
        inside += hits[w];
    double estimate = 4.0 * (double)inside / (double)total;
    if (o.csv) {
        print_csv(o.workers, total, seconds, inside);
    } else if (!o.quiet) {
        narrate(&o, total, inside, shares[0].darts);
    }
    if (!o.csv)
        printf("%s: pi ~ %.7f (error %.7f) from %" PRIu64 " darts with %d worker%s, all from one "
               "seed\n",
               report_program(), estimate, fabs(estimate - M_PI), total, o.workers,
               o.workers == 1 ? "" : "s");
    free(hits);
    free(shares);
    return 0;
}
