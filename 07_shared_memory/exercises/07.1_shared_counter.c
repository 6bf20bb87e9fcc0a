/* SPDX-License-Identifier: MIT */
/*
 * 07.1_shared_counter.c - exercise: a counter that several processes add to,
 * which the parent reads exactly: shared memory plus an atomic increment.
 *
 * Usage: 07.1_shared_counter [-j N] [-n N]
 *
 * The parent creates a counter, forks N workers that each add 1 to it
 * -n times, reaps them by pid, and prints the total against the expected
 * workers x n. Exit status 0 when exact, 1 when not.
 *
 * Python:  counter = Value('l', 0, lock=False) ... plus a Lock, because
 *          v.value += 1 is not atomic. C11 has atomics: one step, no lock.
 */
#include <errno.h>
#include <getopt.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "pool.h"
#include "report.h"
#include "waitstatus.h"

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

/* ---------------------------------------------------------- the run */

static void usage(void)
{
    printf("Usage: %s [-j N] [-n N]\n"
           "Exercise 07.1: a counter in shared memory, incremented "
           "atomically by N processes.\n\n"
           "  -j, --workers N  worker processes (default: usable CPUs, at "
           "least 2; max %d)\n"
           "  -n N             increments per worker (default 10M; K, M "
           "accepted)\n"
           "  -h, --help       this text\n",
           report_program(), pool_max_workers());
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int workers = cpus_usable() < 2 ? 2 : cpus_usable();
    long long n = 10000000;
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* getopt's complaints are reported on one line, below */
    int opt;
    while ((opt = getopt_long(argc, argv, ":j:n:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j': workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': n = cli_parse_count("-n", optarg, 1, 100000000); break;
        case 'h': usage(); return 0;
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt != 0)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);

    long parent = (long)getpid();
    printf("[parent %ld] %d workers each add 1 to one counter %lld times\n", parent, workers, n);
    counter_t *counter = counter_create(); /* before fork: inherited */
    pid_t *pids = calloc((size_t)workers, sizeof *pids);
    if (pids == NULL)
        die("calloc");
    /* A gate: the workers wait for end-of-file on this pipe, which comes
     * when the parent closes the write end after the last fork. Without it
     * worker 0 could be done before worker 1 exists, and no update would
     * ever collide. */
    int gate[2];
    if (pipe(gate) != 0)
        die("pipe");
    for (int w = 0; w < workers; w++) {
        fflush(stdout);     /* or the child would print our buffer again */
        pid_t pid = fork(); /* Process(target=add).start() */
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            char byte;
            free(pids);              /* the child's copy of the list: not needed here */
            if (close(gate[1]) != 0) /* our copy would keep the gate shut */
                die("close");
            if (read(gate[0], &byte, 1) < 0)
                die("read");
            for (long long i = 0; i < n; i++)
                counter_add(counter);
            printf("[worker %d pid %ld] added %lld; the counter reads %ld "
                   "here\n",
                   w, (long)getpid(), n, counter_read(counter));
            fflush(stdout);
            _exit(0); /* no atexit handlers, no second stdio flush */
        }
        pids[w] = pid;
    }
    if (close(gate[0]) != 0 || close(gate[1]) != 0) /* open the gate */
        die("close");
    int reaped = 0;
    for (int w = 0; w < workers; w++) { /* Process.join(), by pid */
        int status;
        while (waitpid(pids[w], &status, 0) < 0)
            if (errno != EINTR)
                die("waitpid");
        reaped += wait_exitcode(status) == 0;
    }
    long total = counter_read(counter);
    long long expected = (long long)workers * n;
    printf("[parent %ld] reaped %d of %d workers, each exited normally\n", parent, reaped, workers);
    if (total == expected)
        printf("[parent %ld] counter = %ld, expected %lld: exact\n", parent, total, expected);
    else
        printf("[parent %ld] counter = %ld, expected %lld: WRONG, %lld "
               "updates missing\n",
               parent, total, expected, expected - total);
    counter_destroy(counter);
    free(pids);
    return total == expected && reaped == workers ? 0 : 1;
}
