/* SPDX-License-Identifier: MIT */
/*
 * unbounded_test.c - unit tests of queue_unbounded.h (Queue() with no
 * maxsize), modelled on CPython's test_multiprocessing (_TestQueue: fifo,
 * get with a timeout, qsize/empty, many processes), plus what an unbounded
 * queue must prove: puts never wait, far past any fixed ring; a producer
 * killed right after its puts loses nothing; a process killed at any point
 * leaves a queue that works; memory running out fails one put, nothing else.
 * Usage: unbounded_test CASE   (no argument: list the cases)
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "interrupt.h"
#include "queue_unbounded.h"
#include "timing.h"

static struct unbounded *make(void)
{
    struct unbounded *q = unbounded_create();
    CHECK(q != NULL);
    return q;
}

static pid_t child(void (*body)(struct unbounded *, long), struct unbounded *q, long arg)
{
    pid_t pid = check_fork();
    if (pid == 0) {
        body(q, arg);
        _exit(0);
    }
    return pid;
}

/* Message i: i % 301 bytes, each byte (i + k) % 251. */
static size_t fill(unsigned char *buf, long i)
{
    size_t n = (size_t)(i % 301);
    for (size_t k = 0; k < n; k++)
        buf[k] = (unsigned char)((size_t)i + k) % 251;
    return n;
}

static void check_message(const unsigned char *got, ssize_t n, long i)
{
    unsigned char want[301];
    CHECK_EQ(n, (ssize_t)fill(want, i));
    CHECK(memcmp(got, want, (size_t)n) == 0);
}

/* One process, 200000 messages of 0..300 bytes: every put returns at once
 * (no consumer yet), the ring grows past 16 MiB, and they come out in order
 * and intact; then the queue is empty and a get times out. */
static void unbounded_fifo_far_past_any_ring(void)
{
    struct unbounded *q = make();
    size_t first = unbounded_bytes(q);
    CHECK_EQ(first, 64 * 1024);
    unsigned char buf[301];
    double t0 = timing_now();
    for (long i = 0; i < 200000; i++)
        CHECK_EQ(unbounded_put(q, buf, fill(buf, i)), 0);
    CHECK_FASTER_THAN(timing_now() - t0, 10.0);
    CHECK_EQ(unbounded_size(q), 200000);
    CHECK(unbounded_bytes(q) >= (size_t)16 * 1024 * 1024);
    for (long i = 0; i < 200000; i++)
        check_message(buf, unbounded_get(q, buf, sizeof buf, 0.0), i);
    CHECK(unbounded_empty(q));
    t0 = timing_now();
    CHECK_EQ(unbounded_get(q, buf, sizeof buf, 0.1), -1);
    CHECK_EQ(errno, ETIMEDOUT);
    CHECK(timing_now() - t0 >= 0.09);
    CHECK_EQ(unbounded_get(q, buf, sizeof buf, -3.0), -1); /* negative: only look */
    CHECK_EQ(errno, ETIMEDOUT);
    unbounded_destroy(q);
}

/* Messages larger than the first ring, a buffer too small (EMSGSIZE, the
 * message stays), an empty message. */
static void unbounded_sizes(void)
{
    struct unbounded *q = make();
    size_t big = (size_t)1000 * 1000;
    unsigned char *a = malloc(big), *b = malloc(big);
    CHECK(a != NULL && b != NULL);
    for (size_t k = 0; k < big; k++)
        a[k] = (unsigned char)(k * 7);
    CHECK_EQ(unbounded_put(q, a, big), 0);
    CHECK_EQ(unbounded_put(q, a, 0), 0);
    CHECK_EQ(unbounded_get(q, b, big - 1, 0.0), -1);
    CHECK_EQ(errno, EMSGSIZE);
    CHECK_EQ(unbounded_size(q), 2);
    CHECK_EQ(unbounded_get(q, b, big, 0.0), (ssize_t)big);
    CHECK(memcmp(a, b, big) == 0);
    CHECK_EQ(unbounded_get(q, b, big, 0.0), 0);
    free(a);
    free(b);
    unbounded_destroy(q);
}

