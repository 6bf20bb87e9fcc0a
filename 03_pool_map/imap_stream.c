/* SPDX-License-Identifier: MIT */
/*
 * imap_stream.c - chapter 03's extra step: Pool.imap and imap_unordered,
 * results pulled one at a time, each as soon as it is ready, from inputs a
 * generator hands out, so an input larger than memory streams through.
 *
 *     it = pool.imap(slow_square, range(8))
 *     it.next(timeout=0.01)                  # TimeoutError: item 0 takes 160 ms
 *     for y in it: ...                       # input order, each as soon as it is in
 *     for y in pool.imap_unordered(slow_square, range(8)): ...   # completion order
 *     sum(pool.imap(cube, numbers(n), chunksize=1000))   # numbers() is a generator
 *
 * Usage: imap_stream [-j N] [-n N] [--crash-task K]
 * Look for: imap in input order, imap_unordered in finishing order; item K (3)
 * reported, the rest still come; n numbers streamed in flat memory.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cpus.h"
#include "interrupt.h"
#include "opts.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

static int slow_square(const void *arg, void *result, struct pool_task *task)
{
    long x = *(const long *)arg;
    timing_sleep((double)(8 - x) * 0.020); /* item 0 is the slowest */
    if (task->udata != NULL && x == *(const long long *)task->udata)
        raise(SIGKILL); /* the third run only: the worker dies mid-task */
    *(long *)result = x * x;
    return 0;
}

static int cube(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    uint64_t x = (uint64_t)(*(const long *)arg);
    *(uint64_t *)result = x * x * x;
    return 0;
}

static struct pool *pool, *dying; /* the second one's item K kills its worker */
static long long crash = 3;       /* K, --crash-task */

/* Ctrl-C, SIGTERM (interrupt.h): stop and reap the pools, die of the signal. */
static void stop_if_interrupted(struct pool_imap *it, const char *call)
{
    if (errno != EINTR || !interrupt_requested())
        die(call);
    pool_imap_close(it);
    pool_destroy(pool); /* terminates: SIGTERM, SIGKILL, reaped */
    pool_destroy(dying);
    interrupt_exit();
}

/* def numbers(n): yield from range(n), one at a time, never a list. */
static int numbers(void *arg, size_t index, void *udata)
{
    if (index >= *(const size_t *)udata)
        return 0;
    *(long *)arg = (long)index;
    return 1;
}

/* Pull every result of `it` and print it on one line after `title`. */
static void print_all(struct pool_imap *it, const char *title)
{
    printf("[parent %ld] %-15s", (long)getpid(), title);
    long y;
    int rc;
    while ((rc = pool_imap_next(it, &y, POOL_FOREVER)) != 0) {
        if (rc == 1)
            printf(" %ld", y);
        else if (errno == ECANCELED)
            printf(" [item %zu: %s]", pool_imap_index(it), pool_imap_failure(it)->message);
        else
            stop_if_interrupted(it, "pool_imap_next");
    }
    printf("\n");
    pool_imap_close(it);
}

static void three_loops(void)
{
    size_t eight = 8;
    struct pool_imap *it =
        pool_imap(pool, slow_square, numbers, &eight, sizeof(long), sizeof(long), NULL);
    long y;
    if (it == NULL)
        die("pool_imap");
    if (pool_imap_next(it, &y, 0.01) == -1 && errno == ETIMEDOUT)
        printf("[parent %ld] it.next(timeout=0.01): TimeoutError, item 0 is not ready yet\n",
               (long)getpid());
    print_all(it, "imap:");
    it = pool_imap_unordered(pool, slow_square, numbers, &eight, sizeof(long), sizeof(long), NULL);
    print_all(it, "imap_unordered:");
    it = pool_imap(dying, slow_square, numbers, &eight, sizeof(long), sizeof(long), NULL);
    print_all(it, "imap, one dies:");
}

static void stream(size_t n, int workers)
{
    struct rusage ru; /* ru_maxrss: the peak memory so far, in KiB */
    long before = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
    struct pool_imap_options o = {.chunksize = 1000};
    struct pool_imap *it = pool_imap(pool, cube, numbers, &n, sizeof(long), sizeof(uint64_t), &o);
    if (it == NULL)
        die("pool_imap");
    uint64_t y, sum = 0;
    int rc;
    while ((rc = pool_imap_next(it, &y, POOL_FOREVER)) == 1)
        sum += y; /* wraps modulo 2^64, as Python's % 2**64 */
    if (rc != 0)
        stop_if_interrupted(it, "pool_imap_next");
    pool_imap_close(it);
    getrusage(RUSAGE_SELF, &ru);
    printf("[parent %ld] sum(imap(cube, numbers(%zu), chunksize=1000)) %% 2**64 = %llu\n",
           (long)getpid(), n, (unsigned long long)sum);
    printf("[parent %ld] at most %d chunks of 1000 taken from the input at a time; peak memory "
           "grew by %ld KiB (two arrays of %zu numbers: %zu KiB)\n",
           (long)getpid(), 4 * workers, ru.ru_maxrss - before, n, 2 * n * 8 / 1024);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long workers = cpus_for_pool(), n = 1000000;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "worker processes (default: usable CPUs)"),
        FLAG_N(&n, 1, 1000000000, "numbers to stream (default 1000000; 1M and 1e6 work)"),
        {0, FLAG_INT, "crash-task", "K", "the item (0-7) whose worker dies (3)", 0, 7, &crash},
        {0},
    };
    opts_parse(argc, argv, "[-j N] [-n N] [--crash-task K]",
               "Pool.imap and imap_unordered: results pulled one by one, inputs streamed.", flags);
    printf("[parent %ld] slow_square(x) sleeps (8 - x) x 20 ms; %lld workers\n", (long)getpid(),
           workers);
    interrupt_install(); /* Ctrl-C, SIGTERM: a flag; the pool's waits return EINTR */
    pool = pool_create(&(struct pool_options){.workers = (int)workers});
    dying = pool_create(&(struct pool_options){.workers = (int)workers, .task_udata = &crash});
    if (pool == NULL || dying == NULL)
        die("pool_create");
    three_loops();
    stream((size_t)n, (int)workers);
    for (struct pool **p = (struct pool *[]){pool, dying, NULL}; *p != NULL; p++) {
        pool_close(*p);
        if (pool_join(*p) != 0)
            die("pool_join");
        pool_destroy(*p);
    }
    return 0;
}
