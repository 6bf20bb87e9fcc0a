/* SPDX-License-Identifier: MIT */
/*
 * 2_shared_counter_lock.c - the fix for step 1's race: a lock that lives
 * in the shared memory, taken around every increment. No update is lost.
 *
 * Python: counter = Value('l', 0)
 *         with counter.get_lock(): counter.value += 1
 * (Python's lock is an RLock on a POSIX semaphore, see the README; this
 * one is a pthread mutex made PTHREAD_PROCESS_SHARED.)
 *
 * Usage: 2_shared_counter_lock [-j N] [-n N] [-q]
 *
 * Look for: the total is exact, every run; and the rate, far below step
 * 1's (the workers take turns, and sleep in the kernel when they collide).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "cpus.h"
#include "interrupt.h"
#include "opts.h"
#include "report.h"
#include "team.h"
#include "verdict.h"

/* What the workers share: the lock and the counter it guards, side by side
 * in one MAP_SHARED mapping. */
struct locked_counter {
    pthread_mutex_t lock;
    long value;
    long long n; /* increments per worker (read-only) */
};

/* with counter.get_lock(): counter.value += 1, n times. */
static void add_under_lock(int worker, void *udata)
{
    (void)worker;
    struct locked_counter *c = udata;
    for (long long i = 0; i < c->n; i++) {
        int rc = pthread_mutex_lock(&c->lock);
        if (rc != 0)
            die_code("pthread_mutex_lock", rc);
        c->value += 1; /* only one process at a time gets here */
        rc = pthread_mutex_unlock(&c->lock);
        if (rc != 0)
            die_code("pthread_mutex_unlock", rc);
    }
}

/* A mutex in shared memory, marked PTHREAD_PROCESS_SHARED: without the
 * mark, the kernel futex behind it may be keyed to one process's memory. */
static void shared_mutex_init(pthread_mutex_t *m)
{
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc == 0)
        rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    if (rc == 0)
        rc = pthread_mutex_init(m, &attr);
    if (rc != 0)
        die_code("pthread_mutex_init", rc);
    pthread_mutexattr_destroy(&attr);
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool() < 2 ? 2 : cpus_for_pool(), n = 2000000;
    bool quiet = false;
    const struct flag flags[] = {
        {'j', FLAG_INT, "workers", "N", "worker processes (default: usable CPUs, at least 2)", 1,
         team_max_workers(), &workers},
        FLAG_N(&n, 1, 1000000000, "increments per worker (default 2M; 250K, 1e6 work too)"),
        FLAG_QUIET(&quiet, "results only, no explanations"),
        OPTS_END_EXITS("-j 4 -n 1M\n-q", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL,
               "Workers add 1 to one shared counter under a process-shared mutex.", flags);
    interrupt_install(); /* Ctrl-C: stop and reap the workers, then die of it */

    long me = (long)getpid();
    printf("[parent %ld] %lld workers each add 1 to one shared counter %lld times, under a lock\n",
           me, workers, n);
    struct locked_counter *c = team_map_shared(sizeof *c); /* Value('l', 0) */
    shared_mutex_init(&c->lock);
    c->n = n;
    struct team team;
    team_start(&team, (int)workers, add_under_lock, c, true);
    double seconds = team_join(&team);
    long expected = (long)(workers * n);
    printf("[parent %ld] with a lock: total %ld of %ld, %s, %.3f s, %.1f M increments/s\n", me,
           c->value, expected, c->value == expected ? "exact" : "WRONG", seconds,
           seconds > 0 ? (double)expected / seconds / 1e6 : 0);
    team_print_busy(); /* a busy machine makes any timing unreliable */
    if (!quiet) {
        printf("[parent %ld]   each load-add-store now happens with the lock held: no other\n"
               "[parent %ld]   worker can load in between, so none is lost. The price: the\n"
               "[parent %ld]   workers take turns, and one that finds the lock taken sleeps.\n",
               me, me, me);
    }
    bool ok = c->value == expected;
    int rc = pthread_mutex_destroy(&c->lock);
    if (rc != 0)
        die_code("pthread_mutex_destroy", rc);
    team_unmap(c, sizeof *c);
    return ok ? 0 : 1;
}
