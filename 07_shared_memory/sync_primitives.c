/* SPDX-License-Identifier: MIT */
/*
 * sync_primitives.c - chapter 07's extra step: Lock(), RLock(), Semaphore(2),
 * Event(), Condition(), Barrier(3) across processes (common/sync.h; Python's
 * Lib/multiprocessing/synchronize.py), each once, and a Lock whose holder is
 * SIGKILLed in the middle of an update.
 * Usage: sync_primitives [-n N]   (N: increments per process, Lock round)
 * Look for: acquire() after the holder died says so (Python's waits for ever).
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crew.h"
#include "interrupt.h"
#include "opts.h"
#include "report.h"
#include "sync.h"
#include "timing.h"
#include "waitstatus.h"

static struct {
    struct sync_lock *lock, *rlock;
    struct sync_sem *sem;
    struct sync_event *event;
    struct sync_cond *cond;
    struct sync_barrier *barrier;
    struct shared {           /* one MAP_SHARED page */
        long a, b;            /* the Lock keeps a == b */
        _Atomic int in, most; /* inside the Semaphore now, and at most */
        long item;            /* the Condition's "ready" */
        int index[3][3];      /* the Barrier's arrival index, per round */
    } * s;
    int fds[2]; /* a child says "I am there" */
    long me;
    long long n;      /* -n: increments per process in the Lock round */
    struct crew crew; /* the children: Ctrl-C SIGKILLs and reaps them (crew.h) */
} g = {.n = 10000};

static void work(int what) /* a child's whole life */
{
    if (what == 0) { /* holds the Lock, and is killed mid-update */
        sync_lock_acquire(g.lock, SYNC_FOREVER);
        g.s->a++; /* ... and b not yet */
        (void)!write(g.fds[1], "!", 1);
        pause();
    } else if (what == 1) { /* with lock: a += 1; b += 1 */
        for (long long i = 0; i < g.n && sync_lock_acquire(g.lock, SYNC_FOREVER) == 0; i++)
            g.s->a++, g.s->b++, sync_lock_release(g.lock);
    } else if (what == 2) { /* with sem: sleep(0.02) */
        sync_sem_acquire(g.sem, SYNC_FOREVER);
        for (int in = ++g.s->in, most = g.s->most; in > most;) /* most = max(most, in) */
            atomic_compare_exchange_weak(&g.s->most, &most, in);
        timing_sleep(0.02);
        atomic_fetch_sub(&g.s->in, 1);
        sync_sem_release(g.sem);
    } else if (what == 3) { /* ev.wait() */
        _exit(sync_event_wait(g.event, 10.0) == 1 ? 0 : 1);
    } else if (what == 4) { /* with cond: while not ready: cond.wait() */
        sync_lock_acquire(g.rlock, SYNC_FOREVER);
        (void)!write(g.fds[1], "!", 1);
        while (g.s->item == 0)
            sync_cond_wait(g.cond, 10.0);
        _exit(g.s->item == 42 && sync_lock_release(g.rlock) == 0 ? 0 : 1);
    } else { /* three rounds of bar.wait() */
        for (int round = 0; round < 3; round++)
            g.s->index[round][what - 5] = sync_barrier_wait(g.barrier, 10.0);
    }
    _exit(0);
}

static int start(int n, int what, pid_t *pids) /* n children doing `what` */
{
    for (int k = 0; k < n; k++)
        if ((pids[k] = crew_fork(&g.crew)) == 0) /* stdout flushed first; PR_SET_PDEATHSIG */
            work(what == 5 ? 5 + k : what);
    return n;
}

static int join_all(int n, const pid_t *pids) /* how many exited 0 */
{
    int ok = 0; /* Ctrl-C, SIGTERM: crew_join stops, reaps and dies of it */
    char how[64];
    for (int k = 0; k < n; k++)
        ok += wait_exitcode(crew_join(&g.crew, pids[k], how, sizeof how)) == 0;
    return ok;
}

static void lock_holder_killed(void)
{
    pid_t pid[2];
    start(1, 0, pid);
    if (read(g.fds[0], &(char){0}, 1) != 1) /* it holds the lock, a updated */
        die("read");
    kill(pid[0], SIGKILL);
    join_all(1, pid);
    printf("[parent %ld] Lock: child %ld took it and was SIGKILLed mid-update (a = %ld, b = %ld)\n",
           g.me, (long)pid[0], g.s->a, g.s->b);
    if (sync_lock_acquire(g.lock, 5.0) != SYNC_OWNER_DIED)
        die_msg("the lock was not taken over");
    g.s->b = g.s->a; /* the data is ours to check and mend */
    sync_lock_release(g.lock);
    printf("[parent %ld] Lock: acquire() returned SYNC_OWNER_DIED: ours, as the dead holder left "
           "it; mended: b = a\n",
           g.me);
    join_all(start(2, 1, pid), pid);
    printf("[parent %ld] Lock: then 2 processes x %lld increments: a = %ld, b = %ld\n", g.me, g.n,
           g.s->a, g.s->b);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    const struct flag flags[] = {FLAG_N(&g.n, 1, 1000000000, "increments per process (10000)"),
                                 OPTS_END("\n-n 1M")};
    opts_parse(argc, argv, "[-n N]",
               "Lock, RLock, Semaphore, Event, Condition, Barrier; a holder killed.", flags);
    g.me = (long)getpid(), g.crew = crew_create(4);
    interrupt_install(); /* Ctrl-C, SIGTERM: a flag; waitpid says EINTR */
    g.s = mmap(NULL, sizeof *g.s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    g.lock = sync_lock_create(false), g.rlock = sync_lock_create(true);
    g.sem = sync_sem_create(2), g.event = sync_event_create();
    g.cond = sync_cond_create(g.rlock), g.barrier = sync_barrier_create(3);
    if (g.s == MAP_FAILED || !g.lock || !g.rlock || !g.sem || !g.event || !g.cond || !g.barrier ||
        pipe(g.fds) != 0)
        die("mmap, sync_*_create or pipe");
    lock_holder_killed();
    pid_t pid[4];
    join_all(start(4, 2, pid), pid);
    printf("[parent %ld] Semaphore(2): 4 processes, at most %d inside at once\n", g.me, g.s->most);
    start(3, 3, pid);
    timing_sleep(0.05); /* they may or may not be asleep yet: either way they see the set */
    sync_event_set(g.event);
    printf("[parent %ld] Event: set(); wait() returned True in %d of 3 processes\n", g.me,
           join_all(3, pid));
    start(1, 4, pid);
    if (read(g.fds[0], &(char){0}, 1) != 1) /* it holds the RLock; wait() lets go */
        die("read");
    for (int twice = 0; twice < 2; twice++) /* an RLock: twice by one process */
        sync_lock_acquire(g.rlock, SYNC_FOREVER);
    g.s->item = 42;
    sync_cond_notify(g.cond, 1);
    sync_lock_release(g.rlock), sync_lock_release(g.rlock);
    printf("[parent %ld] Condition (on an RLock taken twice): notify() woke the waiter, which "
           "read 42: %s\n",
           g.me, join_all(1, pid) ? "yes" : "NO");
    int rounds = 0, (*ix)[3] = g.s->index;
    join_all(start(3, 5, pid), pid);
    for (int r = 0; r < 3; r++) /* each of 0, 1, 2 once */
        rounds += (1 << ix[r][0] | 1 << ix[r][1] | 1 << ix[r][2]) == 7;
    printf("[parent %ld] Barrier(3): 3 processes, %d of 3 rounds passed with indexes 0, 1, 2\n",
           g.me, rounds);
    crew_destroy(&g.crew);
    return 0;
}
