/* SPDX-License-Identifier: MIT */
/*
 * 06.2_stop_early.c - exercise: a parallel search that stops the pool from
 * a callback as soon as one worker finds the answer.
 *
 * Usage: 06.2_stop_early [-j N] [-n BLOCKS] [--secret S]
 *
 * The parent knows only hash(secret) and looks for the number with that
 * hash among 0 .. BLOCKS x 10000 - 1, one apply_async task per block of
 * 10000 candidates (each task also sleeps 20 ms, as if every guess were
 * costlier). Your callback records the hit and stops the pool: blocks still
 * queued are never run. The parent prints what was found and how many
 * blocks the workers finished (the pool's own count).
 *
 * Python:  callback sets a flag; the main thread sees it and calls
 *          pool.terminate()   (here the callback may call pool_terminate
 *          itself: the pool stops right after the callback returns)
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
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
    uint64_t target; /* the hash we look for */
    long first;      /* candidates first .. first + BLOCK - 1 */
};

struct block_result {
    size_t block;
    bool found;
    long x; /* the number, when found */
};

/* Runs in a worker: try one block of candidates. */
static int search_block(const void *argp, void *resultp, struct pool_task *task)
{
    const struct block_arg *arg = argp;
    struct block_result *r = resultp;
    memset(r, 0, sizeof *r);
    r->block = task->index;
    timing_sleep(0.020); /* stands in for a costlier test per candidate */
    for (long x = arg->first; x < arg->first + BLOCK; x++) {
        if (hash((uint64_t)x) == arg->target) {
            r->found = true;
            r->x = x;
            break;
        }
    }
    return 0;
}

/* The parent's state, handed to the callback as udata. */
struct search {
    struct pool *pool;
    bool found;
    long answer;
};

/*
 * callback=: runs in the PARENT, inside pool_join, once per finished block.
 */
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
    /* From a callback this only asks: the pool finishes handling this
     * result, then SIGTERMs and reaps every worker; tasks not yet done
     * fail with POOL_TERMINATED and get no callback. pool_join returns. */
    pool_terminate(s->pool);
#else
    /* TODO: when the block's result says found (and nothing was found
     * before):
     *   - set found and answer in the struct search (udata);
     *   - print exactly:
     *     [callback pid P] block B: found X, stopping the pool
     *   - stop the pool, so that no further block is run (see pool.h:
     *     which call stops the workers, and may it be called from a
     *     callback?).
     * This stub ignores every result: the search runs all blocks and
     * reports nothing found. */
    (void)resultp;
    (void)udata;
#endif
}

static void on_error(struct pool_async *job, const struct pool_failure *f, void *udata)
{
    (void)job;
    (void)udata;
    printf("[error_callback pid %ld] %s\n", (long)getpid(), f->message);
}

static void usage(void)
{
    printf("Usage: %s [-j N] [-n BLOCKS] [--secret S]\n"
           "Exercise 06.2: stop a parallel search from the callback that "
           "finds the answer.\n\n"
           "  -j, --workers N  worker processes (default: usable CPUs; max "
           "%d)\n"
           "  -n BLOCKS        blocks of %d candidates (default 100, max "
           "1000)\n"
           "      --secret S   the number to find (default 123456; below "
           "BLOCKS x %d)\n"
           "  -h, --help       this text\n",
           report_program(), pool_max_workers(), BLOCK, BLOCK);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int workers = cpus_for_pool();
    long long blocks = 100, secret = 123456;
    enum { OPT_SECRET = 256 };
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"secret", required_argument, NULL, OPT_SECRET},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* getopt's complaints are reported on one line, below */
    int opt;
    while ((opt = getopt_long(argc, argv, ":j:n:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j': workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': blocks = cli_parse_int("-n", optarg, 1, 1000); break;
        case OPT_SECRET: secret = cli_parse_int("--secret", optarg, 0, 1000LL * BLOCK - 1); break;
        case 'h': usage(); return 0;
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt != 0)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    if (secret >= blocks * BLOCK)
        usage_error("--secret: %lld is out of range (0 to %lld)", secret, blocks * BLOCK - 1);

    long parent = (long)getpid();
    uint64_t target = hash((uint64_t)secret);
    printf("[parent %ld] looking for the number whose hash is 0x%016" PRIx64
           " among 0..%lld: %lld blocks of %d on %d workers\n",
           parent, target, blocks * BLOCK - 1, blocks, BLOCK, workers);

    setvbuf(stdout, NULL, _IONBF, 0); /* the pool forks: nothing buffered */
    struct search s = {0};
    s.pool = pool_create(&(struct pool_options){.workers = workers});
    if (s.pool == NULL)
        die("pool_create");
    double t0 = timing_now();
    for (long long b = 0; b < blocks; b++) {
        struct block_arg arg = {.target = target, .first = (long)b * BLOCK};
        struct pool_apply_options o = {
            .callback = on_block, .error_callback = on_error, .udata = &s, .index = (size_t)b};
        struct pool_async *job = pool_apply_async(s.pool, search_block, &arg, sizeof arg,
                                                  sizeof(struct block_result), &o);
        if (job == NULL)
            die("pool_apply_async");
        pool_async_release(job);
    }
    pool_close(s.pool);
    if (pool_join(s.pool) != 0) /* the callbacks run in here */
        die("pool_join");
    double seconds = timing_now() - t0;
    struct pool_stats stats;
    pool_get_stats(s.pool, &stats);
    pool_destroy(s.pool);

    if (s.found)
        printf("[parent %ld] found: %ld (its hash matches: %s)\n", parent, s.answer,
               hash((uint64_t)s.answer) == target ? "yes" : "NO");
    else
        printf("[parent %ld] found: nothing\n", parent);
    printf("[parent %ld] blocks the workers finished: %lu of %lld%s\n", parent, stats.tasks_done,
           blocks, stats.tasks_done < (unsigned long)blocks ? " (the rest were never run)" : "");
    printf("[parent %ld] the search took %.3f s\n", parent, seconds);
    return s.found && hash((uint64_t)s.answer) == target ? 0 : 1;
}
