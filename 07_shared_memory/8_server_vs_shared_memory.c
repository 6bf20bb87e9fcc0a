/* SPDX-License-Identifier: MIT */
/*
 * 7_manager_server.c - a server process owns a table of 8 counters; client
 * processes send it requests. `d[k] += x` done as a get and then a set (two
 * round trips) loses updates; an add done by the server in one request
 * does not. Then the same adds straight in shared memory, timed.
 * Python: m = Manager(); d = m.dict(); d[k] += x  (a get and a set: racy),
 *         against a registered method that adds in the server (see .py).
 * Usage: 7_manager_server [-j N] [--ops N] [--seed S] [-q]
 * Look for: updates lost with get-then-set, none with the server's add;
 * the server's time against shared memory's (best of 3 runs each).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "interrupt.h"
#include "report.h"
#include "rng.h"
#include "team.h"
#include "verdict.h"

#define RUNS 3
#define KEYS 8
static const char *const keys[KEYS] = {"apples", "pears", "plums", "figs",
                                       "dates",  "limes", "kiwis", "cherries"};
enum mode { GET_THEN_SET, SERVER_ADD, SHARED_ATOMIC };
enum op { OP_GET, OP_SET, OP_ADD };
struct request { /* 16 bytes < PIPE_BUF: a write() of one is never interleaved */
    short from, op, key;
    long amount;
};

struct job {
    enum mode mode;
    int clients;
    long long ops;
    unsigned long long seed;
    int requests[2];          /* every client writes, the server reads */
    int replies[TEAM_MAX][2]; /* the server writes, client w reads [w][0] */
    int result[2];            /* the server's table and request count */
    _Atomic long *shared;     /* the shared-memory table (SHARED_ATOMIC) */
};

/* Client w's next operation, the same in every run for a seed: one in four
 * reads a key, three in four add 1..100 to one. */
static void next_op(struct rng *r, int *op, int *key, long *amount)
{
    *key = (int)rng_below(r, KEYS);
    *op = rng_below(r, 4) == 0 ? OP_GET : OP_ADD;
    *amount = *op == OP_ADD ? (long)rng_below(r, 100) + 1 : 0;
}

static long ask(struct job *job, int w, int op, int key, long amount) /* a round trip */
{
    struct request req = {.from = (short)w, .op = (short)op, .key = (short)key, .amount = amount};
    long value;
    team_write_all(job->requests[1], &req, sizeof req);
    if (read(job->replies[w][0], &value, sizeof value) != (ssize_t)sizeof value)
        die_msg("client %d: no reply from the server", w);
    return value;
}

static void client(int w, struct job *job)
{
    struct rng r;
    rng_stream(&r, job->seed, (uint64_t)w);
    for (long long i = 0; i < job->ops; i++) {
        int op, key;
        long amount;
        next_op(&r, &op, &key, &amount);
        if (job->mode == SHARED_ATOMIC && op == OP_ADD)
            atomic_fetch_add(&job->shared[key], amount);
        else if (job->mode == SHARED_ATOMIC)
            (void)atomic_load(&job->shared[key]);
        else if (op == OP_ADD && job->mode == GET_THEN_SET) /* d[k] += x */
            ask(job, w, OP_SET, key, ask(job, w, OP_GET, key, 0) + amount);
        else
            ask(job, w, op, key, amount);
    }
}

/* The Manager's server: owns the table, answers one request at a time, in
 * the order they come, until every client has closed the request pipe. */
static void serve(struct job *job)
{
    long table[KEYS + 1] = {0}; /* + the count of requests served */
    struct request q;
    ssize_t n;
    if (close(job->requests[1]) != 0) /* or the pipe would never reach EOF */
        die("close");
    while ((n = read(job->requests[0], &q, sizeof q)) == (ssize_t)sizeof q) {
        if (q.key < 0 || q.key >= KEYS || q.from < 0 || q.from >= job->clients)
            break;
        table[q.key] = q.op == OP_SET ? q.amount : table[q.key] + (q.op == OP_ADD ? q.amount : 0);
        team_write_all(job->replies[q.from][1], &table[q.key], sizeof(long));
        table[KEYS]++;
    }
    if (n != 0)
        die_msg("server: bad request");
    team_write_all(job->result[1], table, sizeof table);
}

/* Worker w < clients is client w; worker `clients` is the server. */
static void role(int w, void *udata)
{
    struct job *job = udata;
    if (w == job->clients)
        serve(job);
    else
        client(w, job);
}

