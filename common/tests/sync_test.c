/* SPDX-License-Identifier: MIT */
/*
 * sync_test.c - unit tests of sync.h (Lock, RLock, Semaphore, Event,
 * Condition, Barrier across processes), modelled on CPython's
 * test_multiprocessing (_TestLock, _TestSemaphore, _TestCondition,
 * _TestEvent, _TestBarrier: timeouts, counts, wake-ups, a broken barrier),
 * plus what Python's cannot survive: a holder or a waiter SIGKILLed.
 * Usage: sync_test CASE   (no argument: list the cases)
 */
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "interrupt.h"
#include "sync.h"
#include "timing.h"

struct pair { /* data a lock protects: a == b, unless a holder died between */
    long a, b;
};

static void *shared(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    return p;
}

/* Fork; the child runs body(arg) and exits 0 (or what body exits with). */
static pid_t child(void (*body)(void *, int), void *arg, int fd)
{
    pid_t pid = check_fork();
    if (pid == 0) {
        body(arg, fd);
        _exit(0);
    }
    return pid;
}

static void announce(int fd)
{
    if (write(fd, "!", 1) != 1)
        _exit(9);
}

static void await_child(int fd)
{
    char byte;
    CHECK_EQ(read(fd, &byte, 1), 1);
}

static void try_for_100ms(void *lock, int fd)
{
    (void)fd;
    _exit(sync_lock_acquire(lock, 0.1) == -1 && errno == ETIMEDOUT ? 0 : 3);
}

/* Lock: acquire, EDEADLK on a second acquire by the holder, release, EPERM
 * on a release unheld; another process times out while it is held. RLock:
 * three acquires, three releases, then EPERM. */
static void sync_lock_basics(void)
{
    struct sync_lock *l = sync_lock_create(false), *r = sync_lock_create(true);
    CHECK(l != NULL && r != NULL);
    CHECK_EQ(sync_lock_acquire(l, SYNC_FOREVER), 0);
    CHECK_EQ(sync_lock_acquire(l, 0.0), -1);
    CHECK_EQ(errno, EDEADLK);
    double t0 = timing_now();
    CHECK_EQ(check_reap_code(child(try_for_100ms, l, -1)), 0);
    CHECK(timing_now() - t0 >= 0.09);
    CHECK_EQ(sync_lock_release(l), 0);
    CHECK_EQ(sync_lock_release(l), -1);
    CHECK_EQ(errno, EPERM);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(sync_lock_acquire(r, 0.0), 0);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(sync_lock_release(r), 0);
    CHECK_EQ(sync_lock_release(r), -1);
    CHECK_EQ(errno, EPERM);
    sync_lock_destroy(l);
    sync_lock_destroy(r);
}

struct guarded {
    struct sync_lock *lock;
    struct pair *data;
};

static void add_many(void *arg, int fd)
{
    (void)fd;
    struct guarded *g = arg;
    for (int i = 0; i < 20000; i++) {
        if (sync_lock_acquire(g->lock, SYNC_FOREVER) != 0)
            _exit(3);
        long a = g->data->a; /* a read, then a write: racy without the lock */
        g->data->a = a + 1;
        g->data->b++;
        sync_lock_release(g->lock);
    }
}

/* Four processes, 20000 increments each, under a Lock: 80000 exactly. */
static void sync_lock_excludes(void)
{
    struct guarded g = {sync_lock_create(false), shared(sizeof(struct pair))};
    pid_t p[4];
    for (int k = 0; k < 4; k++)
        p[k] = child(add_many, &g, -1);
    for (int k = 0; k < 4; k++)
        CHECK_EQ(check_reap_code(p[k]), 0);
    CHECK_EQ(g.data->a, 80000);
    CHECK_EQ(g.data->b, 80000);
    sync_lock_destroy(g.lock);
    munmap(g.data, sizeof *g.data);
}

static void hold_half_done(void *arg, int fd)
{
    struct guarded *g = arg;
    for (int i = 0; i < 3; i++) /* an RLock three deep; a Lock fails twice */
        sync_lock_acquire(g->lock, 0.0);
    g->data->a++; /* half an update: b not yet */
    announce(fd);
    pause(); /* killed here, holding the lock */
}

