/* SPDX-License-Identifier: MIT */
/*
 * 3_shared_counter_atomic.c - two more fixes for the race, timed against
 * the lock: a C11 atomic (one indivisible read-modify-write) and partial
 * counts (each worker counts in its own slot; the parent adds them up).
 *
 * Python: no atomic integers; the nearest is the lock of step 2, or
 *         partial counts: RawArray('l', workers), one slot per worker.
 *
 * Usage: 3_shared_counter_atomic [-j N] [-n N] [-q]
 *
 * Look for: three exact totals, and which way is fastest (best of 3 runs
 * each; "too close to call" when the difference is within the noise).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "cpus.h"
#include "interrupt.h"
#include "opts.h"
#include "report.h"
#include "team.h"
#include "verdict.h"

#define RUNS       3
#define CACHE_LINE 64

/* Everything the workers share, in one MAP_SHARED mapping. */
struct shared {
    pthread_mutex_t lock; /* PTHREAD_PROCESS_SHARED, as in step 2 */
    long locked;
    _Atomic long atomic;
    struct {
        long value;
        char pad[CACHE_LINE - sizeof(long)]; /* one line each: see step 4 */
    } partial[TEAM_MAX];
};

enum way { MUTEX, ATOMIC, PARTIAL };
struct job {
    enum way way;
    int workers;
    long long n;
    struct shared *s;
    long total;     /* the last run's total */
    bool exact;     /* every run of this way gave the exact total */
    bool all_exact; /* every run of every way */
};

static void add(int worker, void *udata)
{
    struct job *job = udata;
    struct shared *s = job->s;
    volatile long *mine = &s->partial[worker].value;
    for (long long i = 0; i < job->n; i++) {
        if (job->way == MUTEX) {
            int rc = pthread_mutex_lock(&s->lock);
            if (rc != 0)
                die_code("pthread_mutex_lock", rc);
            s->locked += 1;
            if ((rc = pthread_mutex_unlock(&s->lock)) != 0)
                die_code("pthread_mutex_unlock", rc);
        } else if (job->way == ATOMIC) {
            atomic_fetch_add(&s->atomic, 1); /* on x86: one `lock add` */
        } else {
            *mine += 1; /* nobody else writes this slot */
        }
    }
}

/* One timed run of one way (for verdict_best_of); checks the total. */
static double run_once(void *udata)
{
    struct job *job = udata;
    struct shared *s = job->s;
    s->locked = 0;
    atomic_store(&s->atomic, 0);
    for (int w = 0; w < job->workers; w++)
        s->partial[w].value = 0;
    struct team team;
    team_start(&team, job->workers, add, job, true);
    double seconds = team_join(&team);
    long total = job->way == MUTEX ? s->locked : job->way == ATOMIC ? atomic_load(&s->atomic) : 0;
    if (job->way == PARTIAL) /* after join: every worker is done */
        for (int w = 0; w < job->workers; w++)
            total += s->partial[w].value;
    job->total = total;
    job->exact &= total == (long)(job->workers * job->n);
    return seconds;
}

static double timed(struct job *job, enum way way, const char *label)
{
    job->way = way;
    job->exact = true;
    double best = verdict_best_of(RUNS, run_once, job);
    long expected = (long)(job->workers * job->n);
    printf("[parent %ld] %-24s total %ld of %ld, %s, %.3f s, %.1f M increments/s\n", (long)getpid(),
           label, job->total, expected, job->exact ? "exact" : "WRONG", best,
           best > 0 ? (double)expected / best / 1e6 : 0);
    job->all_exact &= job->exact;
    return best;
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
               "A shared counter three ways (mutex, C11 atomic, partial counts), best of 3.",
               flags);
    struct job job = {.workers = (int)workers, .n = n, .all_exact = true};
    interrupt_install();
    long me = (long)getpid();
    printf("[parent %ld] %d workers each add 1 to a shared counter %lld times, 3 ways, best of "
           "%d runs\n",
           me, job.workers, job.n, RUNS);
    _Static_assert(ATOMIC_LONG_LOCK_FREE == 2, "a lock-free atomic works across processes");
    job.s = team_map_shared(sizeof *job.s);
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc != 0 || (rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED)) != 0 ||
        (rc = pthread_mutex_init(&job.s->lock, &attr)) != 0)
        die_code("pthread_mutex_init", rc);
    double mutex_s = timed(&job, MUTEX, "mutex:");
    double atomic_s = timed(&job, ATOMIC, "C11 atomic:");
    double partial_s = timed(&job, PARTIAL, "partial counts, summed:");
    printf("[parent %ld] atomic against mutex: %s\n", me,
           verdict_compare(mutex_s, atomic_s, "the atomic is faster", "the atomic is slower"));
    printf("[parent %ld] partial counts against atomic: %s\n", me,
           verdict_compare(atomic_s, partial_s, "partial counts are faster",
                           "partial counts are slower"));
    team_print_busy(); /* a busy machine makes any timing unreliable */
    if (!quiet)
        printf("[parent %ld]   the mutex makes workers take turns; the atomic never sleeps, but\n"
               "[parent %ld]   each increment pulls the counter's cache line from the other\n"
               "[parent %ld]   core; partial counts share nothing until the one sum at the end.\n",
               me, me, me);
    pthread_mutexattr_destroy(&attr);
    if ((rc = pthread_mutex_destroy(&job.s->lock)) != 0)
        die_code("pthread_mutex_destroy", rc);
    team_unmap(job.s, sizeof *job.s);
    return job.all_exact ? 0 : 1;
}
