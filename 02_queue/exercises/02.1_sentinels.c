/* SPDX-License-Identifier: MIT */
/*
 * 02.1_sentinels.c - exercise: end the work with one sentinel per consumer,
 * as Python does with q.put(None), instead of queue_close().
 *
 * Usage: 02.1_sentinels [-p PRODUCERS] [-j CONSUMERS] [-n ITEMS]
 *
 * Producers put numbered items on one queue; consumers take them and add
 * them up. When every producer is done, the parent must tell the consumers
 * "no more work" with a special item, the sentinel. Your part: consume(),
 * the consumer's loop, and send_sentinels(), the parent's end of work. The
 * program then checks that every item was consumed exactly once (count and
 * sum), that every consumer stopped, and that no sentinel was left over.
 * A process that waits 3 s for the queue gives up and says so: no hang.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "pool.h" /* pool_max_workers(): the -j limit */
#include "queue.h"
#include "report.h"
#include "waitstatus.h"

#define PATIENCE 3.0 /* seconds a process waits on the queue before giving up */

/* One item on the queue. producer == SENTINEL marks the sentinel, the C
 * counterpart of Python's None: no real producer has that number. */
struct item {
    int producer;
    long long seq;
};
#define SENTINEL (-1)

/* What a consumer sends back when it stops. */
struct tally {
    int consumer;
    long long got;
    long long sum; /* of the seq numbers it got */
};

static const char usage_text[] =
    "Usage: 02.1_sentinels [-p PRODUCERS] [-j CONSUMERS] [-n ITEMS]\n"
    "Producers and consumers over one queue, ended by one sentinel per consumer.\n"
    "\n"
    "  -p, --producers N   producer processes (default 2)\n"
    "  -j, --workers N     consumer processes (default 3)\n"
    "  -n N                items each producer puts (default 1000)\n"
    "  -h, --help          this text\n";

/* Take one item; a consumer that waited PATIENCE seconds gives up. */
static void get_item(struct queue *q, struct item *it, int consumer)
{
    while (queue_get(q, it, sizeof *it, PATIENCE) < 0) {
        if (errno == EINTR)
            continue;
        if (errno == ETIMEDOUT) {
            printf("[consumer %d pid %ld] waited %.0f s and nothing came: no "
                   "sentinel for me?\n",
                   consumer, (long)getpid(), PATIENCE);
            fflush(stdout);
            _exit(1);
        }
        die("queue_get");
    }
}

/* Put one message; a process that waited PATIENCE seconds gives up. */
static void put_item(struct queue *q, const void *msg, size_t size, const char *who)
{
    while (queue_put(q, msg, size, PATIENCE) != 0) {
        if (errno == EINTR)
            continue;
        if (errno == ETIMEDOUT) {
            printf("[%s pid %ld] the queue stayed full for %.0f s: is anyone "
                   "still consuming?\n",
                   who, (long)getpid(), PATIENCE);
            fflush(stdout);
            _exit(1);
        }
        die("queue_put");
    }
}

/*
 * The consumer's loop. Take items with get_item(q, &it, index) until you
 * get the sentinel; count the real items in t->got and add their seq
 * numbers to t->sum. Python:
 *     while (item := q.get()) is not None:
 *         got += 1; total += item.seq
 */
static void consume(struct queue *q, int index, struct tally *t)
{
#ifdef SOLUTION
    struct item it;
    for (;;) {
        get_item(q, &it, index);
        if (it.producer == SENTINEL)
            break; /* this sentinel was for me: take no more */
        t->got++;
        t->sum += it.seq;
    }
#else
    /* TODO: loop: get an item; stop at the first sentinel (do not put it
     * back: each consumer gets its own); otherwise count it and add its
     * seq to t->sum. */
    (void)q;
    (void)index;
    (void)t;
#endif
}

/*
 * The parent's end of work, called once every producer has been joined:
 * tell all `consumers` consumers to stop, with
 * put_item(q, &it, sizeof it, "parent").
 */
static void send_sentinels(struct queue *q, int consumers)
{
#ifdef SOLUTION
    /* One per consumer: each consumer takes exactly one and stops, so one
     * sentinel would stop one consumer and leave the others waiting. */
    struct item stop = {.producer = SENTINEL, .seq = 0};
    for (int c = 0; c < consumers; c++)
        put_item(q, &stop, sizeof stop, "parent");
#else
    /* TODO: how many sentinels does it take to stop every consumer, if each
     * consumer stops at the first one it gets? Put that many. */
    (void)q;
    (void)consumers;
#endif
}

