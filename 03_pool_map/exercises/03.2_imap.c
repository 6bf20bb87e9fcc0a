/* SPDX-License-Identifier: MIT */
/*
 * 03.2_imap.c - exercise: Python's pool.imap. Results in input order, each
 * printed as soon as it and every result before it have arrived, while the
 * map is still running.
 *
 * Usage: 03.2_imap [-j N] [-n N] [--chunksize C]
 *
 * pool.map returns when every result is in. imap_unordered hands out results
 * as they come, in any order. imap does both halves: results as early as
 * possible, but in input order. Here item i is x = i, the task computes x*x,
 * and item i costs (7 - i % 8) ms, so within each group of 8 the later items
 * finish first and arrive out of order. The pool calls on_chunk in the
 * parent as each chunk arrives (the program prints an "arrived" line); your
 * imap_on_chunk() must print every result that can be printed now, in input
 * order, with print_result(). At the end the program says how many results
 * were printed while the map ran and how many had to wait for an earlier one.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

static const char usage_text[] =
    "Usage: 03.2_imap [-j N] [-n N] [--chunksize C]\n"
    "Map x*x over range(N), and print the results in input order as soon as\n"
    "each can be printed: Python's pool.imap.\n"
    "\n"
    "  -j, --workers N   workers (default 2)\n"
    "  -n N              items (default 12)\n"
    "      --chunksize C items per chunk (default 1)\n"
    "  -h, --help        this text\n";

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
    /* bookkeeping for the summary (print_result and trace_chunk use it) */
    size_t callbacks, printed, in_order;
    size_t *arrived_in; /* the callback in which item i arrived */
    size_t waited;      /* items printed in a later callback than their own */
    size_t prefix;      /* items 0 .. prefix-1 have all arrived */
    size_t late;        /* callbacks that left a printable result unprinted */
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
 *
 * Called in the parent each time a chunk of results arrives (in completion
 * order): chunk->count results for items chunk->first, chunk->first + 1, ...
 * at chunk->results (one long each). Record them in s->values and
 * s->arrived, then print with print_result(s, i, value) every result that
 * can be printed now: item s->next, if it has arrived, then the next one...
 */
static void imap_on_chunk(const struct pool_chunk *chunk, struct imap_state *s)
{
#ifdef SOLUTION
    const long *results = chunk->results;
    for (size_t j = 0; j < chunk->count; j++) {
        s->values[chunk->first + j] = results[j];
        s->arrived[chunk->first + j] = true;
    }
    /* Everything before s->next is printed; print on while the next one
     * has arrived. A later item that arrived early waits here. */
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
    (void)chunk;
    (void)s;
    (void)print_result;
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
    /* Could more have been printed? Everything up to the first item that
     * has not arrived yet could. */
    while (s->prefix < s->items && s->arrived_in[s->prefix] != 0)
        s->prefix++;
    if (s->printed < s->prefix)
        s->late++;
}

struct settings {
    int workers;
    size_t items;
    size_t chunksize;
};

static void parse_options(int argc, char **argv, struct settings *s)
{
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"chunksize", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *s = (struct settings){.workers = 2, .items = 12, .chunksize = 1};
    opterr = 0; /* getopt's errors are reported on one line, below */
    int c;
    while ((c = getopt_long(argc, argv, ":j:n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': s->workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': s->items = (size_t)cli_parse_count("-n", optarg, 1, 1000); break;
        case 'c': s->chunksize = (size_t)cli_parse_int("--chunksize", optarg, 1, 1000); break;
        case 'h': fputs(usage_text, stdout); exit(0);
        case ':': usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            if (optopt != 0)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    struct settings set;
    parse_options(argc, argv, &set);
    size_t n = set.items;

    fflush(stdout);
    struct pool *pool = pool_create(&(struct pool_options){.workers = set.workers});
    if (pool == NULL)
        die("pool_create");
    long *in = malloc(n * sizeof *in);
    long *out = malloc(n * sizeof *out);
    struct imap_state s = {
        .items = n,
        .arrived = calloc(n, sizeof *s.arrived),
        .values = calloc(n, sizeof *s.values),
        .arrived_in = calloc(n, sizeof *s.arrived_in),
    };
    if (in == NULL || out == NULL || s.arrived == NULL || s.values == NULL || s.arrived_in == NULL)
        die("malloc");
    for (size_t i = 0; i < n; i++)
        in[i] = (long)i;

    printf("[parent] imap(slow_square, range(%zu)), chunksize %zu, %d %s\n", n, set.chunksize,
           set.workers, set.workers == 1 ? "worker" : "workers");
    struct pool_map_options options = {
        .chunksize = set.chunksize, .on_chunk = trace_chunk, .udata = &s};
    if (pool_map(pool, slow_square, in, n, sizeof in[0], out, sizeof out[0], &options) != 0)
        die_msg("map failed: %s", pool_last_failure(pool)->message);
    size_t during = s.printed;
    printf("[parent] map returned: %zu of %zu results were printed while it "
           "ran, %zu in input order; %zu arrived early and waited for an "
           "earlier one\n",
           during, n, s.in_order, s.waited);

    printf("[parent] each result printed as soon as every earlier one had "
           "arrived: %s\n",
           s.late == 0 ? "yes" : "NO");
    bool right = s.printed == n && s.in_order == n;
    for (size_t i = 0; i < n; i++)
        right = right && s.arrived[i] && s.values[i] == out[i];
    printf("[parent] every result printed once, in order, and equal to "
           "map's: %s\n",
           right ? "yes" : "NO");

    free(s.arrived_in);
    free(s.values);
    free(s.arrived);
    free(out);
    free(in);
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
    return right && s.late == 0 ? 0 : 1;
}
