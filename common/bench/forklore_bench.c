/* SPDX-License-Identifier: MIT */
/*
 * forklore_bench.c - what the common library costs, one figure per run, for
 * bench.sh to set beside the bare floors (bare_fork, bare_pipe) and Python.
 *
 * Usage: forklore_bench start   [-n N]   us per pool_create(1)+close+join
 *        forklore_bench queue   [-p P] [-j C] [-n N]   messages/s, 64 bytes
 *        forklore_bench map     [-j W] [-n N] [--chunksize C]   items/s
 *        forklore_bench apply   [-n N]   us per apply_async + get
 *        forklore_bench mutex   [-j W] [-n N]   increments/s, shared mutex
 *        forklore_bench atomic  [-j W] [-n N]   increments/s, C11 atomic
 *
 * Prints one number. -n is per process for queue (messages per producer)
 * and the counters (increments per worker), in all for the others.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opts.h"
#include "pool.h"
#include "queue.h"
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

#define MESSAGE 64

static void reap(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) < 0)
        die("waitpid");
    if (wait_exitcode(status) != 0)
        die_msg("child %ld did not exit 0", (long)pid);
}

static struct pool *new_pool(int workers)
{
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    return pool;
}

static void end_pool(struct pool *pool)
{
    pool_close(pool);
    if (pool_join(pool) < 0)
        die("pool_join");
    pool_destroy(pool);
}

/* Process start + join, the library's way: a pool of one worker, closed and
 * joined at once (Process(target=f).start(); join()). */
static double start_join(long long n)
{
    double t0 = timing_now();
    for (long long i = 0; i < n; i++)
        end_pool(new_pool(1));
    return (timing_now() - t0) / (double)n * 1e6;
}

/* P producers put n 64-byte messages each, C consumers get until the queue
 * is closed and drained. Timed from the first fork to the last waitpid, as
 * bare_pipe does. */
static double queue_rate(int producers, int consumers, long long n)
{
    /* 1024 slots of 64 bytes: what a 64 KiB pipe buffer holds. */
    struct queue *q = queue_create(1024, MESSAGE);
    if (q == NULL)
        die("queue_create");
    pid_t prod[32], cons[32];
    fflush(stdout);
    double t0 = timing_now();
    for (int p = 0; p < producers; p++) {
        prod[p] = fork();
        if (prod[p] < 0)
            die("fork");
        if (prod[p] == 0) {
            char msg[MESSAGE];
            memset(msg, 'w', sizeof msg);
            for (long long i = 0; i < n; i++) {
                memcpy(msg, &i, sizeof i);
                if (queue_put(q, msg, sizeof msg, QUEUE_FOREVER) < 0)
                    die("queue_put");
            }
            _exit(0);
        }
    }
    for (int c = 0; c < consumers; c++) {
        cons[c] = fork();
        if (cons[c] < 0)
            die("fork");
        if (cons[c] == 0) {
            char msg[MESSAGE];
            ssize_t got;
            while ((got = queue_get(q, msg, sizeof msg, QUEUE_FOREVER)) >= 0)
                if (got != MESSAGE)
                    die_msg("got %zd bytes, not one message", got);
            if (errno != EPIPE)
                die("queue_get");
            _exit(0);
        }
    }
    for (int p = 0; p < producers; p++)
        reap(prod[p]);
    queue_close(q); /* the consumers drain what is left, then see EPIPE */
    for (int c = 0; c < consumers; c++)
        reap(cons[c]);
    double elapsed = timing_now() - t0;
    queue_destroy(q);
    return (double)(n * producers) / elapsed;
}

/* The trivial task: square an int. */
static int square(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    int x = *(const int *)arg;
    *(int *)result = x * x;
    return 0;
}

/* Pool.map(square, range(n), chunksize): items per second, pool already up. */
static double map_rate(int workers, long long n, size_t chunksize)
{
    int *in = malloc((size_t)n * sizeof *in);
    int *out = malloc((size_t)n * sizeof *out);
    if (in == NULL || out == NULL)
        die("malloc");
    for (long long i = 0; i < n; i++)
        in[i] = (int)(i % 40000);
    struct pool *pool = new_pool(workers);
    double t0 = timing_now();
    if (pool_map(pool, square, in, (size_t)n, sizeof *in, out, sizeof *out,
                 &(struct pool_map_options){.chunksize = chunksize}) < 0)
        die_msg("pool_map: %s", pool_last_failure(pool)->message);
    double elapsed = timing_now() - t0;
    end_pool(pool);
    for (long long i = 0; i < n; i++)
        if (out[i] != in[i] * in[i])
            die_msg("map: wrong result for item %lld", i);
    free(in);
    free(out);
    return (double)n / elapsed;
}

