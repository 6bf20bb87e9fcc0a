/* SPDX-License-Identifier: MIT */
/*
 * 3_chunk_trace.c - how map splits the work: 20 items cut into chunks of
 * `chunksize` items, each chunk one task (one message to a worker, one back),
 * handed to whichever worker is free. Python's default chunksize, from
 * Lib/multiprocessing/pool.py (Pool._map_async):
 *
 *     chunksize, extra = divmod(len(iterable), len(self._pool) * 4)
 *     if extra: chunksize += 1
 *     pool.map(work_a_little, range(20))               # that rule
 *     pool.map(work_a_little, range(20), chunksize=7)  # your choice
 *
 * Usage: 3_chunk_trace [-j N] [--chunksize C]
 * Look for: which worker (pid) ran which chunk, and when; the workers need
 * not get the same number of chunks; every item is in exactly one chunk.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

#define ITEMS 20
#define MAXW  64

/* About 1 ms of CPU per item, so that every worker gets a share. */
static int work_a_little(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    timing_spin(0.001);
    *(long *)result = *(const long *)arg;
    return 0;
}

/* on_chunk: the parent keeps each finished chunk's record. */
struct trace {
    struct pool_chunk chunks[ITEMS];
    size_t count;
};

static void note_chunk(const struct pool_chunk *chunk, void *udata)
{
    struct trace *t = udata;
    if (t->count < ITEMS)
        t->chunks[t->count++] = *chunk;
}

static int by_number(const void *a, const void *b)
{
    const struct pool_chunk *x = a, *y = b;
    return (x->number > y->number) - (x->number < y->number);
}

/* Print the chunks in input order (how map hands them out) and what each
 * worker did; true if every item was in exactly one chunk, with its result. */
static bool print_trace(struct trace *t, const long *out, int workers, double t0)
{
    qsort(t->chunks, t->count, sizeof t->chunks[0], by_number);
    int seen[ITEMS] = {0};
    size_t chunks[MAXW] = {0}, items[MAXW] = {0};
    long pids[MAXW] = {0};
    for (size_t k = 0; k < t->count; k++) {
        const struct pool_chunk *ch = &t->chunks[k];
        printf("  chunk %zu: items %zu-%zu  worker %d pid %ld  %.1f-%.1f ms\n", ch->number,
               ch->first, ch->first + ch->count - 1, ch->worker, (long)ch->pid,
               (ch->started - t0) * 1e3, (ch->finished - t0) * 1e3);
        for (size_t i = ch->first; i < ch->first + ch->count; i++)
            seen[i]++;
        if (ch->worker >= 0 && ch->worker < MAXW) {
            chunks[ch->worker]++;
            items[ch->worker] += ch->count;
            pids[ch->worker] = (long)ch->pid;
        }
    }
    for (int w = 0; w < workers && w < MAXW; w++)
        printf("[parent %ld] worker %d pid %ld: chunks %zu, items %zu\n", (long)getpid(), w,
               pids[w], chunks[w], items[w]);
    bool once = true;
    for (int i = 0; i < ITEMS; i++)
        once = once && seen[i] == 1 && out[i] == i;
    printf("[parent %ld] every item 0-%d was in exactly one chunk: %s\n", (long)getpid(), ITEMS - 1,
           once ? "yes" : "NO");
    return once;
}

/* pool.map(work_a_little, range(20), chunksize), traced. */
static bool trace_map(struct pool *pool, int workers, size_t chunksize)
{
    long in[ITEMS], out[ITEMS];
    for (long i = 0; i < ITEMS; i++)
        in[i] = i;
    struct trace t = {.count = 0};
    double t0 = timing_now();
    if (pool_map(pool, work_a_little, in, ITEMS, sizeof in[0], out, sizeof out[0],
                 &(struct pool_map_options){
                     .chunksize = chunksize, .on_chunk = note_chunk, .udata = &t}) != 0)
        die_msg("map failed: %s", pool_last_failure(pool)->message);
    return print_trace(&t, out, workers, t0);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long workers = cpus_for_pool(), chosen = 0;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "worker processes (default: usable CPUs)"),
        {0, FLAG_COUNT, "chunksize", "C",
         "items per chunk in the second trace (default: 20 / workers)", 1, 50000000, &chosen},
        OPTS_END("-j 2\n-j 3 --chunksize 5"),
    };
    opts_parse(argc, argv, "[-j N] [--chunksize C]",
               "How Pool.map cuts 20 items into chunks, and who runs which.", flags);
    int w = (int)workers;
    long me = (long)getpid();
    size_t automatic = pool_default_chunksize(ITEMS, w);
    printf("[parent %ld] %d items, %d workers; Python's rule: chunksize = ceil(%d / (4 x %d "
           "workers)) = %zu, so %zu chunks\n",
           me, ITEMS, w, ITEMS, w, automatic, (ITEMS + automatic - 1) / automatic);
    fflush(stdout);
    struct pool *pool = pool_create(&(struct pool_options){.workers = w});
    if (pool == NULL)
        die("pool_create");
    bool ok = trace_map(pool, w, automatic);
    size_t c = chosen ? (size_t)chosen : (ITEMS + (size_t)w - 1) / (size_t)w;
    printf("[parent %ld] chunksize = %zu%s, so %zu chunks\n", me, c,
           chosen ? ", from --chunksize"
                  : ": one chunk per worker (choose another with --chunksize)",
           (ITEMS + c - 1) / c);
    ok = trace_map(pool, w, c) && ok;
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
    return ok ? 0 : 1;
}
