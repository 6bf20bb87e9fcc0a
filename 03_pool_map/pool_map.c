/* SPDX-License-Identifier: MIT */
/*
 * pool_map.c - Pool.map in C: one function over a list, computed in chunks by
 * a pool of worker processes, results back in input order.
 *
 * Usage: pool_map [-j N] [-n N] [--chunksize C] [--seed S] [--files F]
 *                 [--timeline FILE] [--crash-task K] [-q]
 *
 * What you will see, one section each: the classic cube over 1..6; a trace of
 * which worker (pid) ran which chunk, for Python's automatic chunksize and for
 * one you choose; a chunksize sweep with throughput per chunksize; the
 * schedule of tasks of uneven cost (--timeline FILE saves it for gnuplot);
 * map-then-reduce word count over generated files; a sequential loop against
 * map with 1..N workers, with the speedup. -q maps a trivial function over
 * -n items and prints one summary line (for timing against Python);
 * --crash-task K makes task K kill its own worker, and the map fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "interrupt.h"
#include "pool.h"
#include "report.h"
#include "rng.h"
#include "timing.h"

/* --crash-task K. Set once, before any pool forks, so every worker has its
 * own copy: it is the only way to tell a task function something that is not
 * in its argument bytes. -1: no task crashes. */
static long long crash_task = -1;

struct settings {
    int workers;          /* -j */
    size_t items;         /* -n: items for the sweep, -q and --crash-task */
    size_t chunksize;     /* --chunksize; 0: Python's rule */
    uint64_t seed;        /* --seed: task costs and generated text */
    int files;            /* --files: text files for the word count */
    const char *timeline; /* --timeline FILE, or NULL */
    bool quiet;           /* -q */
};

/* What must be undone if the program stops early: the pool that is running
 * and the temporary directory of the word count. */
struct cleanup {
    struct pool *pool;
    char dir[256]; /* "" when there is none */
    int files;     /* files that may exist in dir */
};

static long parent_pid;

/* ------------------------------------------------------------------ */
/* Stopping cleanly                                                    */
/* ------------------------------------------------------------------ */

static void file_path(char *buf, size_t size, const char *dir, int i)
{
    int n = snprintf(buf, size, "%s/text-%02d.txt", dir, i);
    if (n < 0 || (size_t)n >= size)
        die_msg("path too long: %s", dir);
}

static void remove_dir(struct cleanup *c)
{
    if (c->dir[0] == '\0')
        return;
    for (int i = 0; i < c->files; i++) {
        char path[300];
        file_path(path, sizeof path, c->dir, i);
        if (unlink(path) != 0 && errno != ENOENT)
            warn_errno("unlink");
    }
    if (rmdir(c->dir) != 0)
        warn_errno("rmdir");
    c->dir[0] = '\0';
}

/* Ctrl-C or SIGTERM arrived: stop the workers, remove the files, and die of
 * the same signal (what Python does with KeyboardInterrupt + finally:). */
static _Noreturn void stop_interrupted(struct cleanup *c)
{
    pool_destroy(c->pool); /* terminate: SIGTERM, reap every worker */
    c->pool = NULL;
    remove_dir(c);
    fflush(stdout);
    interrupt_exit();
}

static void check_interrupt(struct cleanup *c)
{
    if (interrupt_requested())
        stop_interrupted(c);
}

/* Every map in this program goes through here: a map that fails ends the
 * program, with the pool's own account of what happened. */
static void map_or_exit(struct cleanup *c, pool_task_fn fn, const void *args, size_t items,
                        size_t arg_size, void *results, size_t result_size,
                        const struct pool_map_options *o)
{
    if (pool_map(c->pool, fn, args, items, arg_size, results, result_size, o) == 0)
        return;
    if (errno == EINTR && interrupt_requested())
        stop_interrupted(c);
    if (errno != ECANCELED)
        die("pool_map");
    /* ECANCELED: a task failed. pool_last_failure() says which and why,
     * e.g. "task 7 failed: worker 0 (pid 4250) was killed by SIGKILL". */
    fflush(stdout);
    fprintf(stderr, "%s: map failed: %s\n", report_program(), pool_last_failure(c->pool)->message);
    pool_destroy(c->pool);
    c->pool = NULL;
    remove_dir(c);
    exit(EXIT_FAILURE);
}

/* Pool(processes=workers); the parent's stdout is flushed first so the
 * workers do not inherit (and one day print) a copy of its buffer. */
static void start_pool(struct cleanup *c, int workers)
{
    fflush(stdout);
    c->pool = pool_create(&(struct pool_options){.workers = workers});
    if (c->pool == NULL)
        die("pool_create");
}

