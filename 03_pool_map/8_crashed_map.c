/* SPDX-License-Identifier: MIT */
/*
 * 8_crashed_map.c - a task whose worker is killed (as the kernel's OOM
 * killer would) in the middle of a map: this pool notices, names the task
 * and the signal, and the map fails; Python's Pool.map would wait for ever.
 *
 *     def square(x):
 *         if x == crash_task: os.kill(os.getpid(), signal.SIGKILL)
 *         return x * x
 *     pool.map(square, range(n))    # Pool: hangs; ProcessPoolExecutor: BrokenProcessPool
 *
 * Usage: 8_crashed_map [-j N] [-n N] [--chunksize C] [--crash-task K] [-q]
 * Look for: the last line (on stderr) names the task, the worker and
 * SIGKILL; the exit status is 1; the chunks that had completed before.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "pool.h"
#include "report.h"

/* Set before the pool forks, so every worker has its own copy: the only way
 * to tell a task something that is not in its argument bytes. */
static long long crash_task = 7;

static int square(const void *arg, void *result, struct pool_task *task)
{
    if ((long long)task->index == crash_task)
        raise(SIGKILL); /* cannot be caught: the worker dies mid-task */
    uint64_t x = *(const uint32_t *)arg;
    *(uint64_t *)result = x * x;
    return 0;
}

static void count_chunk(const struct pool_chunk *chunk, void *udata)
{
    (void)chunk;
    ++*(size_t *)udata;
}

/* errno ECANCELED: pool_last_failure() says which task failed, and why. */
static void report_failure(const struct pool *pool, bool quiet, size_t done, size_t chunks)
{
    if (!quiet)
        printf("[parent %ld] chunks completed before the map failed: %zu of %zu\n", (long)getpid(),
               done, chunks);
    fflush(stdout);
    fprintf(stderr, "%s: map failed: %s\n", report_program(), pool_last_failure(pool)->message);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long workers = cpus_for_pool(), n = 200000, chunksize = 0;
    bool quiet = false;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "worker processes (default: usable CPUs)"),
        {'n', FLAG_COUNT, NULL, "N", "items (default 200000; 2M and 2e6 work)", 1, 50000000, &n},
        {0, FLAG_COUNT, "chunksize", "C", "items per chunk (default: Python's rule)", 1, 50000000,
         &chunksize},
        {0, FLAG_INT, "crash-task", "K", "the task that kills its worker (default 7)", 0, 49999999,
         &crash_task},
        FLAG_QUIET(&quiet, "print only the error line"),
        OPTS_END("-j 2 -n 1000 --crash-task 999\n-q --chunksize 1"),
    };
    opts_parse(argc, argv, "[-j N] [-n N] [--chunksize C] [--crash-task K] [-q]",
               "Pool.map(square, range(n)) where task K's worker is killed by SIGKILL.", flags);
    opts_check_range("--crash-task", crash_task, 0, n - 1); /* a task of -n's items */
    size_t items = (size_t)n, chunks = 0,
           cs = chunksize ? (size_t)chunksize : pool_default_chunksize(items, (int)workers);
    if (!quiet)
        printf("[parent %ld] map(square, range(%zu)) on %lld workers, chunksize %zu; task %lld "
               "raises SIGKILL in its worker\n",
               (long)getpid(), items, workers, cs, crash_task);
    fflush(stdout);
    struct pool *pool = pool_create(&(struct pool_options){.workers = (int)workers});
    uint32_t *in = calloc(items, sizeof *in);
    uint64_t *out = calloc(items, sizeof *out);
    if (pool == NULL || in == NULL || out == NULL)
        die(pool == NULL ? "pool_create" : "calloc");
    for (size_t i = 0; i < items; i++)
        in[i] = (uint32_t)i;
    int rc = pool_map(
        pool, square, in, items, sizeof *in, out, sizeof *out,
        &(struct pool_map_options){.chunksize = cs, .on_chunk = count_chunk, .udata = &chunks});
    if (rc != 0)
        report_failure(pool, quiet, chunks, (items + cs - 1) / cs);
    pool_destroy(pool); /* the with block's end: terminate() */
    free(in);
    free(out);
    if (rc == 0)
        die_msg("task %lld did not crash the map", crash_task);
    return EXIT_FAILURE;
}