/* apply_async(square, (i,)).get(), one at a time: us per round trip. */
static double apply_round_trip(long long n)
{
    struct pool *pool = new_pool(1);
    double t0 = timing_now();
    for (long long i = 0; i < n; i++) {
        int x = (int)(i % 40000), y;
        struct pool_async *job = pool_apply_async(pool, square, &x, sizeof x, sizeof y, NULL);
        if (job == NULL)
            die("pool_apply_async");
        if (pool_async_get(job, &y, POOL_FOREVER) < 0)
            die("pool_async_get");
        pool_async_release(job);
        if (y != x * x)
            die_msg("apply: wrong result for %d", x);
    }
    double elapsed = timing_now() - t0;
    end_pool(pool);
    return elapsed / (double)n * 1e6;
}

/* W processes add 1 to one shared counter n times each, under a
 * process-shared mutex (Value's lock) or with an atomic add. */
struct counter {
    pthread_mutex_t lock;
    long long value;
    _Atomic long long atomic_value;
};

static double counter_rate(int workers, long long n, int atomic)
{
    struct counter *c =
        mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (c == MAP_FAILED)
        die("mmap");
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc == 0)
        rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    if (rc == 0)
        rc = pthread_mutex_init(&c->lock, &attr);
    if (rc != 0)
        die_code("pthread_mutex_init", rc);
    pthread_mutexattr_destroy(&attr);
    c->value = 0;
    atomic_init(&c->atomic_value, 0);
    pid_t pids[64];
    fflush(stdout);
    double t0 = timing_now();
    for (int w = 0; w < workers; w++) {
        pids[w] = fork();
        if (pids[w] < 0)
            die("fork");
        if (pids[w] == 0) {
            for (long long i = 0; i < n; i++) {
                if (atomic) {
                    atomic_fetch_add(&c->atomic_value, 1);
                } else {
                    if ((rc = pthread_mutex_lock(&c->lock)) != 0)
                        die_code("pthread_mutex_lock", rc);
                    c->value++;
                    if ((rc = pthread_mutex_unlock(&c->lock)) != 0)
                        die_code("pthread_mutex_unlock", rc);
                }
            }
            _exit(0);
        }
    }
    for (int w = 0; w < workers; w++)
        reap(pids[w]);
    double elapsed = timing_now() - t0;
    long long total = atomic ? atomic_load(&c->atomic_value) : c->value;
    if (total != n * workers)
        die_msg("counter: %lld, expected %lld", total, n * workers);
    pthread_mutex_destroy(&c->lock);
    if (munmap(c, sizeof *c) < 0)
        die("munmap");
    return (double)total / elapsed;
}

int main(int argc, char **argv)
{
    long long n = 0, producers = 1, workers = 1, chunksize = 0;
    const char *mode = NULL;
    const struct flag flags[] = {
        {'p', FLAG_INT, "producers", "P", "producer processes (queue; default 1)", 1, 32,
         &producers},
        {'j', FLAG_INT, "workers", "W", "worker processes (default 1)", 1, 32, &workers},
        FLAG_N(&n, 1, 100000000, "items, tasks or processes (default: the mode's)"),
        {0, FLAG_INT, "chunksize", "C", "map's chunksize (default: Python's rule)", 1, 100000000,
         &chunksize},
        {0, FLAG_ARG, "MODE", NULL, NULL, 0, 0, &mode},
        OPTS_END("map -j 2 -n 1M\nqueue -p 2 -j 2"),
    };
    opts_parse(argc, argv,
               "start|queue|map|apply|mutex|atomic [-p P] [-j W] [-n N] [--chunksize C]",
               "The library timed (make bench): one number for the MODE given.", flags);
    if (strcmp(mode, "start") == 0)
        printf("%.2f\n", start_join(n ? n : 200));
    else if (strcmp(mode, "queue") == 0)
        printf("%.0f\n", queue_rate((int)producers, (int)workers, n ? n : 100000));
    else if (strcmp(mode, "map") == 0)
        printf("%.0f\n", map_rate((int)workers, n ? n : 1000000, (size_t)chunksize));
    else if (strcmp(mode, "apply") == 0)
        printf("%.2f\n", apply_round_trip(n ? n : 20000));
    else if (strcmp(mode, "mutex") == 0 || strcmp(mode, "atomic") == 0)
        printf("%.0f\n", counter_rate((int)workers, n ? n : 1000000, strcmp(mode, "atomic") == 0));
    else
        usage_error("unknown mode '%s'", mode);
    return 0;
}