/* with Pool(...) as pool: ... ends with close() and join(). */
static void stop_pool(struct cleanup *c)
{
    pool_close(c->pool);
    while (pool_join(c->pool) != 0) {
        if (errno != EINTR)
            die("pool_join");
        check_interrupt(c);
    }
    pool_destroy(c->pool);
    c->pool = NULL;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (p == NULL)
        die("calloc");
    return p;
}

/* ------------------------------------------------------------------ */
/* The trivial task: square (for the sweep, -q and --crash-task)       */
/* ------------------------------------------------------------------ */

/* def square(x): return x * x
 * The items are 32-bit (-n is at most 50 million): every byte of an argument
 * is copied to a worker, so half the bytes is half the copying. The square
 * is 64-bit, and the checksum of any count of them is taken modulo 2^64,
 * where unsigned arithmetic wraps (Python: sum(...) % 2**64). */
static int square(const void *arg, void *result, struct pool_task *task)
{
    if ((long long)task->index == crash_task)
        raise(SIGKILL); /* what the kernel's OOM killer does to a process */
    uint64_t x = *(const uint32_t *)arg;
    *(uint64_t *)result = x * x;
    return 0;
}

/* Memory for a big array (the sweep's and -q's megabytes). When the task
 * costs nothing, a map's cost is moving bytes, and a fresh array costs a page
 * fault per 4 KB page on first touch: 6000 faults for -q's 24 MB. Aligned to
 * 2 MB and marked MADV_HUGEPAGE, the kernel may map it in 2 MB pages, one
 * fault each (Linux's transparent huge pages). The advice is only a hint: if
 * the kernel refuses it, the array still works, with small pages. */
static void *big_array(size_t bytes)
{
    size_t huge = (size_t)2 << 20;
    size_t rounded = (bytes + huge - 1) / huge * huge;
    void *p;
    int rc = posix_memalign(&p, huge, rounded);
    if (rc != 0)
        die_code("posix_memalign", rc);
    if (madvise(p, rounded, MADV_HUGEPAGE) != 0 && errno != EINVAL)
        die("madvise"); /* EINVAL: a kernel without huge pages */
    return p;
}

/* range(n) */
static uint32_t *range_array(size_t n)
{
    uint32_t *a = big_array(n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i] = (uint32_t)i;
    return a;
}

static uint64_t checksum(const uint64_t *v, size_t n)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    return sum;
}

/* -q: pool.map(square, range(n)) and one line; nothing else is printed, so
 * the run can be timed against pool_map.py -q. */
static void quiet_run(const struct settings *s, struct cleanup *c)
{
    /* The pool first: a fork copies the parent's page tables, so forking
     * before the arrays exist (24 MB for 2 million items) is cheaper (and
     * Python's Pool() is usually made before the data too). */
    start_pool(c, s->workers);
    uint32_t *in = range_array(s->items);
    uint64_t *out = big_array(s->items * sizeof *out);
    map_or_exit(c, square, in, s->items, sizeof *in, out, sizeof *out,
                &(struct pool_map_options){.chunksize = s->chunksize});
    stop_pool(c);
    printf("map(square, range(%zu)): %zu items, checksum %llu\n", s->items, s->items,
           (unsigned long long)checksum(out, s->items));
    free(in);
    free(out);
}

/* --crash-task K: the same map, but task K raises SIGKILL in its worker. */
static void crash_run(const struct settings *s, struct cleanup *c)
{
    if (!s->quiet) {
        printf("== a task kills its own worker: --crash-task %lld ==\n", crash_task);
        printf("[parent %ld] map(square, range(%zu)) on %d workers; task %lld"
               " raises SIGKILL in its worker\n",
               parent_pid, s->items, s->workers, crash_task);
    }
    quiet_run(s, c); /* map_or_exit reports the failure and exits 1 */
    die_msg("task %lld did not crash the map", crash_task);
}

/* ------------------------------------------------------------------ */
/* 1. The classic                                                      */
/* ------------------------------------------------------------------ */

/* def cube(x): time.sleep((7 - x) * 0.03); return x ** 3
 * The sleep makes small x finish last, so the finishing order is not the
 * input order. */
static int cube(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    long x = *(const long *)arg;
    timing_sleep(0.030 * (double)(7 - x));
    *(long *)result = x * x * x;
    return 0;
}

struct finish_order {
    const long *input;
    long order[6];
    size_t done;
};

/* on_chunk runs in the parent as each chunk comes back, in completion
 * order: the C counterpart of iterating over imap_unordered. */
static void note_finish(const struct pool_chunk *chunk, void *udata)
{
    struct finish_order *f = udata;
    for (size_t i = 0; i < chunk->count && f->done < 6; i++)
        f->order[f->done++] = f->input[chunk->first + i];
}

static void print_list(const long *v, size_t n)
{
    printf("[");
    for (size_t i = 0; i < n; i++)
        printf("%s%ld", i ? ", " : "", v[i]);
    printf("]\n");
}

