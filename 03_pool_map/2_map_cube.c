/* SPDX-License-Identifier: MIT */
/*
 * 2_map_cube.c - the library's Pool.map: the classic cube over 1..6, on a
 * pool of forked workers, results in input order whatever order the workers
 * finish in.
 *
 *     def cube(x): time.sleep((7 - x) * 0.03); return x ** 3
 *     with Pool(2) as pool:
 *         print(pool.map(cube, range(1, 7)))
 *
 * Usage: 2_map_cube [-j N]
 * Look for: the finishing order (small x sleep longest, so finish last) is
 * not 1 2 3 4 5 6; the list is, because map puts result i in slot i.
 */
#include <stdio.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

/* def cube(x): the sleep makes small x finish last. */
static int cube(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    long x = *(const long *)arg;
    timing_sleep(0.030 * (double)(7 - x));
    *(long *)result = x * x * x;
    return 0;
}

/* on_chunk runs in the parent as each chunk comes back, in completion order
 * (what iterating over imap_unordered would show in Python). */
struct finish_order {
    const long *input;
    long order[6];
    size_t done;
};

static void note_finish(const struct pool_chunk *chunk, void *udata)
{
    struct finish_order *f = udata;
    for (size_t i = 0; i < chunk->count && f->done < 6; i++)
        f->order[f->done++] = f->input[chunk->first + i];
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long workers = cpus_for_pool();
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "worker processes (default: usable CPUs)"),
        OPTS_END("-j 2"),
    };
    opts_parse(argc, argv, "[-j N]", "Pool.map(cube, range(1, 7)) in C.", flags);
    long in[6] = {1, 2, 3, 4, 5, 6}, out[6];
    struct finish_order f = {.input = in};
    long me = (long)getpid();

    printf("[parent %ld] pool.map(cube, range(1, 7)) on %lld workers; cube(x) first sleeps "
           "(7 - x) x 30 ms, so small x finish last\n",
           me, workers);
    fflush(stdout); /* the workers must not inherit a copy of the buffer */
    struct pool *pool = pool_create(&(struct pool_options){.workers = (int)workers});
    if (pool == NULL)
        die("pool_create");
    if (pool_map(pool, cube, in, 6, sizeof in[0], out, sizeof out[0],
                 &(struct pool_map_options){.on_chunk = note_finish, .udata = &f}) != 0)
        die_msg("map failed: %s", pool_last_failure(pool)->message);
    pool_close(pool); /* the end of the with block: close(), join() */
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);

    printf("[parent %ld] finished in this order:", me);
    for (size_t i = 0; i < f.done; i++)
        printf(" %ld", f.order[i]);
    printf("\n[");
    for (int i = 0; i < 6; i++)
        printf("%s%ld", i ? ", " : "", out[i]);
    printf("]\n[parent %ld] results come in input order, not finishing order: "
           "map puts result i in slot i\n",
           me);
    return 0;
}
