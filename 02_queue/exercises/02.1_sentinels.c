/* SPDX-License-Identifier: MIT */
/*
 * 02.1_sentinels.c - exercise: end the work with one sentinel per consumer
 * (Python: q.put(None)), not queue_close(). Yours: consume(), send_sentinels().
 * Usage: 02.1_sentinels [-p PRODUCERS] [-j CONSUMERS] [-n ITEMS]
 * Look for the summary: every item consumed once, every consumer stopped.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "crew.h"
#include "opts.h"
#include "interrupt.h"
#include "queue.h"
#include "report.h"
#include "waitstatus.h"

#define PATIENCE 3.0  /* seconds a process waits on the queue before giving up */
#define SENTINEL (-1) /* Python's None: no real producer has that number */

struct item {
    long long producer, seq; /* producer: 0 to PRODUCERS - 1, or SENTINEL */
};

struct tally { /* what a consumer sends back when it stops */
    int consumer;
    long long got, sum; /* sum: of the seq numbers it got */
};

static long long producers = 2, workers = 3, items = 1000; /* -p, -j, -n */

/* `call` failed. EINTR: try again; ETIMEDOUT: say why, give up; else die. */
static void on_failure(const char *call, const char *who, const char *why)
{
    if (errno == EINTR)
        return;
    if (errno != ETIMEDOUT)
        die(call);
    printf("[%s pid %ld] waited %.0f s: %s\n", who, (long)getpid(), PATIENCE, why);
    _exit(1);
}

static void get_item(struct queue *q, struct item *it)
{
    while (queue_get(q, it, sizeof *it, PATIENCE) < 0)
        on_failure("queue_get", "consumer", "nothing came, no sentinel for me?");
}

static void put_item(struct queue *q, const void *msg, size_t size, const char *who)
{
    while (queue_put(q, msg, size, PATIENCE) != 0)
        on_failure("queue_put", who, "the queue stayed full, is anyone still consuming?");
}

/* Python: while (item := q.get()) is not None: got += 1; total += item.seq */
static void consume(struct queue *q, struct tally *t)
{
#ifdef SOLUTION
    struct item it;
    for (get_item(q, &it); it.producer != SENTINEL; get_item(q, &it)) {
        t->got++;
        t->sum += it.seq;
    } /* that sentinel was mine: take no more, and do not put it back */
#else
    /* TODO: get_item(q, &it) until a sentinel comes (do not put it back: each
     * consumer gets its own); count the others in t->got, sum their seq in t->sum. */
    (void)q, (void)t;
#endif
}

/* The parent's end of work, once every producer is joined. */
static void send_sentinels(struct queue *q, int consumers)
{
#ifdef SOLUTION
    struct item stop = {.producer = SENTINEL}; /* one each: a consumer stops at the first */
    for (int c = 0; c < consumers; c++)
        put_item(q, &stop, sizeof stop, "parent");
#else
    /* TODO: stop every consumer: put_item(q, &stop, sizeof stop, "parent")
     * as many times as it takes, if each stops at the first sentinel it gets. */
    (void)q, (void)consumers;
#endif
}

static bool join_all(struct crew *crew, const pid_t *pids, int n, const char *role)
{
    bool ok = true;
    char how[64];
    for (int i = 0; i < n; i++) {
        if (wait_exitcode(crew_join(crew, pids[i], how, sizeof how)) == 0)
            continue;
        printf("[parent %ld] %s %d %s\n", (long)getpid(), role, i, how);
        ok = false;
    }
    return ok;
}

static bool run(struct crew *crew, struct queue *q, struct queue *tallies)
{
    pid_t pids[workers + producers]; /* consumers first */
    for (int c = 0; c < workers; c++)
        if ((pids[c] = crew_fork(crew)) == 0) { /* a consumer */
            struct tally t = {.consumer = c};
            consume(q, &t);
            put_item(tallies, &t, sizeof t, "consumer");
            _exit(0);
        }
    for (int p = 0; p < producers; p++)
        if ((pids[workers + p] = crew_fork(crew)) == 0) { /* a producer */
            for (long long seq = 0; seq < items; seq++)
                put_item(q, &(struct item){p, seq}, sizeof(struct item), "producer");
            _exit(0);
        }
    bool ok = join_all(crew, pids + workers, (int)producers, "producer");
    printf("[parent %ld] every producer joined; sending the sentinels\n", (long)getpid());
    send_sentinels(q, (int)workers);
    long long got = 0, sum = 0, total = items * producers;
    int stopped = 0; /* read the tallies, THEN join (step 3); one that gave up sends none */
    struct tally t;
    while (stopped < workers && queue_get(tallies, &t, sizeof t, PATIENCE + 1) >= 0) {
        printf("[parent %ld] consumer %d stopped and reported: got %lld items\n", (long)getpid(),
               t.consumer, t.got);
        got += t.got;
        sum += t.sum;
        stopped++;
    }
    ok = join_all(crew, pids, (int)workers, "consumer") && ok;
    long long want = producers * (items * (items - 1) / 2);
    printf("[parent %ld] consumers stopped: %d of %lld; items consumed: %lld of %lld; sum of seq: "
           "%lld (expected %lld); left in the queue: %zu\n",
           (long)getpid(), stopped, workers, got, total, sum, want, queue_size(q));
    return ok && stopped == workers && got == total && sum == want && queue_size(q) == 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct flag flags[] = {
        FLAG_PROCESSES('p', "producers", &producers, "producers (default 2)"),
        FLAG_WORKERS(&workers, "consumers (default 3)"),
        FLAG_N(&items, 1, 1000000, "items each producer puts (default 1000)"),
        OPTS_END("-p 3 -j 2 -n 100"),
    };
    opts_parse(argc, argv, NULL, "Producers and consumers, ended by one sentinel each.", flags);
    interrupt_install(); /* Ctrl-C: stop and reap every child (crew.h) */
    struct crew crew = crew_create((int)(producers + workers));
    struct queue *q = queue_create(16, sizeof(struct item));
    struct queue *tallies = queue_create((size_t)workers, sizeof(struct tally));
    if (q == NULL || tallies == NULL)
        die("queue_create");
    printf("[parent %ld] %lld producers x %lld items, %lld consumers, one queue\n", (long)getpid(),
           producers, items, workers);
    bool ok = run(&crew, q, tallies);
    crew_check(&crew);
    printf("[parent %ld] summary: %s\n", (long)getpid(),
           ok ? "every item once, every consumer stopped, nothing left over"
              : "SOMETHING IS WRONG");
    crew_destroy(&crew);
    queue_destroy(tallies);
    queue_destroy(q);
    return ok ? 0 : 1;
}