static void produce(struct unbounded *q, long who)
{
    for (long i = 0; i < 50000; i++) {
        long item[2] = {who, i};
        if (unbounded_put(q, item, sizeof item) != 0)
            _exit(3);
    }
}

static void consume(struct unbounded *q, long fd)
{
    long item[2], last[3] = {-1, -1, -1};
    while (unbounded_get(q, item, sizeof item, QUEUE_FOREVER) == (ssize_t)sizeof item) {
        if (item[0] < 0 || item[0] > 2 || item[1] <= last[item[0]])
            _exit(4); /* FIFO per producer broken */
        last[item[0]] = item[1];
        if (write((int)fd, item, sizeof item) != (ssize_t)sizeof item)
            _exit(5);
    }
    _exit(errno == EPIPE ? 0 : 6);
}

/* Three producers put 50000 items each and exit before any consumer
 * starts: the ring grows in the children, the parent's view follows. Then
 * two consumers drain it after close: every item once, FIFO per producer. */
static void unbounded_across_processes(void)
{
    struct unbounded *q = make();
    pid_t p[3], c[2];
    for (long k = 0; k < 3; k++)
        p[k] = child(produce, q, k);
    for (int k = 0; k < 3; k++)
        CHECK_EQ(check_reap(p[k]), 0);
    CHECK_EQ(unbounded_size(q), 150000);
    unbounded_close(q);
    long item[2];
    CHECK_EQ(unbounded_put(q, item, sizeof item), -1);
    CHECK_EQ(errno, EPIPE);
    int fds[2];
    CHECK(pipe(fds) == 0);
    for (int k = 0; k < 2; k++)
        c[k] = child(consume, q, fds[1]);
    close(fds[1]);
    static unsigned char seen[3][50000];
    long got = 0;
    FILE *in = fdopen(fds[0], "r");
    while (fread(item, sizeof item, 1, in) == 1) {
        CHECK_EQ(seen[item[0]][item[1]]++, 0);
        got++;
    }
    fclose(in);
    for (int k = 0; k < 2; k++)
        CHECK_EQ(check_reap(c[k]), 0);
    CHECK_EQ(got, 150000);
    unbounded_destroy(q);
}

static void put_then_die(struct unbounded *q, long n)
{
    for (long i = 0; i < n; i++)
        if (unbounded_put(q, &i, sizeof i) != 0)
            _exit(3);
    raise(SIGKILL); /* at once: Python's feeder thread would not have written them all */
}

/* A producer SIGKILLed right after its last put: all 100000 items are there. */
static void unbounded_producer_killed_after_put(void)
{
    struct unbounded *q = make();
    int status = check_reap(child(put_then_die, q, 100000));
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    CHECK_EQ(unbounded_size(q), 100000);
    for (long i = 0, x; i < 100000; i++) {
        CHECK_EQ(unbounded_get(q, &x, sizeof x, 0.0), (ssize_t)sizeof x);
        CHECK_EQ(x, i);
    }
    unbounded_destroy(q);
}

static void put_forever(struct unbounded *q, long fd)
{
    for (long i = 0;; i++) {
        long item[40] = {i}; /* 320 bytes: a growth every few hundred puts at first */
        if (unbounded_put(q, item, sizeof item) != 0)
            _exit(3);
        if (i == 10 && write((int)fd, "p", 1) != 1)
            _exit(4);
    }
}

/* A producer SIGKILLed at whatever point it has reached (copying, growing,
 * holding the lock), 20 times: what is in the queue is always 0, 1, 2, ...
 * in order, and the queue goes on working. */
