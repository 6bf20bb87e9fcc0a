/* SPDX-License-Identifier: MIT */
/*
 * joinable_kill.c - chapter 02's extra step: JoinableQueue, task_done() and
 * join(), and what join does when a consumer is killed holding an item.
 * Also qsize(), empty() and full(): snapshots, stale once returned.
 *
 *     q = JoinableQueue(8)
 *     for i in range(8): q.put(i)
 *     q.qsize(), q.empty(), q.full()     # 8 False True
 *     # consumers: x = q.get(); work(x); q.task_done()
 *     q.join()                           # every item put is done
 *
 * Usage: joinable_kill [-j N] [-n N]
 * Look for: join returns once all items are done; with the consumer that
 * got item 5 killed before its task_done, join says so instead of hanging.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crew.h"
#include "interrupt.h"
#include "opts.h"
#include "queue.h"
#include "report.h"
#include "timing.h"

/* A consumer: get, work 1 ms, task_done; the one that gets item `fatal`
 * is SIGKILLed between its get and its task_done (as the OOM killer might). */
static void consume(struct joinable *jq, long fatal)
{
    long x;
    while (joinable_get(jq, &x, sizeof x, QUEUE_FOREVER) >= 0) {
        if (x == fatal)
            raise(SIGKILL);
        timing_sleep(0.001);
        joinable_task_done(jq);
    }
    _exit(0);
}

/* One round: `consumers` processes, items 0 .. n-1, then join. Ctrl-C or
 * SIGTERM (a put or the join says EINTR): crew_check SIGKILLs and reaps
 * the consumers, then dies of the signal (crew.h). */
static void round_of(long long consumers, long long n, long fatal)
{
    long me = (long)getpid();
    struct joinable *jq = joinable_create(8, sizeof(long));
    if (jq == NULL)
        die("joinable_create");
    struct crew crew = crew_create((int)consumers);
    pid_t pids[64];
    for (int k = 0; k < consumers; k++)
        if ((pids[k] = crew_fork(&crew)) == 0) /* flushes stdout first */
            consume(jq, fatal);
    for (long i = 0; i < n; i++)
        if (joinable_put(jq, &i, sizeof i, QUEUE_FOREVER) != 0) {
            crew_check(&crew); /* EINTR: it stops, reaps and dies */
            die("joinable_put");
        }
    int joined = joinable_join(jq, QUEUE_FOREVER);
    crew_check(&crew);
    if (joined == 0) {
        printf("[parent %ld] q.join() returned: all %lld items done\n", me, n);
    } else if (errno == EOWNERDEAD) {
        pid_t who;
        unsigned long lost = joinable_lost(jq, &who);
        printf("[parent %ld] q.join() returned: %lu item taken by pid %ld, which died before "
               "its task_done: counted lost\n",
               me, lost, (long)who);
    } else {
        die("joinable_join");
    }
    queue_close(joinable_queue(jq)); /* the consumers' get says EPIPE: they end */
    for (int k = 0; k < consumers; k++) {
        char how[64];
        int status = crew_join(&crew, pids[k], how, sizeof how);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            printf("[parent %ld] consumer pid %ld %s\n", me, (long)pids[k], how);
    }
    crew_destroy(&crew);
    joinable_destroy(jq);
}

static void snapshots(void)
{
    struct joinable *jq = joinable_create(8, sizeof(long));
    if (jq == NULL)
        die("joinable_create");
    struct queue *q = joinable_queue(jq);
    for (long i = 0; i < 8; i++)
        joinable_put(jq, &i, sizeof i, 0.0);
    printf("[parent %ld] 8 items in a queue of 8: qsize() %zu, empty() %s, full() %s\n",
           (long)getpid(), queue_size(q), queue_empty(q) ? "True" : "False",
           queue_full(q) ? "True" : "False");
    joinable_destroy(jq);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long consumers = 3, n = 20;
    const struct flag flags[] = {
        {'j', FLAG_INT, "consumers", "N", "consumer processes (default 3)", 2, 64, &consumers},
        {'n', FLAG_COUNT, NULL, "N", "items per round (default 20)", 6, 1000000, &n},
        {0},
    };
    opts_parse(argc, argv, "[-j N] [-n N]",
               "JoinableQueue: task_done and join, and a consumer killed holding an item.", flags);
    interrupt_install(); /* Ctrl-C, SIGTERM: a flag; the queue's waits say EINTR */
    snapshots();
    printf("[parent %ld] %lld consumers, %lld items, then q.join()\n", (long)getpid(), consumers,
           n);
    round_of(consumers, n, -1);
    printf("[parent %ld] again; the consumer that gets item 5 is SIGKILLed before task_done\n",
           (long)getpid());
    round_of(consumers, n, 5);
    return 0;
}