static bool section_classic(const struct settings *s, struct cleanup *c)
{
    printf("== the classic: pool.map(cube, range(1, 7)) ==\n");
    long in[6] = {1, 2, 3, 4, 5, 6}, out[6];
    struct finish_order f = {.input = in};
    start_pool(c, s->workers);
    printf("[parent %ld] %d workers; cube(x) first sleeps (7 - x) x 30 ms, "
           "so small x finish last\n",
           parent_pid, s->workers);
    map_or_exit(c, cube, in, 6, sizeof in[0], out, sizeof out[0],
                &(struct pool_map_options){.on_chunk = note_finish, .udata = &f});
    stop_pool(c);
    printf("[parent %ld] finished in this order:", parent_pid);
    for (size_t i = 0; i < f.done; i++)
        printf(" %ld", f.order[i]);
    printf("\n");
    print_list(out, 6);
    printf("[parent %ld] results come in input order, not finishing order: "
           "map puts result i in slot i\n",
           parent_pid);
    for (int i = 0; i < 6; i++)
        if (out[i] != in[i] * in[i] * in[i])
            return false;
    return true;
}

/* ------------------------------------------------------------------ */
/* 2. How map splits the work                                          */
/* ------------------------------------------------------------------ */

#define TRACE_ITEMS 20

/* About 1 ms of CPU per item, so that both workers get a share. */
static int work_a_little(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    timing_spin(0.001);
    *(long *)result = *(const long *)arg;
    return 0;
}

struct trace {
    struct pool_chunk chunks[TRACE_ITEMS];
    size_t count;
};

static void note_chunk(const struct pool_chunk *chunk, void *udata)
{
    struct trace *t = udata;
    if (t->count < TRACE_ITEMS)
        t->chunks[t->count++] = *chunk;
}

static int by_chunk_number(const void *a, const void *b)
{
    const struct pool_chunk *x = a, *y = b;
    return (x->number > y->number) - (x->number < y->number);
}

/* Run one map of TRACE_ITEMS items and print who ran which chunk. */
static bool trace_map(const struct settings *s, struct cleanup *c, size_t chunksize)
{
    long in[TRACE_ITEMS], out[TRACE_ITEMS];
    for (long i = 0; i < TRACE_ITEMS; i++)
        in[i] = i;
    struct trace t = {.count = 0};
    double t0 = timing_now();
    map_or_exit(
        c, work_a_little, in, TRACE_ITEMS, sizeof in[0], out, sizeof out[0],
        &(struct pool_map_options){.chunksize = chunksize, .on_chunk = note_chunk, .udata = &t});
    /* on_chunk saw the chunks in completion order; print them in input
     * order, which is how map hands them out. */
    qsort(t.chunks, t.count, sizeof t.chunks[0], by_chunk_number);
    int seen[TRACE_ITEMS] = {0};
    size_t per_worker_chunks[64] = {0}, per_worker_items[64] = {0};
    pid_t pids[64] = {0};
    for (size_t k = 0; k < t.count; k++) {
        const struct pool_chunk *ch = &t.chunks[k];
        printf("  chunk %zu: items %zu-%zu  worker %d pid %ld  "
               "%.1f-%.1f ms\n",
               ch->number, ch->first, ch->first + ch->count - 1, ch->worker, (long)ch->pid,
               (ch->started - t0) * 1e3, (ch->finished - t0) * 1e3);
        for (size_t i = ch->first; i < ch->first + ch->count; i++)
            seen[i]++;
        if (ch->worker >= 0 && ch->worker < 64) {
            per_worker_chunks[ch->worker]++;
            per_worker_items[ch->worker] += ch->count;
            pids[ch->worker] = ch->pid;
        }
    }
    for (int w = 0; w < s->workers && w < 64; w++)
        printf("[parent %ld] worker %d pid %ld: chunks %zu, items %zu\n", parent_pid, w,
               (long)pids[w], per_worker_chunks[w], per_worker_items[w]);
    bool once = true;
    for (int i = 0; i < TRACE_ITEMS; i++)
        once = once && seen[i] == 1 && out[i] == in[i];
    printf("[parent %ld] every item 0-%d was in exactly one chunk: %s\n", parent_pid,
           TRACE_ITEMS - 1, once ? "yes" : "NO");
    return once;
}

