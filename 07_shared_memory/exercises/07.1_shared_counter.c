/* SPDX-License-Identifier: MIT */
/*
 * 07.1_shared_counter.c - exercise: a counter that several processes add to,
 * which the parent reads exactly: shared memory plus an atomic increment.
 *
 * Python:  counter = Value('l', 0, lock=False) ... plus a Lock, because
 *          v.value += 1 is not atomic. C11 has atomics: one step, no lock.
 *
 * Usage: 07.1_shared_counter [-j N] [-n N]
 *
 * You will see what each worker added and read, then the parent's total
 * against workers x n (exit status 0 when exact, 1 when not).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpus.h"
#include "interrupt.h"
#include "opts.h"
#include "report.h"
#include "team.h"

/* ---------------------------------------------------- your counter */

#ifdef SOLUTION
/* _Atomic: every read-modify-write on it is one indivisible step. */
typedef _Atomic long counter_t;
#else
/* TODO 1: volatile makes every `+= 1` a real load and a real store (the
 * compiler may not fold the loop into one addition), but it does not make
 * them ONE step: two processes that load the same value both store
 * value + 1, and one update is lost. Make counter_t a C11 atomic long
 * (<stdatomic.h>) instead. */
typedef volatile long counter_t;
#endif

/* A new counter, 0, that every process forked AFTER this call shares. */
static counter_t *counter_create(void)
{
#ifdef SOLUTION
    /* MAP_SHARED: parent and children see the same page. (A MAP_PRIVATE
     * page, or malloc's, is copied on the first write after fork.) */
    counter_t *c = mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (c == MAP_FAILED)
        die("mmap");
    atomic_init(c, 0);
    return c;
#else
    /* TODO 2: malloc'ed memory is private: after fork() each worker adds
     * to its own copy and the parent's stays 0. Allocate the counter with
     * mmap(), shared and anonymous (see man 2 mmap), check for MAP_FAILED
     * (die("mmap")), and set it to 0 (atomic_init for an atomic). */
    counter_t *c = malloc(sizeof *c);
    if (c == NULL)
        die("malloc");
    *c = 0;
    return c;
#endif
}

/* Add 1, in a worker. */
static void counter_add(counter_t *c)
{
#ifdef SOLUTION
    /* One lock-prefixed instruction: no other process can slip in
     * between the load and the store. */
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
#else
    /* TODO 3: add 1 in ONE indivisible step (atomic_fetch_add). */
    *c += 1;
#endif
}

static long counter_read(counter_t *c)
{
    return (long)*c; /* for an _Atomic, this read is atomic too */
}

/* Release the counter, in the parent, after every worker is reaped. */
static void counter_destroy(counter_t *c)
{
#ifdef SOLUTION
    if (munmap((void *)c, sizeof *c) != 0) /* (void *): drop the qualifier */
        die("munmap");
#else
    /* TODO 4: release it the way it was allocated (munmap; cast the
     * pointer to (void *), as here, to drop the volatile or _Atomic). */
    free((void *)c);
#endif
}

struct job { /* what every worker is given */
    counter_t *counter;
    long long n; /* increments per worker */
};

/* Process(target=add): add 1, n times, then say what this worker sees. */
static void add_n(int worker, void *udata)
{
    struct job *job = udata;
    for (long long i = 0; i < job->n; i++)
        counter_add(job->counter);
    printf("[worker %d pid %ld] added %lld; the counter reads %ld here\n", worker, (long)getpid(),
           job->n, counter_read(job->counter));
}

int main(int argc, char **argv)
{
    long long workers = cpus_usable() < 2 ? 2 : cpus_usable(), n = 10000000;
    const struct flag flags[] = {
        {'j', FLAG_INT, "workers", "N", "worker processes (default: usable CPUs, at least 2)", 1,
         team_max_workers(), &workers},
        FLAG_N(&n, 1, 100000000, "increments per worker (default 10M; K, M accepted)"),
        OPTS_END_EXITS("-j 4 -n 1M", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL,
               "Exercise 07.1: a counter in shared memory, incremented atomically by N processes.",
               flags);
    interrupt_install(); /* Ctrl-C: stop and reap the workers, then die of it */

    long parent = (long)getpid();
    printf("[parent %ld] %lld workers each add 1 to one counter %lld times\n", parent, workers, n);
    struct job job = {counter_create(), n}; /* before fork: inherited */
    /* The workers start together, at a gate (team.h): without it worker 0
     * could be done before worker 1 exists, and no update would collide. */
    struct team team;
    team_start(&team, (int)workers, add_n, &job, true); /* worker w on the w-th usable CPU */
    team_join(&team); /* Process.join(), by pid: a worker that failed ends the program */
    long total = counter_read(job.counter);
    long long expected = workers * n;
    printf("[parent %ld] reaped %d of %lld workers, each exited normally\n", parent, team.count,
           workers);
    if (total == expected)
        printf("[parent %ld] counter = %ld, expected %lld: exact\n", parent, total, expected);
    else
        printf("[parent %ld] counter = %ld, expected %lld: WRONG, %lld updates missing\n", parent,
               total, expected, expected - total);
    counter_destroy(job.counter);
    return total == expected ? 0 : 1;
}