/* A holder SIGKILLed holding the lock in the middle of an update: the next
 * acquire returns SYNC_OWNER_DIED, holding it; the data is half-updated
 * (a != b) and repaired; the lock then works as new. For Lock and RLock. */
static void sync_lock_holder_killed(void)
{
    for (int recursive = 0; recursive <= 1; recursive++) {
        struct guarded g = {sync_lock_create(recursive), shared(sizeof(struct pair))};
        int fds[2];
        CHECK(pipe(fds) == 0);
        pid_t pid = child(hold_half_done, &g, fds[1]);
        await_child(fds[0]);
        CHECK_EQ(sync_lock_acquire(g.lock, 0.0), -1); /* held by it */
        CHECK(kill(pid, SIGKILL) == 0);
        CHECK_EQ(check_reap_code(pid), 128 + SIGKILL);
        double t0 = timing_now();
        CHECK_EQ(sync_lock_acquire(g.lock, 5.0), SYNC_OWNER_DIED);
        CHECK_FASTER_THAN(timing_now() - t0, 1.0);
        CHECK(g.data->a != g.data->b); /* as the dead holder left it */
        g.data->b = g.data->a;         /* repaired by the new holder */
        CHECK_EQ(sync_lock_release(g.lock), 0);
        CHECK_EQ(check_reap_code(child(add_many, &g, -1)), 0); /* another process: as new */
        CHECK_EQ(g.data->a, 20001);
        CHECK_EQ(g.data->b, 20001);
        CHECK_EQ(sync_lock_acquire(g.lock, 0.0), 0);
        CHECK_EQ(sync_lock_release(g.lock), 0);
        close(fds[0]);
        close(fds[1]);
        sync_lock_destroy(g.lock);
        munmap(g.data, sizeof *g.data);
    }
}

static void take_unit_and_die(void *sem, int fd)
{
    if (sync_sem_acquire(sem, 0.0) != 0)
        _exit(3);
    announce(fd);
    pause();
}

static void churn(void *sem, int fd)
{
    announce(fd);
    for (;;)
        if (sync_sem_acquire(sem, SYNC_FOREVER) == 0)
            sync_sem_release(sem);
}

/* Semaphore(2): two acquires, a third times out; released by another
 * process. A holder killed with a unit: the unit is gone (as in Python),
 * nothing else; a process killed anywhere in acquire/release, 20 times:
 * the value is 2 or 1, and it still works. */
static void sync_sem_counts(void)
{
    struct sync_sem *s = sync_sem_create(2);
    CHECK(s != NULL);
    CHECK_EQ(sync_sem_acquire(s, 0.0), 0);
    CHECK_EQ(sync_sem_acquire(s, SYNC_FOREVER), 0);
    double t0 = timing_now();
    CHECK_EQ(sync_sem_acquire(s, 0.1), -1);
    CHECK_EQ(errno, ETIMEDOUT);
    CHECK(timing_now() - t0 >= 0.09);
    sync_sem_release(s);
    sync_sem_release(s);
    CHECK_EQ(sync_sem_value(s), 2);
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = child(take_unit_and_die, s, fds[1]);
    await_child(fds[0]);
    kill(pid, SIGKILL);
    check_reap_code(pid);
    CHECK_EQ(sync_sem_value(s), 1); /* its unit went with it */
    sync_sem_release(s);            /* anyone may give it back */
    for (int round = 0; round < 20; round++) {
        pid = child(churn, s, fds[1]);
        await_child(fds[0]);
        timing_sleep(0.001 * (round % 5));
        kill(pid, SIGKILL);
        check_reap_code(pid);
        unsigned v = sync_sem_value(s);
        CHECK(v == 1 || v == 2);
        if (v == 1)
            sync_sem_release(s);
        CHECK_EQ(sync_sem_acquire(s, 1.0), 0);
        sync_sem_release(s);
    }
    close(fds[0]);
    close(fds[1]);
    sync_sem_destroy(s);
}