static bool section_trace(const struct settings *s, struct cleanup *c)
{
    printf("\n== how map splits the work: %d items, %d workers ==\n", TRACE_ITEMS, s->workers);
    size_t automatic = pool_default_chunksize(TRACE_ITEMS, s->workers);
    /* multiprocessing/pool.py: chunksize, extra = divmod(len(iterable),
     * len(self._pool) * 4); if extra: chunksize += 1 */
    printf("[parent %ld] Python's rule: chunksize = ceil(%d / (4 x %d "
           "workers)) = %zu, so %zu chunks\n",
           parent_pid, TRACE_ITEMS, s->workers, automatic,
           (TRACE_ITEMS + automatic - 1) / automatic);
    start_pool(c, s->workers);
    bool ok = trace_map(s, c, automatic);

    size_t chosen = s->chunksize;
    if (chosen == 0) {
        chosen = (TRACE_ITEMS + (size_t)s->workers - 1) / (size_t)s->workers;
        printf("[parent %ld] chunksize = %zu: one chunk per worker (choose "
               "another with --chunksize), so %zu chunks\n",
               parent_pid, chosen, (TRACE_ITEMS + chosen - 1) / chosen);
    } else {
        printf("[parent %ld] chunksize = %zu, from --chunksize, so %zu "
               "chunks\n",
               parent_pid, chosen, (TRACE_ITEMS + chosen - 1) / chosen);
    }
    ok = trace_map(s, c, chosen) && ok;
    stop_pool(c);
    return ok;
}

/* ------------------------------------------------------------------ */
/* 3. Chunksize matters                                                */
/* ------------------------------------------------------------------ */

static int compare_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static bool section_sweep(const struct settings *s, struct cleanup *c)
{
    size_t n = s->items;
    size_t largest = (n + (size_t)s->workers - 1) / (size_t)s->workers;
    size_t automatic = pool_default_chunksize(n, s->workers);
    /* 1, 2, 4, ... up to n / workers, plus Python's own choice. */
    size_t sizes[80], count = 0;
    for (size_t cs = 1; cs < largest && count < 70; cs *= 2)
        sizes[count++] = cs;
    sizes[count++] = largest;
    sizes[count++] = automatic;
    qsort(sizes, count, sizeof sizes[0], compare_size);

    printf("\n== chunksize matters: map(square, range(%zu)), %d workers ==\n", n, s->workers);
    printf("[parent %ld] each chunk is one message to a worker and one back; "
           "square itself costs nanoseconds\n",
           parent_pid);
    printf("chunksize    chunks   seconds     items/s\n");
    uint32_t *in = range_array(n);
    uint64_t *out = big_array(n * sizeof *out);
    start_pool(c, s->workers);
    /* One unmeasured map first: the workers' first touch of their memory
     * and the pool's first messages should not count against chunksize 1. */
    map_or_exit(c, square, in, n, sizeof *in, out, sizeof *out, NULL);
    uint64_t expected = checksum(out, n);
    bool same = true;
    double best = 0, worst = 0;
    size_t best_cs = 0;
    for (size_t k = 0; k < count; k++) {
        if (k > 0 && sizes[k] == sizes[k - 1])
            continue;
        /* The best of a few runs (at least 20 ms of them): a shared
         * machine adds noise, and noise only ever makes a run slower. */
        double seconds = 0, spent = 0;
        for (int run = 0; run < 5 && (run == 0 || spent < 0.02); run++) {
            memset(out, 0, n * sizeof *out);
            double t0 = timing_now();
            map_or_exit(c, square, in, n, sizeof *in, out, sizeof *out,
                        &(struct pool_map_options){.chunksize = sizes[k]});
            double t = timing_now() - t0;
            spent += t;
            if (run == 0 || t < seconds)
                seconds = t;
            same = same && checksum(out, n) == expected;
        }
        double rate = (double)n / seconds;
        printf("%9zu %9zu %9.4f %11.0f%s\n", sizes[k], (n + sizes[k] - 1) / sizes[k], seconds, rate,
               sizes[k] == automatic ? "   <- Python's rule" : "");
        if (rate > best) {
            best = rate;
            best_cs = sizes[k];
        }
        if (k == 0)
            worst = rate;
        check_interrupt(c);
    }
    stop_pool(c);
    printf("[parent %ld] chunksize 1 took %.0fx as long as the fastest, "
           "chunksize %zu (best of a few runs each; it varies)\n",
           parent_pid, best / worst, best_cs);
    printf("[parent %ld] every chunksize gave the same results: %s\n", parent_pid,
           same ? "yes" : "NO");
    free(in);
    free(out);
    return same;
}

/* ------------------------------------------------------------------ */
/* 4. See the schedule: tasks of uneven cost                           */
/* ------------------------------------------------------------------ */

#define TIMELINE_TASKS 40

/* The argument is the task's cost in seconds: burn that much CPU. */
static int spin_task(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    *(double *)result = timing_spin(*(const double *)arg);
    return 0;
}

struct schedule {
    struct pool_chunk chunks[TIMELINE_TASKS];
    size_t count;
};

static void note_schedule(const struct pool_chunk *chunk, void *udata)
{
    struct schedule *sch = udata;
    if (sch->count < TIMELINE_TASKS)
        sch->chunks[sch->count++] = *chunk;
}

