/* SPDX-License-Identifier: MIT */
/*
 * 01.1_start_join.c - exercise: start N children with fork(), let each one
 * count primes and hand the count back as its exit code, and join them.
 *
 * Usage: 01.1_start_join [-j N]
 *
 * Child k counts the primes in [1000k, 1000k + 1000) and ends with
 * _exit(count): a block of 1000 numbers never holds more than 168 primes, so
 * the count fits in the 8 bits an exit code has. The parent joins every child
 * by its pid (Process.join()), reads the counts from the exit codes
 * (Process.exitcode), adds them up, and checks the total against a count of
 * its own. Your part: start_counter() and join_counter().
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "pool.h" /* pool_max_workers(): the -j limit */
#include "report.h"
#include "waitstatus.h"

#define BLOCK 1000

static const char usage_text[] =
    "Usage: 01.1_start_join [-j N]\n"
    "Start N children; child k counts the primes in [1000k, 1000k + 1000)\n"
    "and returns the count as its exit code; the parent joins them all.\n"
    "\n"
    "  -j, --workers N   children to start (default 4)\n"
    "  -h, --help        this text\n";

static bool is_prime(long x)
{
    if (x < 2)
        return false;
    for (long d = 2; d * d <= x; d++)
        if (x % d == 0)
            return false;
    return true;
}

/* The child's work: Process(target=count_block, args=(k,)). */
static int count_block(int k)
{
    long first = (long)k * BLOCK;
    printf("[child %d pid %ld] counting the primes in [%ld, %ld)\n", k, (long)getpid(), first,
           first + BLOCK);
    fflush(stdout);
    int found = 0;
    for (long x = first; x < first + BLOCK; x++)
        found += is_prime(x);
    return found;
}

/*
 * p = Process(target=count_block, args=(k,)); p.start(); return p.pid
 *
 * Start one child that runs count_block(k) and ends with its result as the
 * exit code. In the parent, return the child's pid.
 */
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

/*
 * p.join(): wait for this child, by its pid, and return its wait status.
 */
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

static int parse_workers(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int workers = 4;
    opterr = 0; /* getopt's errors are reported on one line, below */
    int c;
    while ((c = getopt_long(argc, argv, ":j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'h': fputs(usage_text, stdout); exit(0);
        case ':': usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            if (optopt != 0)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    return workers;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int workers = parse_workers(argc, argv);
    long self = (long)getpid();

    /* Static storage, so the children's copies stay reachable: a child ends
     * with _exit and has no chance to free its copy. */
    static pid_t *pids;
    pids = malloc((size_t)workers * sizeof *pids);
    if (pids == NULL)
        die("malloc");
    printf("[parent %ld] starting %d %s: child k counts the primes in "
           "[1000k, 1000k + 1000)\n",
           self, workers, workers == 1 ? "child" : "children");
    for (int k = 0; k < workers; k++)
        pids[k] = start_counter(k);

    /* Join in the order they were started; the exit code is the count. */
    long total = 0;
    bool all_exited = true;
    for (int k = 0; k < workers; k++) {
        char how[64];
        int status = join_counter(pids[k]);
        printf("[parent %ld] joined child %d (pid %ld): exitcode %d (%s)\n", self, k, (long)pids[k],
               wait_exitcode(status), wait_describe(status, how, sizeof how));
        if (WIFEXITED(status))
            total += WEXITSTATUS(status);
        else
            all_exited = false;
    }
    free(pids);

    long expected = 0;
    for (long x = 0; x < (long)workers * BLOCK; x++)
        expected += is_prime(x);
    printf("[parent %ld] primes below %ld: %ld (a count in the parent says "
           "%ld: %s)\n",
           self, (long)workers * BLOCK, total, expected,
           total == expected && all_exited ? "agrees" : "DISAGREES");

    /* Every child was joined by pid; waitpid(-1) finding none proves it. */
    bool none_left = waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
    printf("[parent %ld] done: %s\n", self, none_left ? "none left behind" : "SOME LEFT BEHIND");
    return total == expected && none_left ? 0 : 1;
}
