/* SPDX-License-Identifier: MIT */
/*
 * manager_dict.c - after step 7, a real Manager (common/manager.h): W clients
 * do d["hits"] += 1 as a DictProxy does, dict_get then dict_set (updates
 * lost), then with dict_add, done by the server (none lost), and as an
 * atomic in shared memory; 3 runs each way, the best timed.
 * Python: d = Manager().dict(); d["hits"] += 1; l = manager.list(); l.append(x)
 * Usage: manager_dict [-j N] [--ops N] [-q]
 * Look for: the updates lost in each get-then-set run; a round trip's cost.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cpus.h"
#include "interrupt.h"
#include "manager.h"
#include "opts.h"
#include "report.h"
#include "team.h"
#include "verdict.h"

#define RUNS 3
enum way { GET_THEN_SET, SERVER_ADD, SHARED_ATOMIC };
static const char *const names[] = {
    "get then set (dict_get, dict_set):", "dict_add (done by the server):    ",
    "shared memory (atomic_fetch_add): "};

struct job {
    struct manager *m;
    struct manager_conn *parent; /* the parent's connection */
    enum way way;
    int clients, run;
    long long ops, counted[RUNS], lost[3]; /* hits after each run; lost per way */
    _Atomic long long *shared;             /* SHARED_ATOMIC's counter */
};

static void check(long result, const char *what) /* a failed call ends the program */
{
    if (result < 0 && interrupt_requested())
        team_die_of_signal(); /* (the server ends with us: manager.h) */
    if (result < 0)
        die(what);
}

static long long get_hits(struct manager_conn *c) /* int(d["hits"]) */
{
    char text[32] = "", *end; /* zeros: the value read is a string */
    check(dict_get(c, "hits", text, sizeof text - 1), "dict_get");
    long long hits = strtoll(text, &end, 10);
    if (end == text || *end != '\0') /* Python's int() raises ValueError */
        die_msg("d[\"hits\"] is not a number: \"%s\"", text);
    return hits;
}

static void client(int w, void *udata) /* a team worker: connects, increments */
{
    struct job *job = udata;
    for (long long i = 0; job->way == SHARED_ATOMIC && i < job->ops; i++)
        atomic_fetch_add(job->shared, 1); /* no server at all */
    if (job->way == SHARED_ATOMIC)
        return;
    struct manager_conn *c = manager_connect(job->m); /* each process its own */
    check(c ? 0 : -1, "manager_connect");
    char text[64];
    for (long long i = 0; i < job->ops; i++) { /* d["hits"] += 1: __getitem__, __setitem__ */
        if (job->way == GET_THEN_SET) {
            int n = snprintf(text, sizeof text, "%lld", get_hits(c) + 1);
            check(dict_set(c, "hits", text, (size_t)n), "dict_set");
        } else /* one request: the server adds */
            check(dict_add(c, "hits", 1, NULL), "dict_add");
    }
    if (job->way == SERVER_ADD && job->run == 0) { /* l.append(...), once */
        int n = snprintf(text, sizeof text, "client %d (pid %ld) added %lld", w, (long)getpid(),
                         job->ops);
        check(list_append(c, text, (size_t)n), "list_append");
    }
    manager_disconnect(c);
}

static double run_once(void *udata) /* one timed run of job->way */
{
    struct job *job = udata;
    struct team team;
    atomic_store(job->shared, 0);
    check(dict_set(job->parent, "hits", "0", 1), "dict_set"); /* d["hits"] = 0 */
    team_start(&team, job->clients, client, job, false);
    double seconds = team_join(&team);
    job->counted[job->run++] =
        job->way == SHARED_ATOMIC ? atomic_load(job->shared) : get_hits(job->parent);
    return seconds;
}

static double measure(struct job *job, enum way way, long long total)
{
    job->way = way, job->run = 0;
    double best = verdict_best_of(RUNS, run_once, job);
    long long *c = job->counted;
    job->lost[way] = 3 * total - c[0] - c[1] - c[2];
    printf(
        "[parent %ld] %s lost %lld, %lld, %lld of %lld; %.3f s, %.0f increments/s (best of %d)\n",
        (long)getpid(), names[way], total - c[0], total - c[1], total - c[2], total, best,
        (double)total / best, RUNS);
    return best;
}

static void finish(struct job *job, bool quiet) /* the list, del, shutdown */
{
    char last[64] = "";
    check(list_get(job->parent, -1, last, sizeof last - 1), "list_get"); /* l[-1] */
    long me = (long)getpid();
    printf("[parent %ld] l: %zd entries (list_len), l[-1] = \"%s\"\n", me, list_len(job->parent),
           last);
    check(dict_delete(job->parent, "hits"), "dict_delete"); /* del d["hits"] */
    ssize_t len = dict_len(job->parent);
    printf("[parent %ld] del d[\"hits\"]: len(d) = %zd; manager_shutdown: %s\n", me, len,
           manager_shutdown(job->m) == 0 ? "the server exited" : "FAILED");
    if (!quiet)
        printf("[parent %ld]   the server does one request at a time, but d[k] += 1 is two:\n"
               "[parent %ld]   another client's set comes in between, and an increment is\n"
               "[parent %ld]   overwritten. dict_add is one request; an atomic, one instruction.\n",
               me, me, me);
    manager_disconnect(job->parent);
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool() < 2 ? 2 : cpus_for_pool(), ops = 2000;
    bool quiet = false;
    const struct flag flags[] = {
        {'j', FLAG_INT, "workers", "N", "client processes (default: usable CPUs, at least 2)", 1,
         team_max_workers() - 1, &workers},
        {0, FLAG_COUNT, "ops", "N", "increments per client and run (default 2000)", 1, 100000000,
         &ops},
        {'q', FLAG_SWITCH, "quiet", NULL, "results only, no explanations", 0, 0, &quiet},
        {0},
    };
    opts_parse(argc, argv, "[-j N] [--ops N] [-q]",
               "d[k] += 1 through a Manager's dict: get then set, dict_add, shared memory.", flags);
    interrupt_install();
    struct job job = {.clients = (int)workers, .ops = ops, .m = manager_start()};
    check(job.m != NULL && (job.parent = manager_connect(job.m)) != NULL ? 0 : -1, "manager_start");
    job.shared = team_map_shared(sizeof *job.shared);
    long me = (long)getpid(), total = (long)(workers * ops);
    printf("[parent %ld] a manager's server (pid %ld) holds d and l; %d clients each do "
           "d[\"hits\"] += 1 %lld times, %d runs each way\n",
           me, (long)manager_pid(job.m), job.clients, ops, RUNS);
    double racy_s = measure(&job, GET_THEN_SET, total);
    double add_s = measure(&job, SERVER_ADD, total);
    double shared_s = measure(&job, SHARED_ATOMIC, total);
    printf("[parent %ld] dict_add against get then set: %s\n", me,
           verdict_compare(racy_s, add_s, "dict_add is faster", "dict_add is slower"));
    printf("[parent %ld] shared memory against dict_add: %s\n", me,
           verdict_compare(add_s, shared_s, "shared memory is faster", "shared memory is slower"));
    team_print_busy();
    finish(&job, quiet);
    team_unmap(job.shared, sizeof *job.shared);
    return job.lost[SERVER_ADD] == 0 && job.lost[SHARED_ATOMIC] == 0 ? 0 : 1;
}