static void schedule_map(const struct settings *s, struct cleanup *c, const double *cost,
                         size_t chunksize, FILE *timeline)
{
    double out[TIMELINE_TASKS];
    struct schedule sch = {.count = 0};
    double t0 = timing_now();
    map_or_exit(c, spin_task, cost, TIMELINE_TASKS, sizeof cost[0], out, sizeof out[0],
                &(struct pool_map_options){
                    .chunksize = chunksize, .on_chunk = note_schedule, .udata = &sch});
    double wall = timing_now() - t0;
    double busy[64] = {0}, last_end[64] = {0};
    for (size_t k = 0; k < sch.count; k++) {
        const struct pool_chunk *ch = &sch.chunks[k];
        if (ch->worker < 0 || ch->worker >= 64)
            continue;
        busy[ch->worker] += ch->finished - ch->started;
        if (ch->finished - t0 > last_end[ch->worker])
            last_end[ch->worker] = ch->finished - t0;
        if (timeline != NULL)
            fprintf(timeline, "%zu %d %ld %zu %zu %zu %.3f %.3f\n", chunksize, ch->worker,
                    (long)ch->pid, ch->number, ch->first, ch->count, (ch->started - t0) * 1e3,
                    (ch->finished - t0) * 1e3);
    }
    if (timeline != NULL)
        fprintf(timeline, "\n\n"); /* the next data set: gnuplot's index */
    double most = 0, least = wall, first_idle = wall;
    for (int w = 0; w < s->workers && w < 64; w++) {
        if (busy[w] > most)
            most = busy[w];
        if (busy[w] < least)
            least = busy[w];
        if (last_end[w] < first_idle)
            first_idle = last_end[w];
    }
    printf("chunksize %2zu: %2zu chunks, done in %.3f s; busiest worker "
           "%.3f s, least busy %.3f s; idle at the end up to %.3f s\n",
           chunksize, sch.count, wall, most, least, wall - first_idle);
}

static bool section_schedule(const struct settings *s, struct cleanup *c)
{
    /* Costs grow with the index (2 to 8 ms) and are shuffled a little by
     * the seed: the last items are the expensive ones, as when a list of
     * files is sorted by size. */
    double cost[TIMELINE_TASKS];
    struct rng r;
    rng_seed(&r, s->seed);
    double total = 0;
    for (int i = 0; i < TIMELINE_TASKS; i++) {
        double grow = 2.0 + 6.0 * i / (TIMELINE_TASKS - 1);
        cost[i] = grow * (0.75 + 0.5 * rng_uniform(&r)) / 1e3;
        total += cost[i];
    }
    size_t large = (TIMELINE_TASKS + (size_t)s->workers - 1) / (size_t)s->workers;
    printf("\n== see the schedule: %d tasks of uneven cost, %d workers ==\n", TIMELINE_TASKS,
           s->workers);
    printf("[parent %ld] task i burns about 2 + 6 i/%d ms of CPU, %.3f s in "
           "all: %.3f s per worker if shared evenly\n",
           parent_pid, TIMELINE_TASKS - 1, total, total / s->workers);
    FILE *timeline = s->timeline != NULL ? fopen(s->timeline, "w") : NULL;
    if (s->timeline != NULL && timeline == NULL)
        die("fopen");
    if (timeline != NULL) {
        /* Flushed before the pool forks, so no worker holds a copy. */
        fprintf(timeline, "# pool_map --timeline: one line per chunk, times "
                          "in ms from the start of the map\n"
                          "# chunksize worker pid chunk first count start "
                          "end\n");
        if (fflush(timeline) != 0)
            die("fflush");
    }
    start_pool(c, s->workers);
    schedule_map(s, c, cost, 1, timeline);
    schedule_map(s, c, cost, large, timeline);
    stop_pool(c);
    if (timeline != NULL) {
        if (fclose(timeline) != 0)
            die("fclose");
        printf("[parent %ld] timeline written to %s; draw it with: gnuplot "
               "-e \"data='%s'\" 03_pool_map/timeline.gp\n",
               parent_pid, s->timeline, s->timeline);
    }
    printf("[parent %ld] small chunks keep every worker busy to the end; with"
           " one big chunk each, the worker holding the expensive tail is a "
           "straggler\n",
           parent_pid);
    return true;
}

/* ------------------------------------------------------------------ */
/* 5. Map, then reduce: word count over generated files                */
/* ------------------------------------------------------------------ */

static const char *const vocabulary[] = {
    "fork",  "exec",   "wait",   "pipe",  "signal", "queue",  "pool",   "map",
    "chunk", "worker", "parent", "child", "reap",   "zombie", "kernel", "pid",
};
#define VOCABULARY (sizeof vocabulary / sizeof vocabulary[0])

/* The task's argument: a file name. Bytes, not a pointer: a pointer would
 * point into the parent's memory, which the worker cannot see. */
struct wc_arg {
    char path[300];
};

