/* SPDX-License-Identifier: MIT */
/*
 * 01.1_start_join.c - exercise: start N children with fork(), let each one
 * count primes and hand the count back as its exit code, and join them.
 *
 * Usage: 01.1_start_join [-j N]
 *
 * Child k counts the primes in [1000k, 1000k + 1000) and ends with
 * _exit(count) (a block of 1000 holds at most 168 primes: it fits in the 8
 * bits of an exit code). The parent joins every child by its pid
 * (Process.join()), adds up the exit codes (Process.exitcode) and checks the
 * total against a count of its own. Your part: start_counter() and
 * join_counter().
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opts.h"
#include "report.h"
#include "waitstatus.h"

#define BLOCK 1000

/* How many primes lie in [first, end). */
static long count_primes(long first, long end)
{
    long found = 0;
    for (long x = first < 2 ? 2 : first; x < end; x++) {
        long d = 2;
        while (d * d <= x && x % d != 0)
            d++;
        found += d * d > x;
    }
    return found;
}

/* The child's work: Process(target=count_block, args=(k,)). */
static int count_block(int k)
{
    long first = (long)k * BLOCK;
    printf("[child %d pid %ld] counting the primes in [%ld, %ld)\n", k, (long)getpid(), first,
           first + BLOCK);
    fflush(stdout);
    return (int)count_primes(first, first + BLOCK);
}

/* p = Process(target=count_block, args=(k,)); p.start(); return p.pid:
 * a child that ends with count_block(k) as its exit code. */
static pid_t start_counter(int k)
{
#ifdef SOLUTION
    /* Flush first: the child gets a copy of the stdio buffer, and whatever
     * is still in it would be printed twice, once by each process. */
    if (fflush(stdout) == EOF)
        die("fflush");
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        /* _exit, not exit or return: this copy must not run the parent's
         * code after the loop, nor flush the parent's buffers again. */
        _exit(count_block(k));
    }
    return pid;
#else
    /* TODO: fork() one child.
     *   - In the child: call count_block(k) and end the child with
     *     _exit(<its result>): the count travels back as the exit code.
     *   - In the parent: return the child's pid.
     *   - Check fork() for failure (die("fork")).
     * Before fork(), think about what happens to the parent's stdout
     * buffer: run the checks with output to a pipe, and count the lines. */
    (void)k;
    (void)count_block;
    return 0;
#endif
}

/* p.join(): wait for this child, by its pid, and return its wait status. */
static int join_counter(pid_t pid)
{
#ifdef SOLUTION
    int status;
    /* A signal handler could interrupt the wait (EINTR): wait again. */
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            die("waitpid");
    }
    return status;
#else
    /* TODO: wait for exactly this child with waitpid() and return the
     * status it fills in. If waitpid fails with EINTR, call it again;
     * any other failure: die("waitpid"). */
    (void)pid;
    return 0;
#endif
}

/* Join the children in start order, add up their exit codes; false if one
 * did not exit normally. */
static bool join_all(const pid_t *pids, int workers, long *total)
{
    bool all_exited = true;
    *total = 0;
    for (int k = 0; k < workers; k++) {
        char how[64];
        int status = join_counter(pids[k]);
        printf("[parent %ld] joined child %d (pid %ld): exitcode %d (%s)\n", (long)getpid(), k,
               (long)pids[k], wait_exitcode(status), wait_describe(status, how, sizeof how));
        if (WIFEXITED(status))
            *total += WEXITSTATUS(status);
        else
            all_exited = false;
    }
    return all_exited;
}

int main(int argc, char **argv)
{
    int workers = opts_parse_workers(
        argc, argv, "Start N children that count primes; join them all.", 1, 4, "-j 8");
    long self = (long)getpid();

    /* static: a child ends with _exit and cannot free its copy */
    static pid_t *pids;
    pids = malloc((size_t)workers * sizeof *pids);
    if (pids == NULL)
        die("malloc");
    printf("[parent %ld] starting %d %s: child k counts the primes in "
           "[1000k, 1000k + 1000)\n",
           self, workers, workers == 1 ? "child" : "children");
    for (int k = 0; k < workers; k++)
        pids[k] = start_counter(k);
    long total;
    bool all_exited = join_all(pids, workers, &total);
    free(pids);

    long expected = count_primes(0, (long)workers * BLOCK);
    printf("[parent %ld] primes below %ld: %ld (a count in the parent says %ld: %s)\n", self,
           (long)workers * BLOCK, total, expected,
           total == expected && all_exited ? "agrees" : "DISAGREES");

    /* Every child was joined by pid; waitpid(-1) finding none proves it. */
    bool none_left = waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
    printf("[parent %ld] done: %s\n", self, none_left ? "none left behind" : "SOME LEFT BEHIND");
    return total == expected && none_left ? 0 : 1;
}
