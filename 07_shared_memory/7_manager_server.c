/* SPDX-License-Identifier: MIT */
/*
 * 7_manager_server.c - a server process owns a table of 8 counters; clients
 * send it requests. `d[k] += x` as a get then a set (two round trips) loses
 * updates; an add done by the server, in one request, does not.
 * Python: Manager().dict(), d[k] += x (racy); a registered add() (see .py)
 * Usage: 7_manager_server [-j N] [--ops N] [--seed S] [-q]
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "interrupt.h"
#include "opts.h"
#include "report.h"
#include "rng.h"
#include "team.h"

#include "server.h" /* KEYS, next_op, ask, server_run, replay: read it with this step */

static const char *const keys[KEYS] = {"apples", "pears", "plums", "figs",
                                       "dates",  "limes", "kiwis", "cherries"};

struct job {
    struct server server; /* the clients, their pipes, the table */
    bool get_then_set;    /* d[k] += x as two requests, or one add */
    long long ops, seed;
};

static void client(int w, void *udata) /* a proxy: every call is a request */
{
    struct job *job = udata;
    struct rng r;
    rng_stream(&r, (uint64_t)job->seed, (uint64_t)w);
    for (long long i = 0; i < job->ops; i++) {
        int key;
        long amount = next_op(&r, &key);
        if (job->get_then_set && amount > 0) /* d[k] += x: __getitem__, __setitem__ */
            ask(&job->server, w, 1, key, ask(&job->server, w, 0, key, 0) + amount);
        else
            ask(&job->server, w, 0, key, amount);
    }
}

static void print_table(const char *label, const long *values)
{
    printf("[parent %ld] %s", (long)getpid(), label);
    for (int k = 0; k < KEYS; k++)
        printf(" %s=%ld", keys[k], values[k]);
    printf("\n");
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
    opts_parse(argc, argv, NULL, "A server process owns a table; clients send it requests.", flags);
    interrupt_install();
    struct job job = {.server.clients = (int)workers, .ops = ops, .seed = seed};
    const long *table = job.server.table;
    long me = (long)getpid(), expected[KEYS] = {0}, total = (long)(workers * ops), want = 0,
         got = 0;
    printf("[parent %ld] a server owns a %d-key table; %d clients send %lld requests each "
           "(seed %lld)\n",
           me, KEYS, job.server.clients, ops, seed);
    job.get_then_set = true;
    server_run(&job.server, client, &job);
    replay((uint64_t)seed, job.server.clients, ops, expected);
    for (int k = 0; k < KEYS; k++)
        want += expected[k], got += table[k];
    printf("[parent %ld] get then set: %ld of the %ld added lost (%.1f%%)\n", me, want - got, want,
           100.0 * (double)(want - got) / (double)want);
    job.get_then_set = false;
    server_run(&job.server, client, &job);
    print_table("server's table:  ", table);
    print_table("replayed adds:   ", expected);
    bool ok = memcmp(table, expected, sizeof expected) == 0 && table[KEYS] == total;
    printf(
        "[parent %ld] the server answered %ld of %ld requests; its table %s the replayed updates\n",
        me, table[KEYS], total, ok ? "equals" : "DIFFERS FROM");
    if (!quiet)
        printf("[parent %ld]   d[k] += x is two requests: another client's set can come\n"
               "[parent %ld]   in between them; the server's add is one: nothing in between.\n",
               me, me);
    return ok ? 0 : 1;
}
