/* SPDX-License-Identifier: MIT */
/*
 * joinable_test.c - unit tests of the JoinableQueue in queue.h (joinable_*),
 * modelled on CPython's test_multiprocessing (_TestQueue.test_task_done,
 * test_no_import_lock_contention's join; task_done called too often):
 * one case per bats test, plus what Python cannot do: join after a
 * consumer was SIGKILLed holding an item.
 * Usage: joinable_test CASE   (no argument: list the cases)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "queue.h"
#include "timing.h"

/* One process: join waits for every task_done, not for the gets. */
static void joinable_in_one_process(void)
{
    struct joinable *jq = joinable_create(8, sizeof(long));
    CHECK(jq != NULL);
    CHECK_EQ(joinable_join(jq, 0.0), 0); /* nothing put: done */
    for (long i = 0; i < 3; i++)
        CHECK_EQ(joinable_put(jq, &i, sizeof i, QUEUE_FOREVER), 0);
    CHECK_EQ(queue_size(joinable_queue(jq)), 3);
    long x;
    for (int i = 0; i < 3; i++)
        CHECK_EQ(joinable_get(jq, &x, sizeof x, 0.0), (ssize_t)sizeof x);
    CHECK_EQ(joinable_join(jq, 0.02), -1); /* got, not yet done */
    CHECK_EQ(errno, ETIMEDOUT);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(joinable_task_done(jq), 0);
    CHECK_EQ(joinable_join(jq, 0.0), 0);
    CHECK_EQ(joinable_task_done(jq), -1); /* ValueError: too many times */
    CHECK_EQ(errno, EINVAL);
    CHECK_EQ(joinable_lost(jq, NULL), 0);
    joinable_destroy(jq);
}

/* A consumer: get, (hold `hold` s), task_done, until the queue ends. If
 * `announce` >= 0, write one byte there after the first get, then sleep. */
static pid_t consumer(struct joinable *jq, double hold, int announce)
{
    pid_t pid = check_fork();
    if (pid > 0)
        return pid;
    long x;
    while (joinable_get(jq, &x, sizeof x, QUEUE_FOREVER) >= 0) {
        if (announce >= 0) {
            (void)!write(announce, "g", 1);
            pause(); /* holding the item: the parent kills us here */
        }
        timing_sleep(hold);
        joinable_task_done(jq);
    }
    _exit(0);
}

/* Three consumers, 300 items: join returns once all are done. */
static void joinable_join_waits_for_consumers(void)
{
    struct joinable *jq = joinable_create(16, sizeof(long));
    pid_t c[3];
    for (int k = 0; k < 3; k++)
        c[k] = consumer(jq, 0.0, -1);
    for (long i = 0; i < 300; i++)
        CHECK_EQ(joinable_put(jq, &i, sizeof i, QUEUE_FOREVER), 0);
    double t0 = timing_now();
    CHECK_EQ(joinable_join(jq, QUEUE_FOREVER), 0);
    CHECK_FASTER_THAN(timing_now() - t0, 5.0);
    CHECK(queue_empty(joinable_queue(jq)));
    queue_close(joinable_queue(jq));
    for (int k = 0; k < 3; k++)
        check_reap(c[k]);
    CHECK_EQ(joinable_lost(jq, NULL), 0);
    joinable_destroy(jq);
}

/* A consumer alive and holding an item for 300 ms is not taken for dead:
 * join waits for it and returns 0. */
static void joinable_slow_holder_is_not_lost(void)
{
    struct joinable *jq = joinable_create(4, sizeof(long));
    pid_t c = consumer(jq, 0.3, -1);
    long one = 1;
    CHECK_EQ(joinable_put(jq, &one, sizeof one, QUEUE_FOREVER), 0);
    double t0 = timing_now();
    CHECK_EQ(joinable_join(jq, 10.0), 0);
    CHECK(timing_now() - t0 >= 0.2);
    queue_close(joinable_queue(jq));
    check_reap(c);
    joinable_destroy(jq);
}

/* A consumer SIGKILLed between get and task_done, another one waiting in
 * get: join does not wait for ever. It returns EOWNERDEAD with the item
 * counted lost and the dead pid named, zombie or reaped; the count is
 * corrected, so the next join returns 0. */
static void joinable_consumer_killed(void)
{
    for (int reaped = 0; reaped <= 1; reaped++) {
        struct joinable *jq = joinable_create(8, sizeof(long));
        int fds[2];
        CHECK(pipe(fds) == 0);
        pid_t victim = consumer(jq, 0.0, fds[1]);
        long x = 7;
        CHECK_EQ(joinable_put(jq, &x, sizeof x, QUEUE_FOREVER), 0);
        char byte;
        CHECK_EQ(read(fds[0], &byte, 1), 1); /* it got the item */
        pid_t other = consumer(jq, 0.0, -1);
        for (x = 0; x < 20; x++)
            CHECK_EQ(joinable_put(jq, &x, sizeof x, QUEUE_FOREVER), 0);
        CHECK(kill(victim, SIGKILL) == 0);
        if (reaped)
            check_reap(victim);
        double t0 = timing_now();
        CHECK_EQ(joinable_join(jq, 10.0), -1);
        CHECK_EQ(errno, EOWNERDEAD);
        CHECK_FASTER_THAN(timing_now() - t0, 2.0);
        pid_t who = 0;
        CHECK_EQ(joinable_lost(jq, &who), 1);
        CHECK_EQ(who, victim);
        CHECK_EQ(joinable_join(jq, 0.0), 0);
        queue_close(joinable_queue(jq));
        if (!reaped)
            check_reap(victim);
        check_reap(other);
        close(fds[0]);
        close(fds[1]);
        joinable_destroy(jq);
    }
}

CHECK_MAIN({"joinable_in_one_process", joinable_in_one_process},
           {"joinable_join_waits_for_consumers", joinable_join_waits_for_consumers},
           {"joinable_slow_holder_is_not_lost", joinable_slow_holder_is_not_lost},
           {"joinable_consumer_killed", joinable_consumer_killed})