struct wc_result {
    long lines, words, bytes;
    long count[VOCABULARY]; /* how often each vocabulary word occurs */
    int worker;             /* who counted this file (not part of totals) */
};

static void count_word(struct wc_result *res, const char *word)
{
    res->words++;
    for (size_t v = 0; v < VOCABULARY; v++)
        if (strcmp(word, vocabulary[v]) == 0) {
            res->count[v]++;
            return;
        }
}

/* Count lines, words and vocabulary words in one file (like wc). Returns
 * 0, or -1 with errno set. */
static int count_file(const char *path, struct wc_result *res)
{
    memset(res, 0, sizeof *res);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    char buf[8192], word[32];
    size_t len = 0;
    ssize_t got;
    while ((got = read(fd, buf, sizeof buf)) != 0) {
        if (got < 0) {
            if (errno == EINTR)
                continue;
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        res->bytes += got;
        for (ssize_t i = 0; i < got; i++) {
            char ch = buf[i];
            if (ch == ' ' || ch == '\n' || ch == '\t') {
                if (len > 0) {
                    word[len < sizeof word ? len : sizeof word - 1] = '\0';
                    count_word(res, word);
                    len = 0;
                }
                if (ch == '\n')
                    res->lines++;
            } else {
                if (len < sizeof word - 1)
                    word[len] = ch;
                len++;
            }
        }
    }
    if (len > 0) {
        word[len < sizeof word ? len : sizeof word - 1] = '\0';
        count_word(res, word);
    }
    if (close(fd) != 0)
        return -1;
    return 0;
}

/* The map's task: count one file, in a worker. */
static int count_task(const void *arg, void *result, struct pool_task *task)
{
    const struct wc_arg *a = arg;
    struct wc_result *res = result;
    if (count_file(a->path, res) != 0)
        return pool_task_fail(task, "%s: %s", a->path, strerror(errno));
    res->worker = task->worker;
    return 0;
}

/* The reduce: add up the per-file counts, serially, in the parent. */
static void add_counts(struct wc_result *total, const struct wc_result *one)
{
    total->lines += one->lines;
    total->words += one->words;
    total->bytes += one->bytes;
    for (size_t v = 0; v < VOCABULARY; v++)
        total->count[v] += one->count[v];
}

static bool same_counts(const struct wc_result *a, const struct wc_result *b)
{
    if (a->lines != b->lines || a->words != b->words || a->bytes != b->bytes)
        return false;
    for (size_t v = 0; v < VOCABULARY; v++)
        if (a->count[v] != b->count[v])
            return false;
    return true;
}

/* Write the text of file i: 3000 to 5999 words from the vocabulary, about
 * ten to a line, all drawn from the seeded generator (pool_map.py draws the
 * same numbers, so it writes the same files). */
static void write_text_file(const char *path, struct rng *r)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        die("fopen");
    long words = 3000 + (long)rng_below(r, 3000);
    for (long w = 0; w < words; w++) {
        fputs(vocabulary[rng_below(r, VOCABULARY)], f);
        fputc(w + 1 == words || rng_below(r, 10) == 0 ? '\n' : ' ', f);
    }
    if (ferror(f))
        die("fputs");
    if (fclose(f) != 0)
        die("fclose");
}

