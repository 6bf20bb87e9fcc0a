/* SPDX-License-Identifier: MIT */
/*
 * 03.3_longest_first.c - exercise: beat the straggler. Send the most
 * expensive tasks first, then put the results back in input order.
 * Usage: 03.3_longest_first [-j N] [-n N]
 * Look at the gap between the busiest and the least busy worker in each
 * order, then at the two checks of your map_longest_first().
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

enum { MAX_WORKERS = 64 }; /* struct trace keeps this many workers' times */

struct job { /* one job: its place in the input, its cost, and its answer */
    size_t id;
    long cost_ms;
    long value; /* filled in by work(): the job comes back as its own answer */
};

/* The task: burn the job's cost in CPU, then answer id * id. */
static int work(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    struct job answer = *(const struct job *)arg;
    timing_spin((double)answer.cost_ms / 1e3);
    answer.value = (long)(answer.id * answer.id);
    memcpy(result, &answer, sizeof answer);
    return 0;
}

struct trace {                /* what the parent sees of a map, via on_chunk */
    long *sent;               /* sent[p]: the cost of the p-th job sent */
    size_t chunks;            /* results that came back */
    double busy[MAX_WORKERS]; /* CPU seconds each worker spent on jobs */
};

static void note_chunk(const struct pool_chunk *chunk, void *udata)
{
    struct trace *t = udata;
    for (size_t j = 0; j < chunk->count; j++)
        t->sent[chunk->first + j] = ((const struct job *)chunk->results)[j].cost_ms;
    t->chunks += chunk->count;
    if (chunk->worker >= 0 && chunk->worker < MAX_WORKERS)
        t->busy[chunk->worker] += chunk->finished - chunk->started;
}

static int by_cost_then_id(const void *a, const void *b)
{
    const struct job *x = a, *y = b;
    if (x->cost_ms != y->cost_ms)
        return x->cost_ms > y->cost_ms ? -1 : 1; /* the dearest first */
    return x->id < y->id ? -1 : x->id > y->id;
}

/* answers = pool.map(work, sorted(jobs, key=cost, reverse=True)), put back in
 * input order. Pass `options` to pool_map unchanged (chunksize 1, and it
 * watches the map); return what pool_map returned. */
static int map_longest_first(struct pool *pool, const struct job *jobs, size_t n,
                             struct job *answers, const struct pool_map_options *options)
{
#ifdef SOLUTION
    struct job *sorted = malloc(n * sizeof *sorted), *got = malloc(n * sizeof *got);
    if (sorted == NULL || got == NULL)
        die("malloc");
    memcpy(sorted, jobs, n * sizeof *sorted); /* a copy: the caller's jobs stay in order */
    qsort(sorted, n, sizeof *sorted, by_cost_then_id);
    int rc = pool_map(pool, work, sorted, n, sizeof *sorted, got, sizeof *got, options);
    for (size_t j = 0; rc == 0 && j < n; j++) /* got[j] answers sorted[j], job got[j].id */
        answers[got[j].id] = got[j];
    free(got), free(sorted);
    return rc;
#else
    /* TODO: this maps the jobs as given. Instead map a copy of them, sorted
     * with by_cost_then_id (most expensive first), into answers of your
     * own; then put each answer where it belongs: answers[i] must answer
     * jobs[i], and each answer carries its job's id. Free what you allocate. */
    (void)by_cost_then_id;
    return pool_map(pool, work, jobs, n, sizeof jobs[0], answers, sizeof answers[0], options);
#endif
}

/* Run one map, in the given order or longest first; print how it went. */
static void timed_map(struct pool *pool, const char *label, bool longest, const struct job *jobs,
                      size_t n, struct job *answers, struct trace *t)
{
    *t = (struct trace){.sent = t->sent};
    memset(t->sent, -1, n * sizeof *t->sent); /* every byte 0xff: every cost -1, none sent */
    struct pool_map_options options = {.chunksize = 1, .on_chunk = note_chunk, .udata = t};
    double t0 = timing_now();
    int rc = longest ? map_longest_first(pool, jobs, n, answers, &options)
                     : pool_map(pool, work, jobs, n, sizeof jobs[0], answers, sizeof answers[0],
                                &options);
    double took = timing_now() - t0, most = 0, least = INFINITY;
    if (rc != 0)
        die_msg("map failed: %s", pool_last_failure(pool)->message);
    for (int w = 0; w < pool_workers(pool); w++)
        most = fmax(most, t->busy[w]), least = fmin(least, t->busy[w]);
    printf("%-14s done in %.3f s; busiest worker %.3f s, least busy %.3f s\n", label, took, most,
           least);
}

/* Longest first: each job back once, sent dearest first, answers in input order? */
static bool check_longest_first(const struct trace *t, const struct job *jobs,
                                const struct job *answers, size_t n)
{
    bool sorted = t->chunks == n, in_order = true;
    for (size_t i = 0; i < n; i++) {
        sorted = sorted && t->sent[i] >= 0 && (i == 0 || t->sent[i] <= t->sent[i - 1]);
        in_order = in_order && answers[i].id == i && answers[i].cost_ms == jobs[i].cost_ms &&
                   answers[i].value == (long)(i * i);
    }
    printf("[parent] longest first gave the pool the dearest jobs first: %s\n"
           "[parent] longest first's answers are in input order and right: %s\n",
           sorted ? "yes" : "NO", in_order ? "yes" : "NO");
    return sorted && in_order;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long workers = 2, count = 24;
    int most = pool_max_workers() < MAX_WORKERS ? pool_max_workers() : MAX_WORKERS;
    const struct flag flags[] = {
        {'j', FLAG_INT, "workers", "N", "workers (default 2)", 1, most, &workers},
        {'n', FLAG_COUNT, NULL, "N", "jobs (default 24)", 1, 200, &count},
        OPTS_END("-j 4 -n 100"),
    };
    opts_parse(argc, argv, "[-j N] [-n N]", "Map uneven jobs in order, then longest first.", flags);
    size_t n = (size_t)count, big = n / 8 > 0 ? n / 8 : 1;

    struct pool *pool = pool_create(&(struct pool_options){.workers = (int)workers});
    if (pool == NULL)
        die("pool_create");
    struct job *jobs = malloc(n * sizeof *jobs), *answers = malloc(n * sizeof *answers);
    struct trace t = {.sent = malloc(n * sizeof *t.sent)};
    if (jobs == NULL || answers == NULL || t.sent == NULL)
        die("malloc");
    long total_ms = 0;
    for (size_t i = 0; i < n; i++) { /* the last n/8 (at least one) cost 60 ms, the others 2-7 */
        jobs[i] = (struct job){.id = i, .cost_ms = i >= n - big ? 60 : 2 + (long)(i * 7 % 6)};
        total_ms += jobs[i].cost_ms;
    }
    printf("[parent] %zu %s on %lld %s, chunksize 1; 60 ms each for the last %zu, 2-7 ms for the "
           "others: %ld ms in all, %.0f ms per worker if shared evenly\n",
           n, n == 1 ? "job" : "jobs", workers, workers == 1 ? "worker" : "workers", big, total_ms,
           (double)total_ms / (double)workers);
    timed_map(pool, "given order:", false, jobs, n, answers, &t);
    memset(answers, 0, n * sizeof *answers);
    timed_map(pool, "longest first:", true, jobs, n, answers, &t);
    bool ok = check_longest_first(&t, jobs, answers, n);
    free(t.sent), free(answers), free(jobs);
    pool_destroy(pool); /* as `with Pool(...)` ends: terminate() (every map has returned) */
    return ok ? 0 : 1;
}
