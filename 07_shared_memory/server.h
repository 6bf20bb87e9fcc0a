/* SPDX-License-Identifier: MIT */
/*
 * server.h - what steps 7 and 8 share (read with step 7), as _server.py does
 * for their Python mirrors: the clients' random operations (common/rng.h's
 * streams: a seed gives the same table in C and in Python), a request and
 * its reply, and the server that owns the table and answers one request at
 * a time, as Python's Manager() server process does.
 *     struct server s = {.clients = 4};
 *     server_run(&s, client, &s);  // each client calls ask(&s, w, ...)
 */
#ifndef FORKLORE_SERVER_H
#define FORKLORE_SERVER_H

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "interrupt.h"
#include "report.h"
#include "rng.h"
#include "team.h"

#define KEYS 8
struct request {          /* 16 bytes < PIPE_BUF: a write() of one is never interleaved */
    short from, key, set; /* set: table[key] = amount; else += amount (a read: += 0) */
    long amount;
};

struct server {
    int clients;
    int requests[2];          /* every client writes, the server reads */
    int replies[TEAM_MAX][2]; /* the server writes, client w reads [w][0] */
    long table[KEYS + 1];     /* + the count of requests served */
};

/* Client w's next operation, for a seed: 1 in 4 reads (0), 3 in 4 add 1..100. */
static inline long next_op(struct rng *r, int *key)
{
    *key = (int)rng_below(r, KEYS);
    return rng_below(r, 4) == 0 ? 0 : (long)rng_below(r, 100) + 1;
}

/* In client w: one request, one reply (the key's value): a round trip. */
static inline long ask(struct server *s, int w, int set, int key, long amount)
{
    struct request req = {.from = (short)w, .set = (short)set, .key = (short)key, .amount = amount};
    long value;
    team_write_all(s->requests[1], &req, sizeof req);
    if (read(s->replies[w][0], &value, sizeof value) != (ssize_t)sizeof value)
        die_msg("client %d: no reply from the server", w);
    return value;
}

/* Start the clients (client(w, udata)) and serve them (here the parent; Python's Manager()
 * forks one), one request at a time, in order, until every client has exited (end-of-file
 * on the request pipe). Returns the clients' seconds (team_join); the table in s->table. */
static inline double server_run(struct server *s, team_fn *client, void *udata)
{
    for (int w = 0; w <= s->clients; w++) /* a reply pipe each, then the request pipe */
        if (pipe(w < s->clients ? s->replies[w] : s->requests) != 0)
            die("pipe");
    struct team team;
    team_start(&team, s->clients, client, udata, false);
    if (close(s->requests[1]) != 0) /* or the pipe would never reach EOF */
        die("close");
    memset(s->table, 0, sizeof s->table);
    struct request q;
    ssize_t n;
    while ((n = read(s->requests[0], &q, sizeof q)) != 0) {
        if (interrupt_requested()) /* Ctrl-C, kill: in read() (EINTR) or between two */
            team_abort(&team);     /* kill and reap the clients, die of the signal */
        if (n != (ssize_t)sizeof q || q.key < 0 || q.key >= KEYS || q.from >= s->clients)
            die_msg("server: bad request");
        s->table[q.key] = q.set ? q.amount : s->table[q.key] + q.amount;
        team_write_all(s->replies[q.from][1], &s->table[q.key], sizeof(long));
        s->table[KEYS]++;
    }
    double seconds = team_join(&team);
    for (int w = 0; w <= s->clients; w++)
        if (close(w < s->clients ? s->replies[w][0] : s->requests[0]) != 0 ||
            (w < s->clients && close(s->replies[w][1]) != 0))
            die("close");
    return seconds;
}

/* What the table must hold: every client's adds, replayed from its seed. */
static inline void replay(uint64_t seed, int clients, long long ops, long *expected)
{
    long amount;
    for (int w = 0, key; w < clients; w++) {
        struct rng r;
        rng_stream(&r, seed, (uint64_t)w);
        for (long long i = 0; i < ops && !interrupt_requested(); i++)
            amount = next_op(&r, &key), expected[key] += amount; /* (key: set by the call) */
    }
    if (interrupt_requested()) /* a long replay (--ops 100M) sees Ctrl-C too */
        team_die_of_signal();
}

#endif
