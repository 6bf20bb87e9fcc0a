/* SPDX-License-Identifier: MIT */
/*
 * 03.3_longest_first.c - exercise: beat the straggler. Send the most
 * expensive tasks first, then put the results back in input order.
 *
 * Usage: 03.3_longest_first [-j N] [-n N]
 *
 * N jobs of uneven cost: most take 2-7 ms of CPU, and the last N/8 take
 * 60 ms each (think of files sorted by name, the big ones last). With
 * chunksize 1 the pool hands each job to whichever worker is free, in input
 * order, so the big jobs start last and one worker finishes long after the
 * others: a straggler. Sending the jobs longest first (the "LPT" rule) lets
 * the small ones fill in at the end. But map's results come back in the
 * order the jobs were sent, so they must be put back in input order. The
 * program runs both orders and prints how long each took and how busy the
 * workers were; your part is map_longest_first().
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

static const char usage_text[] =
    "Usage: 03.3_longest_first [-j N] [-n N]\n"
    "Map N jobs of uneven cost in input order, then longest first, and\n"
    "compare.\n"
    "\n"
    "  -j, --workers N   workers (default 2)\n"
    "  -n N              jobs (default 24)\n"
    "  -h, --help        this text\n";

/* One job: its position in the input, and what it costs. */
struct job {
    size_t id;
    long cost_ms;
};

/* One answer: which job it is for, what the job cost, and its value. */
struct answer {
    size_t id;
    long cost_ms;
    long value;
};

/* Most jobs cost 2-7 ms; the last n/8 (at least one) cost 60 ms. */
static long cost_of(size_t i, size_t n)
{
    size_t big = n / 8 > 0 ? n / 8 : 1;
    return i >= n - big ? 60 : 2 + (long)(i * 7 % 6);
}

/* The task: burn the job's cost in CPU, then answer id * id. */
static int work(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const struct job *job = arg;
    timing_spin((double)job->cost_ms / 1e3);
    struct answer answer;
    memset(&answer, 0, sizeof answer); /* no stale bytes travel */
    answer.id = job->id;
    answer.cost_ms = job->cost_ms;
    answer.value = (long)(job->id * job->id);
    memcpy(result, &answer, sizeof answer);
    return 0;
}

/* What the parent sees of a map, chunk by chunk (via on_chunk). */
struct trace {
    long *sent_cost; /* sent_cost[p]: cost of the p-th job sent */
    size_t chunks;   /* results that came back */
    double busy[64]; /* CPU seconds each worker spent on jobs */
    int workers;
};

static void note_chunk(const struct pool_chunk *chunk, void *udata)
{
    struct trace *t = udata;
    const struct answer *answers = chunk->results;
    for (size_t j = 0; j < chunk->count; j++)
        t->sent_cost[chunk->first + j] = answers[j].cost_ms;
    t->chunks += chunk->count;
    if (chunk->worker >= 0 && chunk->worker < t->workers)
        t->busy[chunk->worker] += chunk->finished - chunk->started;
}

