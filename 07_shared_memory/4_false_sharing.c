/* SPDX-License-Identifier: MIT */
/*
 * 4_false_sharing.c - an Array of per-worker counters: nothing is shared,
 * yet counters side by side slow each other down, because they share a
 * 64-byte cache line. Padding each to its own line removes the slowdown.
 *
 * Python: counts = RawArray('l', workers); worker w does counts[w] += 1
 *         (the interpreter's own work per += hides the cache line there).
 *
 * Usage: 4_false_sharing [-j N] [-n N] [-q]
 *
 * Look for: the same counts either way; the packed time against the padded
 * one (best of 3 runs each), and the verdict on the line below them.
 */
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

/* One counter alone on its cache line. */
struct padded_long {
    volatile long value;
    char pad[CACHE_LINE - sizeof(long)];
};

struct job {
    int workers;
    long long n;
    volatile long *packed;      /* counter w at packed[w]: 8 share a line */
    struct padded_long *padded; /* counter w on its own line */
    bool use_padded;
    bool all_reached; /* every counter reached n in every run */
};

/* Worker w adds 1 to ITS counter n times: no other worker touches it. */
static void count(int worker, void *udata)
{
    struct job *job = udata;
    volatile long *mine = job->use_padded ? &job->padded[worker].value : &job->packed[worker];
    for (long long i = 0; i < job->n; i++)
        *mine += 1; /* volatile: a real load and store each time */
}

static double run_once(void *udata)
{
    struct job *job = udata;
    for (int w = 0; w < job->workers; w++)
        job->packed[w] = job->padded[w].value = 0;
    struct team team;
    team_start(&team, job->workers, count, job, true); /* pinned: at once */
    double seconds = team_join(&team);
    for (int w = 0; w < job->workers; w++)
        job->all_reached &= (job->use_padded ? job->padded[w].value : job->packed[w]) == job->n;
    return seconds;
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool() < 2 ? 2 : cpus_for_pool(), n = 50000000;
    bool quiet = false;
    const struct flag flags[] = {
        {'j', FLAG_INT, "workers", "N", "worker processes (default: usable CPUs, at least 2)", 1,
         team_max_workers(), &workers},
        FLAG_N(&n, 1, 1000000000, "increments per worker (default 50M; 250K, 1e6 work too)"),
        FLAG_QUIET(&quiet, "results only, no explanations"),
        OPTS_END_EXITS("-j 2 -n 10M\n-q", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL,
               "Per-worker counters packed in one cache line against padded, best of 3 each.",
               flags);
    interrupt_install();
    long me = (long)getpid();
    printf("[parent %ld] %lld workers, each adds 1 to its OWN counter %lld times, %s\n", me,
           workers, n,
           cpus_usable() >= 2 ? "pinned to different CPUs" : "on 1 usable CPU (nothing to pin)");
    struct job job = {.workers = (int)workers, .n = n, .all_reached = true};
    size_t packed_size = (size_t)workers * sizeof(long);
    size_t padded_size = (size_t)workers * sizeof(struct padded_long);
    job.packed = team_map_shared(packed_size); /* page-aligned: the first 8 */
    job.padded = team_map_shared(padded_size); /* longs share one line */
    double packed_s = verdict_best_of(RUNS, run_once, &job);
    job.use_padded = true;
    double padded_s = verdict_best_of(RUNS, run_once, &job);
    printf("[parent %ld] every counter reached %lld: %s\n", me, n, job.all_reached ? "yes" : "NO");
    printf("[parent %ld] packed side by side (%zu bytes apart): %.3f s (best of %d)\n", me,
           sizeof(long), packed_s, RUNS);
    printf("[parent %ld] padded to %d bytes each:             %.3f s (best of %d)\n", me,
           CACHE_LINE, padded_s, RUNS);
    printf("[parent %ld] padded against packed: %s\n", me,
           verdict_compare(packed_s, padded_s, "padding is faster", "padding is slower"));
    team_print_busy(); /* a busy machine makes any timing unreliable */
    if (!quiet)
        printf("[parent %ld]   no counter is shared, yet the packed ones share a 64-byte cache\n"
               "[parent %ld]   line, and a core must own the whole line to write any byte of\n"
               "[parent %ld]   it: the line moves between the cores on (nearly) every increment.\n",
               me, me, me);
    team_unmap((void *)job.packed, packed_size);
    team_unmap(job.padded, padded_size);
    return job.all_reached ? 0 : 1;
}
