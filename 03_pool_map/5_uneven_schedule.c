/* SPDX-License-Identifier: MIT */
/*
 * 5_uneven_schedule.c - see the schedule: 40 tasks of uneven cost (2 to 8
 * ms of CPU, growing with the index, as when files are sorted by size),
 * mapped with chunksize 1 and with one chunk per worker, best of 3 runs each.
 *
 *     pool.map(spin, costs, chunksize=1)                         # dynamic
 *     pool.map(spin, costs, chunksize=ceil(len(costs) / workers))  # static
 *
 * Usage: 5_uneven_schedule [-j N] [--seed S] [--timeline FILE]
 * Look for: with one chunk per worker, the worker holding the expensive tail
 * works longer than the others (the gap between the busiest and the least
 * busy); with chunksize 1 a free worker takes the next task. --timeline FILE
 * writes each best run's chunks for 03_pool_map/timeline.gp.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "pool.h"
#include "report.h"
#include "rng.h"
#include "timing.h"
#include "verdict.h"

#define TASKS 40
#define RUNS  3
#define MAXW  64

/* The argument is the task's cost in seconds: burn that much CPU. */
static int spin_task(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    *(double *)result = timing_spin(*(const double *)arg);
    return 0;
}

/* One map's schedule: its chunks (from on_chunk) and what they add up to. */
struct schedule {
    struct pool_chunk chunks[TASKS];
    size_t count;
    double t0, wall, busiest, least; /* seconds */
};

static void note_chunk(const struct pool_chunk *chunk, void *udata)
{
    struct schedule *s = udata;
    if (s->count < TASKS)
        s->chunks[s->count++] = *chunk;
}

static void run_map(struct pool *pool, int workers, const double *cost, size_t chunksize,
                    struct schedule *s)
{
    double out[TASKS], busy[MAXW] = {0};
    *s = (struct schedule){.t0 = timing_now()};
    if (pool_map(pool, spin_task, cost, TASKS, sizeof cost[0], out, sizeof out[0],
                 &(struct pool_map_options){
                     .chunksize = chunksize, .on_chunk = note_chunk, .udata = s}) != 0)
        die_msg("map failed: %s", pool_last_failure(pool)->message);
    s->wall = timing_now() - s->t0;
    for (size_t k = 0; k < s->count; k++)
        if (s->chunks[k].worker >= 0 && s->chunks[k].worker < MAXW)
            busy[s->chunks[k].worker] += s->chunks[k].finished - s->chunks[k].started;
    s->busiest = 0, s->least = s->wall;
    for (int w = 0; w < workers && w < MAXW; w++) {
        s->busiest = busy[w] > s->busiest ? busy[w] : s->busiest;
        s->least = busy[w] < s->least ? busy[w] : s->least;
    }
}

/* The best of RUNS maps with this chunksize: one line, and its chunks in
 * the timeline file (one data set, gnuplot's "index"). */
static double best_map(struct pool *pool, int workers, const double *cost, size_t chunksize,
                       FILE *timeline, struct schedule *best)
{
    struct schedule s;
    for (int run = 0; run < RUNS; run++) {
        run_map(pool, workers, cost, chunksize, &s);
        if (run == 0 || s.wall < best->wall)
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
        fprintf(timeline, "\n\n");
    return best->wall;
}

/* --timeline FILE, taken out of argv before opts_parse sees the rest, and
 * opened at once: a bad path is named before any work is done. */
static FILE *open_timeline(int *argc, char **argv, const char **path)
{
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--timeline") != 0)
            continue;
        if (i + 1 >= *argc || argv[i + 1][0] == '\0')
            usage_error("--timeline: missing file name");
        *path = argv[i + 1];
        memmove(&argv[i], &argv[i + 2], (size_t)(*argc - i - 1) * sizeof *argv);
        *argc -= 2;
        FILE *f = fopen(*path, "w");
        if (f == NULL)
            usage_error("--timeline: cannot write %s: %s", *path, strerror(errno));
        fprintf(f, "# 5_uneven_schedule --timeline: one line per chunk, times in ms from the "
                   "start of the map\n# chunksize worker pid chunk first count start end\n");
        return f;
    }
    return NULL;
}

static void finish_timeline(FILE *timeline, const char *path)
{
    if (timeline == NULL)
        return;
    if (fclose(timeline) != 0)
        die("fclose");
    printf("[parent %ld] timeline written to %s; draw it with: gnuplot -e \"data='%s'\" "
           "03_pool_map/timeline.gp\n",
           (long)getpid(), path, path);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    const char *path = NULL;
    FILE *timeline = open_timeline(&argc, argv, &path);
    long long workers = cpus_for_pool(), seed = 1;
    const struct flag flags[] = {
        {'j', "workers", "N", "worker processes (default: usable CPUs)", FLAG_INT, 1,
         pool_max_workers(), &workers},
        {0, "seed", "S", "seed of the task costs (default 1)", FLAG_INT, 0, INT64_MAX, &seed},
        {0},
    };
    opts_parse(argc, argv, "[-j N] [--seed S] [--timeline FILE]",
               "40 uneven tasks, chunksize 1 against one chunk per worker; --timeline FILE "
               "writes the chunks for timeline.gp",
               flags);
    int w = (int)workers;
    double cost[TASKS], total = 0;
    struct rng r;
    rng_seed(&r, (uint64_t)seed);
    for (int i = 0; i < TASKS; i++) { /* 2 to 8 ms, shuffled a little by the seed */
        cost[i] = (2.0 + 6.0 * i / (TASKS - 1)) * (0.75 + 0.5 * rng_uniform(&r)) / 1e3;
        total += cost[i];
    }
    printf("[parent %ld] %d tasks on %d workers; task i burns about 2 + 6 i/%d ms of CPU, "
           "%.3f s in all: %.3f s per worker if shared evenly\n",
           (long)getpid(), TASKS, w, TASKS - 1, total, total / w);
    fflush(stdout);
    if (timeline != NULL && fflush(timeline) != 0) /* before fork: no copy in a worker */
        die("fflush");
    struct pool *pool = pool_create(&(struct pool_options){.workers = w});
    if (pool == NULL)
        die("pool_create");
    struct schedule small, large;
    size_t big = (TASKS + (size_t)w - 1) / (size_t)w;
    double t1 = best_map(pool, w, cost, 1, timeline, &small);
    double tbig = best_map(pool, w, cost, big, timeline, &large);
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
    finish_timeline(timeline, path);
    printf("[parent %ld] chunksize 1 against chunksize %zu: %s\n", (long)getpid(), big,
           verdict_compare(tbig, t1, "chunksize 1 finished sooner",
                           "one chunk per worker finished sooner"));
    double gap1 = small.busiest - small.least, gapbig = large.busiest - large.least;
    printf("[parent %ld] busiest minus least busy worker: %.3f s with chunksize 1, %.3f s with "
           "chunksize %zu: %s\n",
           (long)getpid(), gap1, gapbig, big,
           gapbig > gap1 + 0.010 ? "one chunk per worker left a straggler"
                                 : "no straggler showed in this run");
    char prefix[32];
    snprintf(prefix, sizeof prefix, "[parent %ld] ", (long)getpid());
    verdict_print_busy(stdout, prefix);
    return 0;
}