/* One run of one mode (for verdict_best_of); the table lands in `table`. */
static long table[KEYS + 1];
static double run_once(void *udata)
{
    struct job *job = udata;
    bool server = job->mode != SHARED_ATOMIC;
    for (int w = 0; server && w < job->clients; w++)
        if (pipe(job->replies[w]) != 0)
            die("pipe");
    if (server && (pipe(job->requests) != 0 || pipe(job->result) != 0))
        die("pipe");
    for (int k = 0; !server && k < KEYS; k++)
        atomic_store(&job->shared[k], 0);
    struct team team;
    team_start(&team, job->clients + server, role, job, false);
    for (int w = 0; server && w < job->clients; w++)
        if (close(job->replies[w][0]) != 0 || close(job->replies[w][1]) != 0)
            die("close");
    if (server && (close(job->requests[0]) != 0 || close(job->requests[1]) != 0))
        die("close");
    double seconds = team_join(&team);
    for (int k = 0; !server && k < KEYS; k++)
        table[k] = atomic_load(&job->shared[k]);
    if (server && (close(job->result[1]) != 0 ||
                   read(job->result[0], table, sizeof table) != (ssize_t)sizeof table ||
                   close(job->result[0]) != 0)) /* (the pipe holds it after the exit) */
        die_msg("the server's table did not arrive");
    return seconds;
}

static void print_table(const char *label, const long *values)
{
    printf("[parent %ld] %s", (long)getpid(), label);
    for (int k = 0; k < KEYS; k++)
        printf(" %s=%ld", keys[k], values[k]);
    printf("\n");
}

static const char help[] =
    "Usage: 7_manager_server [-j N] [--ops N] [--seed S] [-q]\n"
    "  -j, --workers N  client processes (default: usable CPUs, at least 2)\n"
    "      --ops N      requests per client (default 5000)\n"
    "      --seed S     seed of the clients' random updates (default 7)\n"
    "  -q, --quiet      results only, no explanations\n"
    "  -h, --help       this text\n";

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long workers = cpus_for_pool() < 2 ? 2 : cpus_for_pool(), ops = 5000, seed = 7, quiet = 0;
    const struct team_flag flags[] = {{"-j/--workers", &workers, 1, team_max_workers() - 1},
                                      {"--ops", &ops, 1, 100000000},
                                      {"--seed", &seed, 0, (1LL << 62)},
                                      {"-q/--quiet", &quiet, 0, 0},
                                      {NULL, NULL, 0, 0}};
    team_parse_flags(argc, argv, help, flags);
    interrupt_install();
    struct job job = {.clients = (int)workers, .ops = ops, .seed = (unsigned long long)seed};
    long me = (long)getpid(), expected[KEYS] = {0}, total = (long)(workers * ops);
    printf("[parent %ld] a server owns a %d-key table; %d clients send %lld requests each (seed "
           "%lld)\n",
           me, KEYS, job.clients, ops, seed);
    for (int w = 0; w < job.clients; w++) { /* what the table must hold: replay every add */
        struct rng r;
        rng_stream(&r, job.seed, (uint64_t)w);
        for (long long i = 0; i < ops; i++) {
            int op, key;
            long amount;
            next_op(&r, &op, &key, &amount);
            expected[key] += amount;
        }
    }
    long want = 0, got = 0;
    for (int k = 0; k < KEYS; k++)
        want += expected[k];
    job.mode = GET_THEN_SET;
    run_once(&job);
    for (int k = 0; k < KEYS; k++)
        got += table[k];
    print_table("get then set (d[k] += x):", table);
    printf("[parent %ld] get then set: %ld of the %ld added lost (%.1f%%)\n", me, want - got, want,
           100.0 * (double)(want - got) / (double)want);
    job.mode = SERVER_ADD;
    double server_s = verdict_best_of(RUNS, run_once, &job);
    print_table("server's table:  ", table);
    print_table("replayed adds:   ", expected);
    bool ok = memcmp(table, expected, sizeof expected) == 0 && table[KEYS] == total;
    printf(
        "[parent %ld] the server answered %ld of %ld requests; its table %s the replayed updates\n",
        me, table[KEYS], total, ok ? "equals" : "DIFFERS FROM");
    job.mode = SHARED_ATOMIC;
    job.shared = team_map_shared(KEYS * sizeof *job.shared);
    double shared_s = verdict_best_of(RUNS, run_once, &job);
    bool same = memcmp(table, expected, sizeof expected) == 0;
    ok &= same;
    team_unmap(job.shared, KEYS * sizeof *job.shared);
    printf("[parent %ld] server: %.3f s, %.0f operations/s (best of %d)\n", me, server_s,
           (double)total / server_s, RUNS);
    printf("[parent %ld] shared memory (atomics), same operations: %.3f s, %.0f operations/s, "
           "table %s\n",
           me, shared_s, (double)total / shared_s, same ? "equal" : "DIFFERENT");
    printf(
        "[parent %ld] shared memory against the server: %s\n", me,
        verdict_compare(server_s, shared_s, "shared memory is faster", "shared memory is slower"));
    team_print_busy();
    if (!quiet)
        printf("[parent %ld]   each server operation is a request and a reply through the\n"
               "[parent %ld]   kernel; the server holds any type and could serve other\n"
               "[parent %ld]   machines, but a client's get-then-set is still a race: make\n"
               "[parent %ld]   the server do the whole update, in one request.\n",
               me, me, me, me);
    return ok ? 0 : 1;
}
