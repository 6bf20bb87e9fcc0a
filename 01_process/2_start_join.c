/* SPDX-License-Identifier: MIT */
/*
 * 2_start_join.c - Process(target=greet, args=("bob",), name="Process-1"):
 * start N named children, join each by its pid, report its exitcode.
 *
 * Mirrors:  p = Process(target=greet, args=(who,)); p.start(); p.join();
 *           p.name, p.pid, p.exitcode
 * Usage:    2_start_join [-j N] [-q]
 *
 * Step 1 with the pieces Python adds: each child names itself (prctl), so
 * that ps shows "Process-1", not the program's name; the parent reads the
 * wait status as Python's exitcode (waitstatus.h). The last line proves that
 * every child was reaped: after the waitpid(pid) calls, waitpid(-1) finds none.
 */
#define _GNU_SOURCE /* prctl(PR_SET_NAME) is Linux-only */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opts.h"
#include "pool.h" /* pool_max_workers(): the -j limit, a fork-bomb guard */
#include "report.h"
#include "waitstatus.h"

/* The child's target. What ps and top show is the kernel's name for the
 * process ("comm", at most 15 characters), which fork copies from the
 * parent; PR_SET_NAME changes it. Python's Process.name lives only inside
 * Python, so ps shows every Python child as "python3". */
static void greet(const char *process_name, const char *who)
{
    if (prctl(PR_SET_NAME, process_name, 0, 0, 0) != 0)
        warn_errno("prctl");
    char comm[32] = "?";
    FILE *f = fopen("/proc/self/comm", "r");
    if (f == NULL)
        warn_errno("fopen /proc/self/comm"); /* say so, print "?" */
    else {
        if (fgets(comm, sizeof comm, f) != NULL)
            comm[strcspn(comm, "\n")] = '\0';
        fclose(f);
    }
    printf("[%s pid %ld] hello %s; my parent is %ld; ps shows me as \"%s\"\n", process_name,
           (long)getpid(), who, (long)getppid(), comm);
}

/* p = Process(target=greet, args=(names[i],)); p.start(), for each i */
static void start_children(pid_t *pids, int workers)
{
    static const char *const names[] = {"bob",  "alice", "carol", "dave",
                                        "erin", "frank", "grace", "heidi"};
    printf("[parent %ld] starting %d %s with target greet\n", (long)getpid(), workers,
           workers == 1 ? "child" : "children");
    for (int i = 0; i < workers; i++) {
        if (fflush(stdout) == EOF) /* the child would print this buffer again */
            die("fflush");
        pids[i] = fork(); /* p.start() */
        if (pids[i] < 0)
            die("fork");
        if (pids[i] == 0) {
            char name[24];
            snprintf(name, sizeof name, "Process-%d", i + 1);
            greet(name, names[i % 8]);
            fflush(stdout);
            _exit(0); /* the target returned: exitcode 0 */
        }
    }
}

int main(int argc, char **argv)
{
    long long workers = 3;
    bool quiet = false;
    const struct flag flags[] = {
        {'j', FLAG_INT, "workers", "N", "children to start (default 3)", 1, pool_max_workers(),
         &workers},
        {'q', FLAG_SWITCH, "quiet", NULL, "results only, no explanations", 0, 0, &quiet},
        OPTS_END("-j 5\n-q"),
    };
    opts_parse(argc, argv, "[-j N] [-q]",
               "Start N named children that say hello; join each by its pid.", flags);
    long self = (long)getpid();
    /* static: a child ends with _exit and cannot free its copy */
    static pid_t *pids;
    pids = malloc((size_t)workers * sizeof *pids);
    if (pids == NULL)
        die("malloc");

    start_children(pids, (int)workers); /* -j is at most pool_max_workers() */
    /* p.join() for each, in start order; report once all are joined, so
     * that no child's hello lands between the parent's lines. */
    int *statuses = malloc((size_t)workers * sizeof *statuses);
    if (statuses == NULL)
        die("malloc");
    for (int i = 0; i < workers; i++)
        while (waitpid(pids[i], &statuses[i], 0) < 0)
            if (errno != EINTR)
                die("waitpid");
    for (int i = 0; i < workers; i++) {
        char how[64];
        printf("[parent %ld] joined Process-%d (pid %ld): exitcode %d (%s)\n", self, i + 1,
               (long)pids[i], wait_exitcode(statuses[i]),
               wait_describe(statuses[i], how, sizeof how));
    }
    free(statuses);
    free(pids);
    if (!quiet) {
        printf("  The children run at the same time, so their hello lines come in any order.\n");
        printf("  Each child is a copy of the parent made by fork(): same code, same data, its "
               "own pid.\n");
    }
    /* Asking about "any child" is safe here: no library started one. */
    bool none_left = waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
    printf("\n[parent %ld] done: %lld %s started, %lld reaped, %s\n", self, workers,
           workers == 1 ? "child" : "children", workers,
           none_left ? "none left behind" : "SOME LEFT BEHIND");
    return none_left ? 0 : 1;
}