static void parse_options(int argc, char **argv, int *producers, int *consumers, long long *items)
{
    static const struct option longopts[] = {
        {"producers", required_argument, NULL, 'p'},
        {"workers", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* getopt's errors are reported on one line, below */
    int c;
    while ((c = getopt_long(argc, argv, ":p:j:n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': *producers = (int)cli_parse_int("-p", optarg, 1, pool_max_workers()); break;
        case 'j': *consumers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': *items = cli_parse_count("-n", optarg, 1, 1000000); break;
        case 'h': fputs(usage_text, stdout); exit(0);
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default: usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
}

static pid_t start_child(void)
{
    fflush(stdout); /* or the child would print the parent's buffer again */
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    return pid;
}

static int join_child(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid");
    return status;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    int producers = 2, consumers = 3;
    long long items = 1000;
    parse_options(argc, argv, &producers, &consumers, &items);
    long self = (long)getpid();

    struct queue *q = queue_create(16, sizeof(struct item));
    struct queue *tallies = queue_create((size_t)consumers, sizeof(struct tally));
    /* Static, so the children's copies stay reachable: they _exit. */
    static pid_t *pids;
    pids = calloc((size_t)producers + (size_t)consumers, sizeof *pids);
    if (q == NULL || tallies == NULL || pids == NULL)
        die("allocating");
    printf("[parent %ld] %d producers x %lld items, %d consumers, one queue\n", self, producers,
           items, consumers);

    for (int c = 0; c < consumers; c++) {
        if ((pids[c] = start_child()) == 0) {
            struct tally t = {.consumer = c};
            consume(q, c, &t);
            put_item(tallies, &t, sizeof t, "consumer");
            _exit(0);
        }
    }
    for (int p = 0; p < producers; p++) {
        if ((pids[consumers + p] = start_child()) == 0) {
            for (long long seq = 0; seq < items; seq++) {
                struct item it = {.producer = p, .seq = seq};
                put_item(q, &it, sizeof it, "producer");
            }
            _exit(0);
        }
    }

    bool ok = true;
    char how[64];
    for (int p = 0; p < producers; p++) {
        int status = join_child(pids[consumers + p]);
        ok = ok && wait_exitcode(status) == 0;
        if (wait_exitcode(status) != 0)
            printf("[parent %ld] producer %d %s\n", self, p,
                   wait_describe(status, how, sizeof how));
    }
    printf("[parent %ld] every producer joined; sending the sentinels\n", self);
    send_sentinels(q, consumers);

    /* Drain the tallies before joining the consumers (the pipe deadlock's
     * lesson); a consumer that gave up sends none. */
    long long got = 0, sum = 0;
    int stopped = 0;
    struct tally t;
    while (stopped < consumers && queue_get(tallies, &t, sizeof t, PATIENCE + 1) >= 0) {
        printf("[parent %ld] consumer %d stopped and reported: got %lld "
               "items\n",
               self, t.consumer, t.got);
        got += t.got;
        sum += t.sum;
        stopped++;
    }
    for (int c = 0; c < consumers; c++) {
        int status = join_child(pids[c]);
        if (wait_exitcode(status) != 0) {
            ok = false;
            printf("[parent %ld] consumer %d %s\n", self, c,
                   wait_describe(status, how, sizeof how));
        }
    }
    size_t left = queue_size(q);
    long long total = items * producers;
    long long want_sum = producers * (items * (items - 1) / 2);
    ok = ok && stopped == consumers && got == total && sum == want_sum && left == 0;
    printf("[parent %ld] consumers stopped: %d of %d; items consumed: %lld of "
           "%lld; sum of seq: %lld (expected %lld); left in the queue: %zu\n",
           self, stopped, consumers, got, total, sum, want_sum, left);
    printf("[parent %ld] summary: %s\n", self,
           ok ? "every item once, every consumer stopped, nothing left over"
              : "SOMETHING IS WRONG");
    free(pids);
    queue_destroy(tallies);
    queue_destroy(q);
    return ok ? 0 : 1;
}