static void wait_event(void *e, int fd)
{
    if (fd >= 0)
        announce(fd);
    _exit(sync_event_wait(e, 10.0) == 1 ? 0 : 3);
}

/* Event: wait times out with 0 while clear; set wakes a waiter in another
 * process while a second waiter was SIGKILLed in its wait; is_set, clear;
 * with interrupt.h's flag set, a wait for ever returns EINTR. */
static void sync_event_wakes(void)
{
    struct sync_event *e = sync_event_create();
    CHECK(e != NULL);
    CHECK_EQ(sync_event_wait(e, 0.1), 0);
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t dead = child(wait_event, e, fds[1]), alive = child(wait_event, e, fds[1]);
    await_child(fds[0]);
    await_child(fds[0]);
    kill(dead, SIGKILL);
    CHECK_EQ(check_reap_code(dead), 128 + SIGKILL);
    double t0 = timing_now();
    sync_event_set(e);
    CHECK_EQ(check_reap_code(alive), 0);
    CHECK_FASTER_THAN(timing_now() - t0, 1.0);
    CHECK(sync_event_is_set(e));
    CHECK_EQ(sync_event_wait(e, 0.0), 1);
    sync_event_clear(e);
    CHECK(!sync_event_is_set(e));
    interrupt_install();
    CHECK_EQ(raise(SIGTERM), 0);
    CHECK_EQ(sync_event_wait(e, SYNC_FOREVER), -1);
    CHECK_EQ(errno, EINTR);
    close(fds[0]);
    close(fds[1]);
    sync_event_destroy(e);
}

struct monitor {
    struct sync_lock *lock;
    struct sync_cond *cond;
    long *ready;
};

static void wait_ready(void *arg, int fd)
{
    struct monitor *m = arg;
    sync_lock_acquire(m->lock, SYNC_FOREVER);
    announce(fd);
    int rc = 0;
    while (*m->ready == 0 && rc >= 0)
        rc = sync_cond_wait(m->cond, 10.0);
    _exit(rc >= 0 && sync_lock_release(m->lock) == 0 ? 0 : 3);
}

static void wait_owner_died(void *arg, int fd)
{
    struct monitor *m = arg;
    sync_lock_acquire(m->lock, SYNC_FOREVER);
    announce(fd);
    int rc = 0;
    while (*m->ready == 0 && rc == 0)
        rc = sync_cond_wait(m->cond, 10.0);
    _exit(rc == SYNC_OWNER_DIED && sync_lock_release(m->lock) == 0 ? 0 : 3);
}

static void notify_and_die(void *arg, int fd)
{
    struct monitor *m = arg;
    sync_lock_acquire(m->lock, SYNC_FOREVER);
    *m->ready = 1;
    sync_cond_notify_all(m->cond);
    announce(fd);
    pause(); /* killed holding the condition's lock */
}

/* Condition on an RLock held twice: wait times out (ETIMEDOUT), the lock
 * held again twice. A waiter SIGKILLed in its wait: notify_all does not
 * wait for it (Python's would, for ever) and wakes the live one. A
 * notifier killed holding the lock: the waiter's wait returns, holding it,
 * with SYNC_OWNER_DIED. */
