/* SPDX-License-Identifier: MIT */
/*
 * 01.3_at_most_j.c - exercise: run N tasks, one child process each, never
 * more than J at a time (xargs -P J), from fork() and waitpid() alone.
 *
 * Usage: 01.3_at_most_j [-j J] [-n N] [--crash-task K]
 *
 * Task k counts the primes in [1000k, 1000k + 1000), burns 10 ms of CPU and
 * returns the count as its exit code. Your part: run_tasks(). --crash-task K
 * makes task K kill itself: the others still run, and the program exits 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

enum { BLOCK = 1000, MAX_TASKS = 1000 };
#define TASK_SPIN 0.010 /* seconds of CPU each task burns */

/* Everything the parent knows about the run (scaffolding). */
static struct {
    long long tasks, crash_task; /* -n, --crash-task (or -1) */
    pid_t pid_of[MAX_TASKS];     /* pid_of[k]: task k's child, 0 before it starts */
    long total;                  /* the primes counted by the tasks that ended well */
    int started, done, failed, running, most_running; /* running: children alive now */
} run = {.tasks = 20, .crash_task = -1};

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

/* What the child for task k does; it never returns. */
static _Noreturn void task_main(int k)
{
    if (k == run.crash_task)
        raise(SIGKILL); /* as the OOM killer would */
    int found = (int)count_primes((long)k * BLOCK, (long)(k + 1) * BLOCK);
    timing_spin(TASK_SPIN);
    _exit(found); /* at most 168: it fits in an exit code */
}

/* Process(target=task_main, args=(k,)).start(), for k = 0, 1, 2... in turn. */
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

/* A child was reaped: pass its pid and wait status; prints one line. */
static void task_ended(pid_t pid, int status)
{
    int k = 0;
    while (k < run.tasks && run.pid_of[k] != pid)
        k++;
    if (k == run.tasks)
        die_msg("task_ended: pid %ld is not one of the tasks", (long)pid);
    char how[64], what[80];
    if (WIFEXITED(status))
        snprintf(what, sizeof what, ": %d primes", WEXITSTATUS(status));
    else
        snprintf(what, sizeof what, " FAILED: %s", wait_describe(status, how, sizeof how));
    run.done += WIFEXITED(status);
    run.failed += !WIFEXITED(status);
    run.total += WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    printf("[parent %ld] task %d (pid %ld)%s; %d running\n", (long)getpid(), k, (long)pid, what,
           --run.running);
}

/* Run tasks 0 .. tasks-1, at most `jobs` children at a time: when any child
 * ends, task_ended(pid, status) and start the next, until all are reaped. */
static void run_tasks(int tasks, int jobs)
{
#ifdef SOLUTION
    int next = 0, running = 0;
    while (next < tasks || running > 0) {
        for (; next < tasks && running < jobs; running++) /* fill every free slot */
            start_task(next++);
        /* wait for whichever child ends first (safe: all children are tasks) */
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, 0)) < 0)
            if (errno != EINTR)
                die("waitpid");
        task_ended(pid, status);
        running--;
    }
#else
    /* TODO: count the running children. While a task is left and fewer than
     * `jobs` run, start_task(next). When all slots are busy, or none is left
     * to start but some still run, wait for ANY child (waitpid; EINTR: again,
     * else die("waitpid")) and pass it to task_ended(pid, status). Stop when
     * all were started and reaped; a killed task is reaped like any other. */
    (void)tasks, (void)jobs, (void)start_task, (void)task_ended;
#endif
}

/* What the tasks found, against the parent's own count; true if all is right. */
static bool summary(int jobs, double took)
{
    long total = run.total, expected = count_primes(0, (long)run.tasks * BLOCK), self = getpid();
    bool none_left =
        waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD && run.done + run.failed == run.started;
    printf("[parent %ld] %d of %lld tasks done, %d failed; at most %d running at once (limit %d)\n",
           self, run.done, run.tasks, run.failed, run.most_running, jobs);
    printf("[parent %ld] primes below %ld: the tasks found %ld (the parent counts %ld: %s)\n", self,
           (long)run.tasks * BLOCK, total, expected,
           total == expected ? "agrees"
           : run.failed > 0  ? "a failed task's block is missing"
                             : "DISAGREES");
    printf("[parent %ld] took %.2f s (each task burns %.0f ms of CPU); %s\n", self, took,
           TASK_SPIN * 1e3, none_left ? "none left behind" : "SOME LEFT BEHIND");
    return run.done == run.tasks && total == expected && none_left && run.most_running <= jobs;
}

int main(int argc, char **argv)
{
    long long jobs = cpus_for_pool();
    const struct flag flags[] = {
        FLAG_WORKERS(&jobs, "children at once (default: CPUs)"),
        {'n', FLAG_COUNT, NULL, "N", "tasks (default 20)", 1, MAX_TASKS, &run.tasks},
        {0, FLAG_INT, "crash-task", "K", "task K is killed", 0, MAX_TASKS - 1, &run.crash_task},
        OPTS_END("-j 2 -n 10\n-j 4 --crash-task 3"),
    };
    opts_parse(argc, argv, "[-j N] [-n N] [--crash-task K]",
               "Run -n tasks, one child each, at most -j at a time.", flags);

    printf("[parent %ld] %lld tasks, at most %lld at a time\n", (long)getpid(), run.tasks, jobs);
    double t0 = timing_now();
    run_tasks((int)run.tasks, (int)jobs); /* in range: the table above */
    return summary((int)jobs, timing_now() - t0) ? 0 : 1;
}