static bool section_wordcount(const struct settings *s, struct cleanup *c)
{
    printf("\n== map, then reduce: word count over %d generated files ==\n", s->files);
    /* tempfile.mkdtemp(): a fresh directory only we can use. */
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || *tmp == '\0')
        tmp = "/tmp";
    int len = snprintf(c->dir, sizeof c->dir, "%s/pool_map.XXXXXX", tmp);
    if (len < 0 || (size_t)len >= sizeof c->dir)
        die_msg("TMPDIR is too long: %s", tmp);
    if (mkdtemp(c->dir) == NULL) {
        c->dir[0] = '\0';
        die("mkdtemp");
    }
    struct wc_arg *args = xcalloc((size_t)s->files, sizeof *args);
    struct wc_result *results = xcalloc((size_t)s->files, sizeof *results);
    struct rng r;
    rng_seed(&r, s->seed);
    for (int i = 0; i < s->files; i++) {
        file_path(args[i].path, sizeof args[i].path, c->dir, i);
        c->files = i + 1; /* from now on, cleanup removes it */
        write_text_file(args[i].path, &r);
        check_interrupt(c);
    }
    printf("[parent %ld] wrote %d files to a temporary directory:\n", parent_pid, s->files);
    printf("[parent %ld]   %s\n", parent_pid, c->dir);

    /* The map: one file per task, counted in the workers. */
    start_pool(c, s->workers);
    map_or_exit(c, count_task, args, (size_t)s->files, sizeof *args, results, sizeof *results,
                &(struct pool_map_options){.chunksize = 1});
    stop_pool(c);
    struct wc_result total = {0};
    for (int i = 0; i < s->files; i++) {
        const char *name = strrchr(args[i].path, '/') + 1;
        printf("  %s: %5ld lines %6ld words %7ld bytes  (worker %d)\n", name, results[i].lines,
               results[i].words, results[i].bytes, results[i].worker);
        add_counts(&total, &results[i]); /* the reduce, in the parent */
    }
    printf("totals: %d files, %ld lines, %ld words, %ld bytes\n", s->files, total.lines,
           total.words, total.bytes);
    /* The three most frequent words; ties go to the earlier word. */
    size_t top[3] = {0, 0, 0};
    bool used[VOCABULARY] = {false};
    for (int k = 0; k < 3; k++) {
        size_t best = VOCABULARY;
        for (size_t v = 0; v < VOCABULARY; v++)
            if (!used[v] && (best == VOCABULARY || total.count[v] > total.count[best]))
                best = v;
        used[best] = true;
        top[k] = best;
    }
    printf("top words: %s %ld, %s %ld, %s %ld\n", vocabulary[top[0]], total.count[top[0]],
           vocabulary[top[1]], total.count[top[1]], vocabulary[top[2]], total.count[top[2]]);

    /* The check: the same count, serially, in the parent. */
    struct wc_result serial = {0};
    for (int i = 0; i < s->files; i++) {
        struct wc_result one;
        if (count_file(args[i].path, &one) != 0)
            die("read");
        add_counts(&serial, &one);
    }
    bool agree = same_counts(&total, &serial);
    printf("[parent %ld] a serial count in the parent agrees: %s\n", parent_pid,
           agree ? "yes" : "NO");
    remove_dir(c);
    printf("[parent %ld] removed the temporary directory\n", parent_pid);
    free(args);
    free(results);
    return agree;
}

/* ------------------------------------------------------------------ */
/* 6. Timing: a sequential loop against map                            */
/* ------------------------------------------------------------------ */

#define CRUNCH_TASKS 16
#define CRUNCH_STEPS 4000000L
#define TIMING_RUNS  3

/* Real arithmetic of a fixed amount: an LCG step and a mix per step, a
 * chain the compiler cannot shortcut. The same work whoever runs it. */
static uint64_t crunch(uint64_t seed)
{
    uint64_t x = seed, acc = 0;
    for (long i = 0; i < CRUNCH_STEPS; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        acc ^= (x >> 29) + (acc << 5);
    }
    return acc;
}

static int crunch_task(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    *(uint64_t *)result = crunch(*(const uint64_t *)arg);
    return 0;
}

static bool section_timing(const struct settings *s, struct cleanup *c)
{
    printf("\n== timing: a sequential loop against map, CPU-bound ==\n");
    printf("[parent %ld] %d tasks of %ld arithmetic steps each; best of %d "
           "runs; each pool is started before the clock starts\n",
           parent_pid, CRUNCH_TASKS, CRUNCH_STEPS, TIMING_RUNS);
    uint64_t in[CRUNCH_TASKS], out[CRUNCH_TASKS], serial[CRUNCH_TASKS];
    for (int i = 0; i < CRUNCH_TASKS; i++)
        in[i] = (uint64_t)i + s->seed;

    /* results = [crunch(x) for x in inputs]. The best of a few runs: on a
     * shared machine, other programs only ever make a run slower. */
    double sequential = 0;
    for (int run = 0; run < TIMING_RUNS; run++) {
        double t0 = timing_now();
        for (int i = 0; i < CRUNCH_TASKS; i++)
            serial[i] = crunch(in[i]);
        double t = timing_now() - t0;
        if (run == 0 || t < sequential)
            sequential = t;
        check_interrupt(c);
    }
    printf("sequential loop     %7.3f s\n", sequential);

    bool same = true;
    for (int w = 1; w <= s->workers; w++) {
        start_pool(c, w);
        double seconds = 0;
        for (int run = 0; run < TIMING_RUNS; run++) {
            memset(out, 0, sizeof out);
            double t0 = timing_now();
            map_or_exit(c, crunch_task, in, CRUNCH_TASKS, sizeof in[0], out, sizeof out[0], NULL);
            double t = timing_now() - t0;
            if (run == 0 || t < seconds)
                seconds = t;
            same = same && memcmp(out, serial, sizeof out) == 0;
        }
        stop_pool(c);
        printf("map, %2d worker%s    %7.3f s   speedup %.2fx\n", w, w == 1 ? " " : "s", seconds,
               sequential / seconds);
    }
    printf("[parent %ld] every run computed the same results: %s\n", parent_pid,
           same ? "yes" : "NO");
    printf("[parent %ld] this machine lets us use %d CPUs: more workers than "
           "that take turns on them\n",
           parent_pid, cpus_for_pool());
    return same;
}