static void unbounded_killed_anywhere(void)
{
    for (int round = 0; round < 20; round++) {
        struct unbounded *q = make();
        int fds[2];
        CHECK(pipe(fds) == 0);
        pid_t pid = child(put_forever, q, fds[1]);
        char byte;
        CHECK_EQ(read(fds[0], &byte, 1), 1);
        timing_sleep(0.001 * (round % 7));
        CHECK(kill(pid, SIGKILL) == 0);
        check_reap(pid);
        long item[40] = {-1}, n = (long)unbounded_size(q);
        CHECK(n > 10);
        CHECK_EQ(unbounded_put(q, item, sizeof item), 0); /* the lock was recovered */
        for (long i = 0; i < n; i++) {
            CHECK_EQ(unbounded_get(q, item, sizeof item, 0.0), (ssize_t)sizeof item);
            CHECK_EQ(item[0], i);
        }
        CHECK_EQ(unbounded_get(q, item, sizeof item, 0.0), (ssize_t)sizeof item);
        CHECK_EQ(item[0], -1);
        close(fds[0]);
        close(fds[1]);
        unbounded_destroy(q);
    }
}

static void put_until_no_memory(struct unbounded *q, long limit)
{
    struct rlimit r = {(rlim_t)limit, (rlim_t)limit};
    signal(SIGXFSZ, SIG_IGN); /* the file-size limit stands in for memory */
    if (setrlimit(RLIMIT_FSIZE, &r) != 0)
        _exit(3);
    unsigned char buf[1024];
    long i = 0;
    while (unbounded_put(q, buf, fill(buf, i)) == 0)
        i++;
    _exit(errno == ENOMEM && i > 100 ? 0 : 4);
}

/* The ring cannot grow any more (RLIMIT_FSIZE of 4 MiB stands in for the
 * memory running out): that put fails with ENOMEM; every item put before
 * it is still there, intact and in order, and the queue goes on. */
static void unbounded_out_of_memory(void)
{
    struct unbounded *q = make();
    CHECK_EQ(check_reap(child(put_until_no_memory, q, 4L << 20)), 0);
    long n = (long)unbounded_size(q);
    CHECK(n > 100);
    unsigned char buf[301];
    CHECK_EQ(unbounded_put(q, buf, fill(buf, n)), 0); /* without the limit: room */
    for (long i = 0; i <= n; i++)
        check_message(buf, unbounded_get(q, buf, sizeof buf, 0.0), i);
    CHECK(unbounded_empty(q));
    unbounded_destroy(q);
}

static void get_one(struct unbounded *q, long expect)
{
    long x;
    _exit(unbounded_get(q, &x, sizeof x, 10.0) == (ssize_t)sizeof x && x == expect ? 0 : 3);
}

/* A consumer asleep in get is woken by a put from another process; close
 * wakes sleepers with EPIPE; interrupt.h's flag ends a wait for ever. */
static void unbounded_wakeups(void)
{
    struct unbounded *q = make();
    pid_t c = child(get_one, q, 42);
    timing_sleep(0.1); /* most likely asleep by now; either way it must get 42 */
    long x = 42;
    double t0 = timing_now();
    CHECK_EQ(unbounded_put(q, &x, sizeof x), 0);
    CHECK_EQ(check_reap(c), 0);
    CHECK_FASTER_THAN(timing_now() - t0, 5.0);
    pid_t d = child(get_one, q, 0);
    unbounded_close(q);
    int status = check_reap(d);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3); /* EPIPE, not a hang */
    unbounded_destroy(q);
    q = make();
    interrupt_install();
    CHECK_EQ(raise(SIGTERM), 0);
    CHECK_EQ(unbounded_get(q, &x, sizeof x, QUEUE_FOREVER), -1);
    CHECK_EQ(errno, EINTR);
    unbounded_destroy(q);
}

CHECK_MAIN({"unbounded_fifo_far_past_any_ring", unbounded_fifo_far_past_any_ring},
           {"unbounded_sizes", unbounded_sizes},
           {"unbounded_across_processes", unbounded_across_processes},
           {"unbounded_producer_killed_after_put", unbounded_producer_killed_after_put},
           {"unbounded_killed_anywhere", unbounded_killed_anywhere},
           {"unbounded_out_of_memory", unbounded_out_of_memory},
           {"unbounded_wakeups", unbounded_wakeups})