static void sync_cond_notifies(void)
{
    struct monitor m = {sync_lock_create(true), NULL, shared(sizeof(long))};
    m.cond = sync_cond_create(m.lock);
    CHECK(m.lock != NULL && m.cond != NULL);
    CHECK_EQ(sync_cond_wait(m.cond, 0.1), -1); /* not held */
    CHECK_EQ(errno, EPERM);
    sync_lock_acquire(m.lock, 0.0);
    sync_lock_acquire(m.lock, 0.0);
    CHECK_EQ(sync_cond_wait(m.cond, 0.1), -1);
    CHECK_EQ(errno, ETIMEDOUT);
    CHECK_EQ(sync_lock_release(m.lock), 0);
    CHECK_EQ(sync_lock_release(m.lock), 0);
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t dead = child(wait_ready, &m, fds[1]);
    await_child(fds[0]);
    pid_t alive = child(wait_ready, &m, fds[1]);
    await_child(fds[0]);
    kill(dead, SIGKILL);
    check_reap_code(dead);
    double t0 = timing_now();
    sync_lock_acquire(m.lock, SYNC_FOREVER); /* both wait: the lock is free */
    *m.ready = 1;
    sync_cond_notify_all(m.cond);
    sync_lock_release(m.lock);
    CHECK_EQ(check_reap_code(alive), 0);
    CHECK_FASTER_THAN(timing_now() - t0, 1.0);
    *m.ready = 0;
    pid_t waiter = child(wait_owner_died, &m, fds[1]);
    await_child(fds[0]); /* it holds the lock, then waits (and lets go) */
    pid_t notifier = child(notify_and_die, &m, fds[1]);
    await_child(fds[0]); /* it notified, and holds the lock */
    kill(notifier, SIGKILL);
    check_reap_code(notifier);
    CHECK_EQ(check_reap_code(waiter), 0); /* its wait returned SYNC_OWNER_DIED */
    CHECK_EQ(sync_lock_acquire(m.lock, 5.0), 0);
    CHECK_EQ(*m.ready, 1);
    sync_lock_release(m.lock);
    close(fds[0]);
    close(fds[1]);
    sync_cond_destroy(m.cond);
    sync_lock_destroy(m.lock);
}

static void five_rounds(void *b, int fd)
{
    for (int round = 0; round < 5; round++) {
        int i = sync_barrier_wait(b, 10.0);
        if (i < 0)
            _exit(3);
        char index = (char)i;
        if (write(fd, &index, 1) != 1)
            _exit(4);
    }
}

static void arrive(void *b, int fd)
{
    (void)fd;
    _exit(sync_barrier_wait(b, 10.0) >= 0 ? 0 : 3);
}

/* Barrier(3): five rounds, indexes 0, 1, 2 once each per round. A party
 * SIGKILLed while waiting: its arrival counts, the other two pass. A wait
 * that times out breaks it (ETIMEDOUT; then EPIPE), until reset. */
static void sync_barrier_rounds(void)
{
    struct sync_barrier *b = sync_barrier_create(3);
    CHECK(b != NULL);
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t p[3];
    for (int k = 0; k < 3; k++)
        p[k] = child(five_rounds, b, fds[1]);
    int seen[3] = {0};
    for (int n = 0; n < 15; n++) {
        char index;
        CHECK_EQ(read(fds[0], &index, 1), 1);
        CHECK(index >= 0 && index < 3);
        seen[(int)index]++;
    }
    for (int k = 0; k < 3; k++)
        CHECK_EQ(check_reap_code(p[k]), 0);
    CHECK(seen[0] == 5 && seen[1] == 5 && seen[2] == 5);
    pid_t dead = child(arrive, b, -1);
    while (sync_barrier_waiting(b) < 1)
        timing_sleep(0.005);
    kill(dead, SIGKILL);
    check_reap_code(dead);
    pid_t other = child(arrive, b, -1);
    CHECK(sync_barrier_wait(b, 10.0) >= 0);
    CHECK_EQ(check_reap_code(other), 0);
    CHECK_EQ(sync_barrier_wait(b, 0.1), -1);
    CHECK_EQ(errno, ETIMEDOUT);
    CHECK_EQ(sync_barrier_wait(b, 0.1), -1);
    CHECK_EQ(errno, EPIPE);
    sync_barrier_reset(b);
    p[0] = child(arrive, b, -1);
    p[1] = child(arrive, b, -1);
    CHECK(sync_barrier_wait(b, 10.0) >= 0);
    CHECK_EQ(check_reap_code(p[0]), 0);
    CHECK_EQ(check_reap_code(p[1]), 0);
    close(fds[0]);
    close(fds[1]);
    sync_barrier_destroy(b);
}

CHECK_MAIN({"sync_lock_basics", sync_lock_basics}, {"sync_lock_excludes", sync_lock_excludes},
           {"sync_lock_holder_killed", sync_lock_holder_killed},
           {"sync_sem_counts", sync_sem_counts}, {"sync_event_wakes", sync_event_wakes},
           {"sync_cond_notifies", sync_cond_notifies}, {"sync_barrier_rounds", sync_barrier_rounds})
