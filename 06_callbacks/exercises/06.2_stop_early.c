/* SPDX-License-Identifier: MIT */
/*
 * 06.2_stop_early.c - exercise: a parallel search that stops the pool from
 * a callback as soon as one worker finds the answer.
 * Usage: 06.2_stop_early [-j N] [-n BLOCKS] [--secret S]
 * The parent knows only hash(secret) and searches 0 .. BLOCKS x 10000 - 1,
 * one apply_async task per block of 10000 (each also sleeps 20 ms, as if a
 * guess were costlier). Your callback records the hit and stops the pool:
 * blocks still queued never run. The parent prints the answer and how many
 * blocks the workers finished (the pool's own count).
 * Python: the callback sets a flag, the main thread calls pool.terminate()
 *         (here the callback may call pool_terminate: the pool stops right
 *         after the callback returns)
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "opts.h"
#include "cpus.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

#define BLOCK 10000

/* A 64-bit mixer (splitmix64's finaliser): a bijection, so exactly one
 * number has a given hash, and nothing faster than trying them finds it. */
static uint64_t hash(uint64_t x)
{
    uint64_t z = x + 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

struct block_arg {
    uint64_t target; /* the hash we look for, among first .. first + BLOCK - 1 */
    long first;
};

struct block_result { /* all 8 bytes wide: no padding bytes to send */
    size_t block;
    long found, x; /* x: the number, when found */
};

/* Runs in a worker: try one block of candidates. */
static int search_block(const void *argp, void *resultp, struct pool_task *task)
{
    const struct block_arg *arg = argp;
    struct block_result *r = resultp;
    *r = (struct block_result){task->index, 0, 0};
    timing_sleep(0.020); /* stands in for a costlier test per candidate */
    for (long x = arg->first; x < arg->first + BLOCK && !r->found; x++)
        if (hash((uint64_t)x) == arg->target)
            *r = (struct block_result){task->index, 1, x};
    return 0;
}

/* The parent's state, handed to the callback as udata. */
struct search {
    struct pool *pool;
    bool found;
    long answer;
};

/* callback=: runs in the PARENT, inside pool_join, once per finished block. */
static void on_block(struct pool_async *job, const void *resultp, void *udata)
{
    (void)job;
#ifdef SOLUTION
    struct search *s = udata;
    const struct block_result *r = resultp;
    if (!r->found || s->found)
        return;
    s->found = true;
    s->answer = r->x;
    printf("[callback pid %ld] block %zu: found %ld, stopping the pool\n", (long)getpid(), r->block,
           r->x);
    /* From a callback this only asks: after this result, every worker is
     * stopped and reaped; unfinished tasks get no callback. */
    pool_terminate(s->pool);
#else
    /* TODO: when the block's result says found (and nothing was found before):
     *   - set found and answer in the struct search (udata);
     *   - print exactly: [callback pid P] block B: found X, stopping the pool
     *   - stop the pool, so that no further block is run (see pool.h: which
     *     call stops the workers, and may it be called from a callback?).
     * This stub ignores every result: all blocks run, nothing is found. */
    (void)resultp, (void)udata;
#endif
}

static void on_error(struct pool_async *job, const struct pool_failure *f, void *udata)
{
    (void)job, (void)udata;
    printf("[error_callback pid %ld] %s\n", (long)getpid(), f->message);
}

/* One task per block, close, join (the callbacks run in there): seconds. */
static double run_search(struct search *s, int workers, long long blocks, uint64_t target,
                         unsigned long *finished)
{
    setvbuf(stdout, NULL, _IONBF, 0); /* the pool forks: nothing buffered */
    s->pool = pool_create(&(struct pool_options){.workers = workers});
    if (s->pool == NULL)
        die("pool_create");
    double t0 = timing_now();
    for (long long b = 0; b < blocks; b++) {
        struct block_arg arg = {.target = target, .first = (long)b * BLOCK};
        struct pool_apply_options o = {
            .callback = on_block, .error_callback = on_error, .udata = s, .index = (size_t)b};
        struct pool_async *job = pool_apply_async(s->pool, search_block, &arg, sizeof arg,
                                                  sizeof(struct block_result), &o);
        if (job == NULL)
            die("pool_apply_async");
        pool_async_release(job);
    }
    pool_close(s->pool);
    if (pool_join(s->pool) != 0) /* the callbacks run in here */
        die("pool_join");
    double seconds = timing_now() - t0;
    struct pool_stats stats;
    pool_get_stats(s->pool, &stats);
    pool_destroy(s->pool);
    *finished = stats.tasks_done;
    return seconds;
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool(), blocks = 100, secret = 123456;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "worker processes (default: usable CPUs)"),
        FLAG_N(&blocks, 1, 1000, "blocks of 10000 candidates (default 100, max 1000)"),
        {0, FLAG_COUNT, "secret", "N", "the number to find (default 123456)", 0, 1000LL * BLOCK - 1,
         &secret},
        OPTS_END("-j 2 --secret 999999"),
    };
    opts_parse(argc, argv, NULL,
               "Exercise 06.2: stop a parallel search from the callback that finds it.", flags);
    opts_check_range("--secret", secret, 0, blocks * BLOCK - 1);
    long parent = (long)getpid();
    uint64_t target = hash((uint64_t)secret);
    printf("[parent %ld] looking for the number whose hash is 0x%016" PRIx64
           " among 0..%lld: %lld blocks of %d on %lld workers\n",
           parent, target, blocks * BLOCK - 1, blocks, BLOCK, workers);
    struct search s = {0};
    unsigned long finished;
    double seconds = run_search(&s, (int)workers, blocks, target, &finished);
    if (s.found)
        printf("[parent %ld] found: %ld (its hash matches: %s)\n", parent, s.answer,
               hash((uint64_t)s.answer) == target ? "yes" : "NO");
    else
        printf("[parent %ld] found: nothing\n", parent);
    printf("[parent %ld] blocks the workers finished: %lu of %lld%s\n", parent, finished, blocks,
           finished < (unsigned long)blocks ? " (the rest were never run)" : "");
    printf("[parent %ld] the search took %.3f s\n", parent, seconds);
    return s.found && hash((uint64_t)s.answer) == target ? 0 : 1;
}