/* ------------------------------------------------------------------ */
/* Command line                                                        */
/* ------------------------------------------------------------------ */

static void usage(void)
{
    printf("Usage: %s [-j N] [-n N] [--chunksize C] [--seed S] [--files F]\n"
           "       [--timeline FILE] [--crash-task K] [-q]\n"
           "Pool.map in C: the classic cube, how map splits the work into "
           "chunks,\n"
           "a chunksize sweep, the schedule of uneven tasks, map-then-reduce "
           "word count,\n"
           "and a sequential loop against map with 1..N workers.\n"
           "\n"
           "  -j, --workers N     worker processes (default: usable CPUs, "
           "here %d)\n"
           "  -n N                items for the chunksize sweep, -q and "
           "--crash-task\n"
           "                      (default 200000; 2M and 2e6 work too)\n"
           "      --chunksize C   items per task for the second trace, -q and "
           "--crash-task\n"
           "                      (default: Python's rule, ceil(n / (4 x "
           "workers)))\n"
           "      --seed S        seed for the task costs and the generated "
           "text (default 1)\n"
           "      --files F       text files for the word count (default 8)\n"
           "      --timeline FILE write the schedule section's chunks to FILE "
           "(for timeline.gp)\n"
           "      --crash-task K  only map square over -n items; task K kills "
           "its worker\n"
           "                      with SIGKILL: the map fails, exit status 1\n"
           "  -q, --quiet         only map square over -n items and print one "
           "line:\n"
           "                      the item count and a checksum of the "
           "results\n"
           "  -h, --help          this text\n",
           report_program(), cpus_for_pool());
}

static void parse_args(int argc, char **argv, struct settings *s)
{
    enum { OPT_CHUNKSIZE = 256, OPT_SEED, OPT_FILES, OPT_TIMELINE, OPT_CRASH };
    static const struct option options[] = {
        {"workers", required_argument, NULL, 'j'},
        {"chunksize", required_argument, NULL, OPT_CHUNKSIZE},
        {"seed", required_argument, NULL, OPT_SEED},
        {"files", required_argument, NULL, OPT_FILES},
        {"timeline", required_argument, NULL, OPT_TIMELINE},
        {"crash-task", required_argument, NULL, OPT_CRASH},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *s = (struct settings){.workers = cpus_for_pool(), .items = 200000, .seed = 1, .files = 8};
    opterr = 0; /* we report getopt's complaints ourselves, on one line */
    int opt;
    while ((opt = getopt_long(argc, argv, ":j:n:qh", options, NULL)) != -1) {
        switch (opt) {
        case 'j': s->workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': s->items = (size_t)cli_parse_count("-n", optarg, 1, 50000000); break;
        case OPT_CHUNKSIZE:
            s->chunksize = (size_t)cli_parse_count("--chunksize", optarg, 1, 50000000);
            break;
        case OPT_SEED:
            s->seed = (uint64_t)cli_parse_int("--seed", optarg, 0, 9223372036854775807LL);
            break;
        case OPT_FILES: s->files = (int)cli_parse_int("--files", optarg, 1, 10000); break;
        case OPT_TIMELINE:
            if (*optarg == '\0')
                usage_error("--timeline: missing file name");
            s->timeline = optarg;
            break;
        case OPT_CRASH: crash_task = cli_parse_int("--crash-task", optarg, 0, 49999999); break;
        case 'q': s->quiet = true; break;
        case 'h': usage(); exit(EXIT_SUCCESS);
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt != 0)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    if (crash_task >= 0 && (size_t)crash_task >= s->items)
        usage_error("--crash-task: %lld is out of range (0 to %zu, the items "
                    "of -n)",
                    crash_task, s->items - 1);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    struct settings s;
    parse_args(argc, argv, &s);
    parent_pid = (long)getpid();
    /* Ctrl-C and SIGTERM only set a flag: the pool's waits return EINTR,
     * and we clean up (workers, temporary files) before dying of it. */
    interrupt_install();
    struct cleanup c = {.pool = NULL};

    if (crash_task >= 0)
        crash_run(&s, &c);
    if (s.quiet) {
        quiet_run(&s, &c);
        return 0;
    }
    bool classic = section_classic(&s, &c);
    bool trace = section_trace(&s, &c);
    bool sweep = section_sweep(&s, &c);
    section_schedule(&s, &c);
    bool words = section_wordcount(&s, &c);
    bool timing = section_timing(&s, &c);
    bool ok = classic && trace && sweep && words && timing;
    printf("\n[parent %ld] summary: cube %s, chunks cover every item %s, "
           "sweep results %s, word counts %s, timing results %s\n",
           parent_pid, classic ? "ok" : "WRONG", trace ? "ok" : "WRONG", sweep ? "ok" : "WRONG",
           words ? "ok" : "WRONG", timing ? "ok" : "WRONG");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