static int by_cost_then_id(const void *a, const void *b)
{
    const struct job *x = a, *y = b;
    if (x->cost_ms != y->cost_ms)
        return x->cost_ms > y->cost_ms ? -1 : 1; /* the dearest first */
    return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * answers = pool.map(work, sorted(jobs, key=cost, reverse=True)), then
 * answers put back in input order.
 *
 * Map work over jobs[0 .. n-1] so that the pool is given the jobs most
 * expensive first, and leave in answers[i] the answer for jobs[i]. Pass
 * `options` to pool_map unchanged (it sets chunksize 1 and watches the
 * map). Return what pool_map returned.
 */
static int map_longest_first(struct pool *pool, const struct job *jobs, size_t n,
                             struct answer *answers, const struct pool_map_options *options)
{
#ifdef SOLUTION
    /* A sorted copy: the caller's jobs stay in input order. */
    struct job *sorted = malloc(n * sizeof *sorted);
    struct answer *got = malloc(n * sizeof *got);
    if (sorted == NULL || got == NULL)
        die("malloc"); /* the sorted copy and its answers */
    memcpy(sorted, jobs, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_cost_then_id);

    /* map keeps the order it is given: got[j] answers sorted[j]. */
    int rc = pool_map(pool, work, sorted, n, sizeof *sorted, got, sizeof *got, options);
    if (rc == 0) {
        /* Each answer carries its job's id, its place in the input (as
         * Python's enumerate() would): put it back there. */
        for (size_t j = 0; j < n; j++)
            answers[got[j].id] = got[j];
    }
    free(got);
    free(sorted);
    return rc;
#else
    /* TODO: this maps the jobs in input order, as given. Instead:
     *   1. copy the jobs into an array of your own and sort it, most
     *      expensive first (qsort with by_cost_then_id, above);
     *   2. pool_map over that array into an array of answers of your own;
     *   3. put every answer where it belongs in `answers`: the answer to
     *      the j-th job you sent is the answer for which input position?
     *      (Each answer carries its job's id.)
     * Free what you allocate. */
    (void)by_cost_then_id;
    return pool_map(pool, work, jobs, n, sizeof jobs[0], answers, sizeof answers[0], options);
#endif
}

/* Run one map with a trace; print how it went. */
static bool timed_map(struct pool *pool, const char *label, bool longest, const struct job *jobs,
                      size_t n, struct answer *answers, struct trace *t)
{
    memset(t->busy, 0, sizeof t->busy);
    t->chunks = 0;
    for (size_t p = 0; p < n; p++)
        t->sent_cost[p] = -1;
    struct pool_map_options options = {.chunksize = 1, .on_chunk = note_chunk, .udata = t};
    double t0 = timing_now();
    int rc = longest ? map_longest_first(pool, jobs, n, answers, &options)
                     : pool_map(pool, work, jobs, n, sizeof jobs[0], answers, sizeof answers[0],
                                &options);
    double took = timing_now() - t0;
    if (rc != 0)
        die_msg("map failed: %s", pool_last_failure(pool)->message);
    double most = 0, least = 1e9;
    for (int w = 0; w < t->workers; w++) {
        most = t->busy[w] > most ? t->busy[w] : most;
        least = t->busy[w] < least ? t->busy[w] : least;
    }
    printf("%-14s done in %.3f s; busiest worker %.3f s, least busy %.3f s\n", label, took, most,
           least);
    return true;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    report_set_program(argv[0]);
    int workers = 2;
    size_t n = 24;
    opterr = 0; /* getopt's errors are reported on one line, below */
    int c;
    while ((c = getopt_long(argc, argv, ":j:n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': /* at most 64: struct trace keeps 64 workers' times */
            workers = (int)cli_parse_int("-j", optarg, 1,
                                         pool_max_workers() < 64 ? pool_max_workers() : 64);
            break;
        case 'n': n = (size_t)cli_parse_count("-n", optarg, 1, 200); break;
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

    fflush(stdout);
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    struct job *jobs = malloc(n * sizeof *jobs);
    struct answer *answers = malloc(n * sizeof *answers);
    struct trace t = {.sent_cost = malloc(n * sizeof(long)), .workers = workers};
    if (jobs == NULL || answers == NULL || t.sent_cost == NULL)
        die("malloc");
    long total_ms = 0;
    for (size_t i = 0; i < n; i++) {
        jobs[i] = (struct job){.id = i, .cost_ms = cost_of(i, n)};
        total_ms += jobs[i].cost_ms;
    }
    size_t big = n / 8 > 0 ? n / 8 : 1;
    printf("[parent] %zu %s on %d %s, chunksize 1; 60 ms each for the last "
           "%zu, 2-7 ms for the others: %ld ms in all, %.0f ms per worker if "
           "shared evenly\n",
           n, n == 1 ? "job" : "jobs", workers, workers == 1 ? "worker" : "workers", big, total_ms,
           (double)total_ms / workers);

    timed_map(pool, "given order:", false, jobs, n, answers, &t);
    memset(answers, 0, n * sizeof *answers);
    timed_map(pool, "longest first:", true, jobs, n, answers, &t);

    /* What the trace saw: the p-th job sent never costs more than the one
     * before it, and every job came back once. */
    bool sorted = t.chunks == n;
    for (size_t p = 1; p < n; p++)
        sorted = sorted && t.sent_cost[p] >= 0 && t.sent_cost[p] <= t.sent_cost[p - 1];
    bool in_order = true;
    for (size_t i = 0; i < n; i++)
        in_order = in_order && answers[i].id == i && answers[i].cost_ms == jobs[i].cost_ms &&
                   answers[i].value == (long)(i * i);
    printf("[parent] longest first gave the pool the dearest jobs first: %s\n",
           sorted ? "yes" : "NO");
    printf("[parent] longest first's answers are in input order and right: "
           "%s\n",
           in_order ? "yes" : "NO");

    free(t.sent_cost);
    free(answers);
    free(jobs);
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
    return sorted && in_order ? 0 : 1;
}
