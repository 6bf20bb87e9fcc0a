/* SPDX-License-Identifier: MIT */
/*
 * 2_starmap_pairs.c - Pool.starmap: several arguments per task, a struct
 * where Python has a tuple. The pool copies each struct, byte for byte, to a
 * worker and puts each result back at its own index.
 *
 *     pairs = [(1, 2), (2, 3), ..., (6, 7)]
 *     pool.starmap(add, pairs)                # add(x, y) for each pair
 *     pool.starmap(power, pairs, chunksize=1)  # x ** y, one pair per task
 *
 * Usage: 2_starmap_pairs [-j N]
 * Look for: both result lists in input order, although the power tasks
 * finished in another order (printed: each sleeps 5 ms per pair after it).
 */
#include <stdio.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

#define NPAIRS 6

/* Python's tuple (x, y). It travels to the worker as bytes, so it holds
 * values, never pointers. */
struct pair {
    long x, y;
};

/* add(x, y) receives one struct, not two arguments. */
static int add(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const struct pair *p = arg;
    *(long *)result = p->x + p->y;
    return 0;
}

/* power(x, y) = x ** y, after sleeping 5 ms per pair left after this one,
 * so that the later pairs finish first. */
static int power(const void *arg, void *result, struct pool_task *task)
{
    const struct pair *p = arg;
    timing_sleep(0.005 * (double)(NPAIRS - 1 - task->index));
    long r = 1;
    for (long k = 0; k < p->y; k++)
        r *= p->x;
    *(long *)result = r;
    return 0;
}

/* on_chunk runs in the parent as each chunk's results arrive. */
struct finish_order {
    size_t order[NPAIRS], count;
};

static void record_finish(const struct pool_chunk *chunk, void *udata)
{
    struct finish_order *f = udata;
    for (size_t i = 0; i < chunk->count && f->count < NPAIRS; i++)
        f->order[f->count++] = chunk->first + i;
}

static void print_longs(const char *label, const long *v, size_t n)
{
    printf("[parent %ld] %s = [", (long)getpid(), label);
    for (size_t i = 0; i < n; i++)
        printf("%s%ld", i ? ", " : "", v[i]);
    printf("]\n");
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long workers = cpus_for_pool();
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "worker processes (default: usable CPUs)"),
        OPTS_END("-j 2"),
    };
    opts_parse(argc, argv, "[-j N]", "Pool.starmap over six (x, y) pairs, in C.", flags);
    struct pair pairs[NPAIRS];
    for (size_t i = 0; i < NPAIRS; i++)
        pairs[i] = (struct pair){(long)i + 1, (long)i + 2};
    long sums[NPAIRS], powers[NPAIRS];
    struct finish_order finished = {.count = 0};
    /* chunksize 1: one task per pair, so their finishing order shows */
    struct pool_map_options one_each = {
        .chunksize = 1, .on_chunk = record_finish, .udata = &finished};

    struct pool *pool = pool_create(&(struct pool_options){.workers = (int)workers});
    if (pool == NULL)
        die("pool_create");
    if (pool_starmap(pool, add, pairs, NPAIRS, sizeof pairs[0], sums, sizeof sums[0], NULL) != 0 ||
        pool_starmap(pool, power, pairs, NPAIRS, sizeof pairs[0], powers, sizeof powers[0],
                     &one_each) != 0) {
        char why[sizeof pool_last_failure(pool)->message];
        snprintf(why, sizeof why, "%s", pool_last_failure(pool)->message);
        pool_destroy(pool);
        die_msg("starmap failed: %s", why);
    }
    pool_close(pool); /* pool.close(); pool.join() */
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);

    printf("[parent %ld] a pool of %lld workers\n", (long)getpid(), workers);
    printf("[parent %ld] pairs = [", (long)getpid());
    for (size_t i = 0; i < NPAIRS; i++)
        printf("%s(%ld, %ld)", i ? ", " : "", pairs[i].x, pairs[i].y);
    printf("]\n");
    print_longs("starmap(add, pairs)  ", sums, NPAIRS);
    print_longs("starmap(power, pairs)", powers, NPAIRS);
    printf("[parent %ld] the power tasks finished in this order: [", (long)getpid());
    for (size_t i = 0; i < finished.count; i++)
        printf("%s%zu", i ? ", " : "", finished.order[i]);
    printf("] (later pairs sleep less)\n");
    return 0;
}
