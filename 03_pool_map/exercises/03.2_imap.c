/* SPDX-License-Identifier: MIT */
/*
 * 03.2_imap.c - exercise: Python's pool.imap. Results in input order, each
 * printed as soon as every one before it is in, while the map still runs.
 * Usage: 03.2_imap [-j N] [-n N] [--chunksize C]
 *
 * You see an "arrived" line as each chunk of x*x comes back, the results
 * your imap_on_chunk() prints, and a summary: how many were printed while
 * the map ran, how many waited for an earlier one, and whether all is right.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "opts.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

/* Item i costs (7 - i % 8) ms: the later items of each 8 are quicker. */
static int slow_square(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    long x = *(const long *)arg;
    timing_spin((double)(7 - x % 8) * 1e-3);
    *(long *)result = x * x;
    return 0;
}

/* What imap keeps between two chunks. */
struct imap_state {
    size_t items;  /* how many items the map has */
    size_t next;   /* the next item to print: all before it are printed */
    bool *arrived; /* arrived[i]: item i's result has come back */
    long *values;  /* values[i]: item i's result, once arrived */
    /* the rest is for the summary (print_result and trace_chunk keep it) */
    size_t callbacks, printed, in_order; /* chunks so far, results printed, in order */
    size_t *arrived_in;                  /* the callback in which item i arrived */
    size_t waited;                       /* items printed in a later callback than their own */
    size_t prefix;                       /* items 0 .. prefix-1 have all arrived */
    size_t late;                         /* callbacks that left a printable result unprinted */
};

/* Print item i's result. Call it once per item, in input order. */
static void print_result(struct imap_state *s, size_t i, long value)
{
    printf("  result %zu: %ld\n", i, value);
    if (i == s->printed)
        s->in_order++;
    s->printed++;
    if (i < s->items && s->arrived_in[i] != s->callbacks)
        s->waited++;
}

/*
 * for x in pool.imap(slow_square, range(n)): print(x)
 * Called in the parent as each chunk of results arrives, in completion
 * order: chunk->count results (one long each, at chunk->results) for items
 * chunk->first, chunk->first + 1, ... Print each with print_result(s, i, value).
 */
static void imap_on_chunk(const struct pool_chunk *chunk, struct imap_state *s)
{
#ifdef SOLUTION
    const long *results = chunk->results;
    for (size_t j = 0; j < chunk->count; j++) {
        s->values[chunk->first + j] = results[j];
        s->arrived[chunk->first + j] = true;
    }
    /* An item that arrived before an earlier one waits here for it. */
    while (s->next < s->items && s->arrived[s->next]) {
        print_result(s, s->next, s->values[s->next]);
        s->next++;
    }
#else
    /* TODO: 1. copy this chunk's results into s->values and mark them in
     *          s->arrived (item chunk->first + j is results[j]);
     *       2. while item s->next has arrived, print it and move s->next on.
     * Do not wait for the map to end: the point is to print as early as
     * the order allows. */
    (void)chunk, (void)s, (void)print_result;
#endif
}

/* on_chunk as the pool calls it: narrate, then hand over to imap_on_chunk. */
static void trace_chunk(const struct pool_chunk *chunk, void *udata)
{
    struct imap_state *s = udata;
    s->callbacks++;
    for (size_t j = 0; j < chunk->count; j++)
        s->arrived_in[chunk->first + j] = s->callbacks;
    if (chunk->count == 1)
        printf("[parent] arrived: item %zu (worker %d)\n", chunk->first, chunk->worker);
    else
        printf("[parent] arrived: items %zu-%zu (worker %d)\n", chunk->first,
               chunk->first + chunk->count - 1, chunk->worker);
    imap_on_chunk(chunk, s);
    /* Everything up to the first item not yet arrived could be printed. */
    while (s->prefix < s->items && s->arrived_in[s->prefix] != 0)
        s->prefix++;
    s->late += s->printed < s->prefix;
}

/* Printed while the map ran, as early as possible, and equal to out[]? */
static bool summarise(const struct imap_state *s, const long *out)
{
    printf("[parent] map returned: %zu of %zu results were printed while it ran, %zu in input "
           "order; %zu arrived early and waited for an earlier one\n",
           s->printed, s->items, s->in_order, s->waited);
    printf("[parent] each result printed as soon as every earlier one had arrived: %s\n",
           s->late == 0 ? "yes" : "NO");
    bool right = s->printed == s->items && s->in_order == s->items;
    for (size_t i = 0; i < s->items; i++)
        right = right && s->arrived[i] && s->values[i] == out[i];
    printf("[parent] every result printed once, in order, and equal to map's: %s\n",
           right ? "yes" : "NO");
    return right && s->late == 0;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long workers = 2, items = 12, chunksize = 1;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "workers (default 2)"),
        {'n', FLAG_COUNT, NULL, "N", "items (default 12)", 1, 1000, &items},
        {0, FLAG_INT, "chunksize", "C", "items per chunk (default 1)", 1, 1000, &chunksize},
        OPTS_END("-j 3 -n 20 --chunksize 4"),
    };
    opts_parse(argc, argv, "[-j N] [-n N] [--chunksize C]",
               "pool.imap: x*x over range(N), in order, each printed when it can be.", flags);
    size_t n = (size_t)items;

    fflush(stdout);
    struct pool *pool = pool_create(&(struct pool_options){.workers = (int)workers});
    if (pool == NULL)
        die("pool_create");
    long *in = malloc(n * sizeof *in), *out = malloc(n * sizeof *out);
    struct imap_state s = {.items = n,
                           .arrived = calloc(n, sizeof *s.arrived),
                           .values = calloc(n, sizeof *s.values),
                           .arrived_in = calloc(n, sizeof *s.arrived_in)};
    if (in == NULL || out == NULL || s.arrived == NULL || s.values == NULL || s.arrived_in == NULL)
        die("malloc");
    for (size_t i = 0; i < n; i++)
        in[i] = (long)i;
    printf("[parent] imap(slow_square, range(%zu)), chunksize %lld, %lld %s\n", n, chunksize,
           workers, workers == 1 ? "worker" : "workers");
    struct pool_map_options options = {
        .chunksize = (size_t)chunksize, .on_chunk = trace_chunk, .udata = &s};
    if (pool_map(pool, slow_square, in, n, sizeof in[0], out, sizeof out[0], &options) != 0)
        die_msg("map failed: %s", pool_last_failure(pool)->message);
    bool ok = summarise(&s, out);
    free(s.arrived_in), free(s.values), free(s.arrived), free(out), free(in);
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
    return ok ? 0 : 1;
}
