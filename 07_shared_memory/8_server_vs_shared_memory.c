/* SPDX-License-Identifier: MIT */
/*
 * 8_server_vs_shared_memory.c - the same updates as step 7, done by the
 * server (one request and one reply each) and straight in shared memory
 * (atomics): what a server's convenience costs, best of 3 runs each.
 * Python: Manager() proxy calls, against an Array with its lock (see .py)
 * Usage: 8_server_vs_shared_memory [-j N] [--ops N] [--seed S] [-q]
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "interrupt.h"
#include "opts.h"
#include "report.h"
#include "rng.h"
#include "team.h"
#include "verdict.h"

#include "server.h" /* step 7's: KEYS, next_op, ask, server_run, replay */

#define RUNS 3

struct job {
    struct server server; /* the clients, their pipes, the table */
    _Atomic long *shared; /* NULL: through the server; else this table */
    long long ops;
    unsigned long long seed;
};

static void client(int w, void *udata) /* a proxy: every call is a request */
{
    struct job *job = udata;
    struct rng r;
    rng_stream(&r, job->seed, (uint64_t)w);
    for (long long i = 0; i < job->ops; i++) {
        int key;
        long amount = next_op(&r, &key);
        if (job->shared != NULL)
            atomic_fetch_add(&job->shared[key], amount); /* (a read: + 0) */
        else
            ask(&job->server, w, 0, key, amount);
    }
}

/* One run: the clients' operations through the server, or (job->shared) in shared memory;
 * either way the final table in job->server.table. */
static double run_once(void *udata)
{
    struct job *job = udata;
    for (int k = 0; job->shared != NULL && k < KEYS; k++)
        atomic_store(&job->shared[k], 0);
    double seconds = server_run(&job->server, client, job);
    for (int k = 0; job->shared != NULL && k < KEYS; k++)
        job->server.table[k] = atomic_load(&job->shared[k]);
    return seconds;
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool() < 2 ? 2 : cpus_for_pool(), ops = 5000, seed = 7;
    bool quiet = false;
    const struct flag flags[] = {
        {'j', FLAG_INT, "workers", "N", "client processes (default: usable CPUs, at least 2)", 1,
         team_max_workers() - 1, &workers},
        {0, FLAG_COUNT, "ops", "N", "requests per client (default 5000)", 1, 100000000, &ops},
        {0, FLAG_COUNT, "seed", "S", "seed of the requests (default 7)", 0, 1LL << 62, &seed},
        FLAG_QUIET(&quiet, "results only, no explanations"),
        OPTS_END_EXITS("-j 2 --ops 20000\n-q --seed 1", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL,
               "The same operations through a server and in shared memory, timed.", flags);
    interrupt_install();
    struct job job = {.server.clients = (int)workers, .ops = ops, .seed = (unsigned long long)seed};
    const long *table = job.server.table;
    long me = (long)getpid(), expected[KEYS] = {0}, total = (long)(workers * ops);
    printf("[parent %ld] a server owns a %d-key table; %d clients send %lld requests each", me,
           KEYS, job.server.clients, ops);
    printf(" (seed %lld)\n", seed);
    replay(job.seed, job.server.clients, ops, expected); /* what the table must hold */
    double server_s = verdict_best_of(RUNS, run_once, &job);
    bool ok = memcmp(table, expected, sizeof expected) == 0 && table[KEYS] == total;
    job.shared = team_map_shared(KEYS * sizeof *job.shared);
    double shared_s = verdict_best_of(RUNS, run_once, &job);
    bool same = memcmp(table, expected, sizeof expected) == 0;
    team_unmap(job.shared, KEYS * sizeof *job.shared);
    printf("[parent %ld] server: %.3f s, %.0f operations/s (best of %d), table %s\n", me, server_s,
           (double)total / server_s, RUNS, ok ? "equal" : "DIFFERENT");
    printf("[parent %ld] shared memory (atomics), same operations: %.3f s, %.0f operations/s, "
           "table %s\n",
           me, shared_s, (double)total / shared_s, same ? "equal" : "DIFFERENT");
    printf(
        "[parent %ld] shared memory against the server: %s\n", me,
        verdict_compare(server_s, shared_s, "shared memory is faster", "shared memory is slower"));
    team_print_busy();
    if (!quiet)
        printf("[parent %ld]   a server operation is a request and a reply through the kernel;\n"
               "[parent %ld]   in shared memory it is one atomic instruction.\n",
               me, me);
    return ok && same ? 0 : 1;
}
