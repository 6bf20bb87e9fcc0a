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

#define KEYS 8
static const char *const keys[KEYS] = {"apples", "pears", "plums", "figs",
                                       "dates",  "limes", "kiwis", "cherries"};
struct request {          /* 16 bytes < PIPE_BUF: a write() of one is never interleaved */
    short from, key, set; /* set: table[key] = amount; else += amount (a read: += 0) */
    long amount;
};

struct job {
    bool get_then_set; /* d[k] += x as two requests, or one add */
    int clients;
    long long ops, seed;
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
    team_write_all(job->requests[1], &req, sizeof req);
    if (read(job->replies[w][0], &req.amount, sizeof(long)) != (ssize_t)sizeof(long))
        die_msg("client %d: no reply from the server", w);
    return req.amount; /* the reply: the key's value */
}

static void client(int w, void *udata) /* a proxy: every call is a request */
{
    struct job *job = udata;
    struct rng r;
    rng_stream(&r, (uint64_t)job->seed, (uint64_t)w);
    for (long long i = 0; i < job->ops; i++) {
        int key;
        long amount = next_op(&r, &key);
        if (job->get_then_set && amount > 0) /* d[k] += x: __getitem__, __setitem__ */
            ask(job, w, 1, key, ask(job, w, 0, key, 0) + amount);
        else
            ask(job, w, 0, key, amount);
    }
}

/* The server (here the parent; Python's Manager() forks one) owns the table and answers
 * one request at a time, in order, until every client has exited (end-of-file on the pipe). */
static long table[KEYS + 1]; /* + the count of requests served */
static void serve(struct job *job)
{
    for (int w = 0; w <= job->clients; w++) /* a reply pipe each, then the request pipe */
        if (pipe(w < job->clients ? job->replies[w] : job->requests) != 0)
            die("pipe");
    struct team team;
    team_start(&team, job->clients, client, job, false);
    if (close(job->requests[1]) != 0) /* or the pipe would never reach EOF */
        die("close");
    memset(table, 0, sizeof table);
    struct request q;
    ssize_t n;
    while ((n = read(job->requests[0], &q, sizeof q)) != 0) {
        if (interrupt_requested()) /* Ctrl-C, kill: in read() (EINTR) or between two */
            team_abort(&team);     /* kill and reap the clients, die of the signal */
        if (n != (ssize_t)sizeof q || q.key < 0 || q.key >= KEYS || q.from >= job->clients)
            die_msg("server: bad request");
        table[q.key] = q.set ? q.amount : table[q.key] + q.amount;
        team_write_all(job->replies[q.from][1], &table[q.key], sizeof(long));
        table[KEYS]++;
    }
    team_join(&team);
    for (int w = 0; w <= job->clients; w++)
        if (close(w < job->clients ? job->replies[w][0] : job->requests[0]) != 0 ||
            (w < job->clients && close(job->replies[w][1]) != 0))
            die("close");
}

/* What the table must hold: every client's adds, replayed from its seed. */
static void replay(const struct job *job, long *expected)
{
    long amount;
    for (int w = 0, key; w < job->clients; w++) {
        struct rng r;
        rng_stream(&r, (uint64_t)job->seed, (uint64_t)w);
        for (long long i = 0; i < job->ops && !interrupt_requested(); i++)
            amount = next_op(&r, &key), expected[key] += amount; /* (key: set by the call) */
    }
    if (interrupt_requested()) /* a long replay (--ops 100M) sees Ctrl-C too */
        team_die_of_signal();
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
    struct job job = {.clients = (int)workers, .ops = ops, .seed = seed};
    long me = (long)getpid(), expected[KEYS] = {0}, total = (long)(workers * ops), want = 0,
         got = 0;
    printf("[parent %ld] a server owns a %d-key table; %d clients send %lld requests each "
           "(seed %lld)\n",
           me, KEYS, job.clients, ops, seed);
    job.get_then_set = true;
    serve(&job);
    replay(&job, expected);
    for (int k = 0; k < KEYS; k++)
        want += expected[k], got += table[k];
    printf("[parent %ld] get then set: %ld of the %ld added lost (%.1f%%)\n", me, want - got, want,
           100.0 * (double)(want - got) / (double)want);
    job.get_then_set = false;
    serve(&job);
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
