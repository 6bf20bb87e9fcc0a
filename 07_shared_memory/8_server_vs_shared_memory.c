/* SPDX-License-Identifier: MIT */
/*
 * 8_server_vs_shared_memory.c - the same updates as step 7, done by the
 * server (one request and one reply each) and straight in shared memory
 * (atomics): what a server's convenience costs, best of 3 runs each.
 * Python: Manager() proxy calls, against an Array with its lock (see .py)
 * Usage: 8_server_vs_shared_memory [-j N] [--ops N] [--seed S] [-q]
 */
#include <errno.h>
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

#define RUNS 3
#define KEYS 8
struct request {          /* 16 bytes < PIPE_BUF: a write() of one is never interleaved */
    short from, key, set; /* set: table[key] = amount; else += amount (a read: += 0) */
    long amount;
};

struct job {
    _Atomic long *shared; /* NULL: through the server; else this table */
    int clients;
    long long ops;
    unsigned long long seed;
    int requests[2];          /* every client writes, the server reads */
    int replies[TEAM_MAX][2]; /* the server writes, client w reads [w][0] */
};

/* Client w's next operation, for a seed: 1 in 4 reads (0), 3 in 4 add 1..100. */
static long next_op(struct rng *r, int *key)
{
    *key = (int)rng_below(r, KEYS);
    return rng_below(r, 4) == 0 ? 0 : (long)rng_below(r, 100) + 1;
}

static long ask(struct job *job, int w, int set, int key, long amount) /* a round trip */
{
    struct request req = {.from = (short)w, .set = (short)set, .key = (short)key, .amount = amount};
    long value;
    team_write_all(job->requests[1], &req, sizeof req);
    if (read(job->replies[w][0], &value, sizeof value) != (ssize_t)sizeof value)
        die_msg("client %d: no reply from the server", w);
    return value;
}

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
            ask(job, w, 0, key, amount);
    }
}

/* The server (here the parent; Python's Manager() forks one): it owns the
 * table and answers one request at a time, in the order they come, until
 * every client has exited (end-of-file on the request pipe). */
static long table[KEYS + 1]; /* + the count of requests served */
static double run_once(void *udata)
{
    struct job *job = udata;
    for (int w = 0; w <= job->clients; w++) /* a reply pipe each, then the request pipe */
        if (pipe(w < job->clients ? job->replies[w] : job->requests) != 0)
            die("pipe");
    struct team team;
    for (int k = 0; job->shared != NULL && k < KEYS; k++)
        atomic_store(&job->shared[k], 0);
    team_start(&team, job->clients, client, job, false);
    if (close(job->requests[1]) != 0) /* or the pipe would never reach EOF */
        die("close");
    memset(table, 0, sizeof table);
    struct request q;
    ssize_t n;
    while ((n = read(job->requests[0], &q, sizeof q)) != 0) {
        if (n < 0 && errno == EINTR && interrupt_requested())
            team_abort(&team);
        if (n != (ssize_t)sizeof q || q.key < 0 || q.key >= KEYS || q.from >= job->clients)
            die_msg("server: bad request");
        table[q.key] = q.set ? q.amount : table[q.key] + q.amount;
        team_write_all(job->replies[q.from][1], &table[q.key], sizeof(long));
        table[KEYS]++;
    }
    double seconds = team_join(&team);
    for (int k = 0; job->shared != NULL && k < KEYS; k++)
        table[k] = atomic_load(&job->shared[k]);
    for (int w = 0; w <= job->clients; w++)
        if (close(w < job->clients ? job->replies[w][0] : job->requests[0]) != 0 ||
            (w < job->clients && close(job->replies[w][1]) != 0))
            die("close");
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
    struct job job = {.clients = (int)workers, .ops = ops, .seed = (unsigned long long)seed};
    long me = (long)getpid(), expected[KEYS] = {0}, total = (long)(workers * ops);
    printf("[parent %ld] a server owns a %d-key table; %d clients send %lld requests each", me,
           KEYS, job.clients, ops);
    printf(" (seed %lld)\n", seed);
    for (int w = 0; w < job.clients; w++) { /* what the table must hold: replay every add */
        struct rng r;
        rng_stream(&r, job.seed, (uint64_t)w);
        for (long long i = 0; i < ops; i++) {
            int key;
            long amount = next_op(&r, &key); /* (key is set by the call) */
            expected[key] += amount;
        }
    }
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
