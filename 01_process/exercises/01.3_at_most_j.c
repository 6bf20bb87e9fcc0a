/* SPDX-License-Identifier: MIT */
/*
 * 01.3_at_most_j.c - exercise: run N tasks, one child process each, but
 * never more than J at a time: xargs -P J, or a Pool whose workers live for
 * one task, built from fork() and waitpid() alone.
 *
 * Usage: 01.3_at_most_j [-j J] [-n N] [--crash-task K]
 *
 * Task k counts the primes in [1000k, 1000k + 1000) (then burns 10 ms of
 * CPU, so that running several at once shows) and returns the count as its
 * exit code. Starting all N at once would swamp the machine; one at a time
 * wastes its CPUs. Your part: run_tasks(), which keeps J children running
 * until every task is done, starting the next task as soon as one ends.
 * --crash-task K makes task K kill itself with SIGKILL: the others must
 * still run, and the program exits 1.
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
#include "cpus.h"
#include "pool.h" /* pool_max_workers(): the -j limit */
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

#define BLOCK     1000
#define TASK_SPIN 0.010 /* seconds of CPU each task burns */

static const char usage_text[] =
    "Usage: 01.3_at_most_j [-j J] [-n N] [--crash-task K]\n"
    "Run N tasks (task k counts the primes in [1000k, 1000k + 1000)), one\n"
    "child process each, at most J at a time.\n"
    "\n"
    "  -j, --workers J   children at a time (default: usable CPUs)\n"
    "  -n N              tasks (default 20)\n"
    "      --crash-task K  task K kills itself with SIGKILL\n"
    "  -h, --help        this text\n";

/* Everything the parent knows about the run (scaffolding). */
static struct {
    long self;       /* the parent's pid */
    int tasks;       /* -n */
    long crash_task; /* --crash-task, or -1 */
    pid_t *pid_of;   /* pid_of[k]: task k's child, 0 before it starts */
    int *primes;     /* primes[k]: task k's count, -1 until it is done */
    int started, finished, failed;
    int running, most_running; /* children alive now, and the most at once */
} run;

static bool is_prime(long x)
{
    if (x < 2)
        return false;
    for (long d = 2; d * d <= x; d++)
        if (x % d == 0)
            return false;
    return true;
}

/* What the child for task k does; it never returns. */
static _Noreturn void task_main(int k)
{
    if (k == run.crash_task)
        raise(SIGKILL); /* as the OOM killer would */
    int found = 0;
    for (long x = (long)k * BLOCK; x < (long)(k + 1) * BLOCK; x++)
        found += is_prime(x);
    timing_spin(TASK_SPIN);
    _exit(found); /* at most 168: it fits in an exit code */
}

/* Start the child for task k (Process(target=task_main, args=(k,)).start())
 * and return its pid. Call it for k = 0, 1, 2, ... in turn. */
static pid_t start_task(int k)
{
    if (k < 0 || k >= run.tasks || run.pid_of[k] != 0)
        die_msg("start_task(%d): no such task, or started already", k);
    if (fflush(stdout) == EOF)
        die("fflush");
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0)
        task_main(k);
    run.pid_of[k] = pid;
    run.started++;
    if (++run.running > run.most_running)
        run.most_running = run.running;
    return pid;
}

/* A child has been reaped: pass its pid and wait status. Records the
 * task's result and prints one line. */
static void task_ended(pid_t pid, int status)
{
    int k = 0;
    while (k < run.tasks && run.pid_of[k] != pid)
        k++;
    if (k == run.tasks)
        die_msg("task_ended: pid %ld is not one of the tasks", (long)pid);
    run.running--;
    run.finished++;
    if (WIFEXITED(status)) {
        run.primes[k] = WEXITSTATUS(status);
        printf("[parent %ld] task %d (pid %ld): %d primes; %d running\n", run.self, k, (long)pid,
               run.primes[k], run.running);
    } else {
        char how[64];
        run.failed++;
        printf("[parent %ld] task %d (pid %ld) FAILED: %s; %d running\n", run.self, k, (long)pid,
               wait_describe(status, how, sizeof how), run.running);
    }
}

