/* SPDX-License-Identifier: MIT */
/*
 * 5_uneven_schedule.c - 40 tasks of uneven cost (2 to 8 ms of CPU, growing
 * with the index, like files sorted by size), mapped with chunksize=1 and
 * with ceil(40 / workers), one chunk per worker; the best of 3 runs each.
 * Usage: 5_uneven_schedule [-j N] [--seed S] [--timeline FILE]
 * Look for: the gap between the busiest and the least busy worker.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "cli.h"
#include "opts.h"
#include "pool.h"
#include "report.h"
#include "rng.h"
#include "team.h"
#include "timing.h"
#include "verdict.h"

#define TASKS 40
#define RUNS  3

static int spin_task(const void *arg, void *result, struct pool_task *task) /* burn arg s */
{
    (void)task;
    *(double *)result = timing_spin(*(const double *)arg);
    return 0;
}

static struct pool *pool;
static int workers;
static double cost[TASKS]; /* seconds of CPU per task */
static FILE *timeline;     /* --timeline FILE, or NULL */

struct schedule { /* one map: its chunks, its time, its busiest and least busy worker */
    struct pool_chunk chunks[TASKS];
    size_t count;
    double t0, wall, busiest, least, busy[TASKS]; /* seconds; busy: per worker */
};

static void note_chunk(const struct pool_chunk *chunk, void *udata)
{
    struct schedule *s = udata;
    if (s->count < TASKS && chunk->worker >= 0 && chunk->worker < TASKS) {
        s->chunks[s->count++] = *chunk;
        s->busy[chunk->worker] += chunk->finished - chunk->started;
    }
}

static void run_map(size_t chunksize, struct schedule *s)
{
    double out[TASKS];
    *s = (struct schedule){.t0 = timing_now()};
    struct pool_map_options o = {.chunksize = chunksize, .on_chunk = note_chunk, .udata = s};
    if (pool_map(pool, spin_task, cost, TASKS, sizeof cost[0], out, sizeof out[0], &o) != 0)
        die_msg("map failed: %s", pool_last_failure(pool)->message);
    s->wall = timing_now() - s->t0;
    s->busiest = 0, s->least = s->wall;
    for (int w = 0; w < workers && w < TASKS; w++) {
        s->busiest = s->busy[w] > s->busiest ? s->busy[w] : s->busiest;
        s->least = s->busy[w] < s->least ? s->busy[w] : s->least;
    }
}

/* The best of RUNS maps: one line, and its chunks in the timeline file. */
static void best_map(size_t chunksize, struct schedule *best)
{
    run_map(chunksize, best);
    for (int run = 1; run < RUNS; run++) {
        struct schedule s;
        run_map(chunksize, &s);
        if (s.wall < best->wall)
            *best = s;
    }
    printf("chunksize %2zu: %2zu chunks, done in %.3f s (best of %d); busiest worker %.3f s, "
           "least busy %.3f s\n",
           chunksize, best->count, best->wall, RUNS, best->busiest, best->least);
    for (size_t k = 0; timeline != NULL && k < best->count; k++) {
        const struct pool_chunk *ch = &best->chunks[k];
        fprintf(timeline, "%zu %d %ld %zu %zu %zu %.3f %.3f\n", chunksize, ch->worker,
                (long)ch->pid, ch->number, ch->first, ch->count, (ch->started - best->t0) * 1e3,
                (ch->finished - best->t0) * 1e3);
    }
    if (timeline != NULL)
        fprintf(timeline, "\n\n"); /* the next data set: gnuplot's index */
}

static double make_costs(uint64_t seed) /* 2 + 6 i/39 ms, times 0.75 to 1.25 at random */
{
    double total = 0;
    struct rng r;
    rng_seed(&r, seed);
    for (int i = 0; i < TASKS; i++) {
        cost[i] = (2.0 + 6.0 * i / (TASKS - 1)) * (0.75 + 0.5 * rng_uniform(&r)) / 1e3;
        total += cost[i];
    }
    return total;
}

int main(int argc, char **argv)
{
    long long j = cpus_for_pool(), seed = 1;
    const char *path = NULL;
    const struct flag flags[] = {
        FLAG_WORKERS(&j, "workers (default: CPUs)"),
        {0, FLAG_INT, "seed", "S", "seed of the task costs (default 1)", 0, INT64_MAX, &seed},
        {0, FLAG_TEXT, "timeline", "FILE", "write each chunk's worker and times to FILE", 0, 0,
         &path},
        OPTS_END("-j 2\n--seed 3 --timeline timeline.dat"),
    };
    opts_parse(argc, argv, NULL, "40 uneven tasks: chunksize 1 against one chunk per worker.",
               flags);
    /* opened before any work: a bad path stops us at once */
    if (path != NULL && (*path == '\0' || (timeline = fopen(path, "w")) == NULL))
        usage_error("invalid value '%s' for --timeline: %s%s", cli_excerpt(path),
                    *path ? "cannot write it: " : "no file name", *path ? strerror(errno) : "");
    workers = (int)j;
    double total = make_costs((uint64_t)seed);
    printf("[parent %ld] %d tasks on %d workers; task i burns about 2 + 6 i/%d ms of CPU, "
           "%.3f s in all: %.3f s per worker if shared evenly\n",
           (long)getpid(), TASKS, workers, TASKS - 1, total, total / workers);
    if (fflush(NULL) != 0) /* stdout and the timeline, before fork: no copy in a worker */
        die("fflush");
    if ((pool = pool_create(&(struct pool_options){.workers = workers})) == NULL)
        die("pool_create");
    struct schedule small, large;
    size_t big = (TASKS + (size_t)workers - 1) / (size_t)workers;
    best_map(1, &small);
    best_map(big, &large);
    pool_destroy(pool); /* every map has returned: nothing is pending */
    if (timeline != NULL && fclose(timeline) != 0)
        die("fclose");
    else if (timeline != NULL)
        printf("[parent %ld] timeline written to %s (03_pool_map/timeline.gp draws it)\n",
               (long)getpid(), path);
    printf("[parent %ld] chunksize 1 against chunksize %zu: %s\n", (long)getpid(), big,
           verdict_compare(large.wall, small.wall, "chunksize 1 was faster",
                           "chunksize 1 was slower"));
    double gap1 = small.busiest - small.least, gap = large.busiest - large.least;
    printf("[parent %ld] busiest minus least busy worker: %.3f s (chunksize 1), %.3f s (%zu): %s\n",
           (long)getpid(), gap1, gap, big,
           gap > gap1 + 0.01 ? "one chunk each left a straggler" : "no straggler showed this time");
    team_print_busy(); /* "[parent P] this machine is busy ...", or nothing */
    return 0;
}