/*
 * Run tasks 0 .. tasks-1, at most `jobs` children at a time: start tasks
 * until `jobs` are running, then each time a child ends (whichever it is),
 * report it with task_ended(pid, status) and start the next task, until all
 * have started and every child is reaped.
 */
static void run_tasks(int tasks, int jobs)
{
#ifdef SOLUTION
    int next = 0, running = 0;
    while (next < tasks || running > 0) {
        if (next < tasks && running < jobs) {
            start_task(next++); /* a free slot: fill it */
            running++;
            continue;
        }
        /* Every slot busy (or nothing left to start): wait for whichever
         * child ends first. All children here are our tasks, so "any
         * child" is safe. */
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, 0)) < 0) {
            if (errno != EINTR)
                die("waitpid");
        }
        task_ended(pid, status);
        running--;
    }
#else
    /* TODO: keep a count of running children. While there is a task left
     * and fewer than `jobs` run, start_task(next). When all slots are busy,
     * or no task is left to start but some still run, wait for ANY child
     * to end (waitpid; retry on EINTR, die("waitpid") otherwise) and pass
     * it to task_ended(pid, status). Stop when every task was started and
     * every child reaped. A task that was killed is reaped like any other. */
    (void)tasks;
    (void)jobs;
    (void)start_task;
    (void)task_ended;
#endif
}

static void parse_options(int argc, char **argv, int *jobs)
{
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"crash-task", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *jobs = cpus_for_pool();
    run.tasks = 20;
    run.crash_task = -1;
    opterr = 0; /* getopt's errors are reported on one line, below */
    int c;
    while ((c = getopt_long(argc, argv, ":j:n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': *jobs = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': run.tasks = (int)cli_parse_count("-n", optarg, 1, 1000); break;
        case 'c': run.crash_task = (long)cli_parse_int("--crash-task", optarg, 0, 999); break;
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
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int jobs;
    parse_options(argc, argv, &jobs);
    run.self = (long)getpid();
    run.pid_of = calloc((size_t)run.tasks, sizeof *run.pid_of);
    run.primes = malloc((size_t)run.tasks * sizeof *run.primes);
    if (run.pid_of == NULL || run.primes == NULL)
        die("malloc");
    for (int k = 0; k < run.tasks; k++)
        run.primes[k] = -1;

    printf("[parent %ld] %d tasks, at most %d at a time\n", run.self, run.tasks, jobs);
    double t0 = timing_now();
    run_tasks(run.tasks, jobs);
    double took = timing_now() - t0;

    long total = 0, expected = 0;
    int done = 0;
    for (int k = 0; k < run.tasks; k++) {
        if (run.primes[k] >= 0) {
            done++;
            total += run.primes[k];
        }
    }
    for (long x = 0; x < (long)run.tasks * BLOCK; x++)
        expected += is_prime(x);
    bool none_left = waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
    printf("[parent %ld] %d of %d tasks done, %d failed; at most %d running "
           "at once (limit %d)\n",
           run.self, done, run.tasks, run.failed, run.most_running, jobs);
    printf("[parent %ld] primes below %ld: the tasks found %ld (the parent "
           "counts %ld: %s)\n",
           run.self, (long)run.tasks * BLOCK, total, expected,
           total == expected ? "agrees"
           : run.failed > 0  ? "a failed task's block is missing"
                             : "DISAGREES");
    printf("[parent %ld] took %.2f s (each task burns %.0f ms of CPU); %s\n", run.self, took,
           TASK_SPIN * 1e3,
           none_left && run.finished == run.started ? "none left behind" : "SOME LEFT BEHIND");
    free(run.primes);
    free(run.pid_of);
    bool ok = done == run.tasks && total == expected && none_left && run.most_running <= jobs;
    return ok ? 0 : 1;
}
