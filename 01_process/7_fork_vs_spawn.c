/* SPDX-License-Identifier: MIT */
/*
 * 7_fork_vs_spawn.c - Python's "fork" and "spawn" start methods, timed: fork
 * alone, fork + exec of this program, and posix_spawn.
 *
 * Mirrors: set_start_method("fork" | "spawn"), and `if __name__ == "__main__":`
 * Usage: 7_fork_vs_spawn [-n N] [-m MB] [-q]
 * Each way starts and reaps N processes one at a time, best of 3 rounds. Look
 * at the times, the verdicts (or "too close to call"), and what -m 500 does.
 */
#include <errno.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opts.h"
#include "interrupt.h"
#include "reap.h"
#include "report.h"
#include "timing.h"
#include "verdict.h"
#include "waitstatus.h"

extern char **environ;
enum { ROUNDS = 3 };
enum start_way { BY_FORK, BY_FORK_EXEC, BY_POSIX_SPAWN, WAYS };
static char self_path[4096]; /* what a spawned child runs: this program */
static long started, reaped;

/* Start one process the given way and reap it: p.start(); p.join() */
static void start_and_reap(enum start_way way)
{
    char *argv[] = {self_path, "--spawned-child", NULL};
    pid_t pid;
    reap_check_interrupt();      /* no new child after Ctrl-C */
    if (way == BY_POSIX_SPAWN) { /* glibc: clone(CLONE_VM | CLONE_VFORK), no copy */
        int rc = posix_spawn(&pid, self_path, NULL, NULL, argv, environ);
        if (rc != 0)
            die_code("posix_spawn", rc);
    } else if ((pid = fork()) < 0) {
        die("fork");
    } else if (pid == 0) { /* a Ctrl-C now sets only the child's flag: harmless */
        if (way == BY_FORK)
            _exit(0);           /* Python's "fork": the copy is ready to work */
        execv(self_path, argv); /* "spawn": a fresh start of the program */
        _exit(127);
    }
    started++;
    int status = reap_child(pid); /* Ctrl-C: stops and reaps it, dies (step 6) */
    reaped++;
    if (status != 0)
        die_msg("a started child (pid %ld) failed: exitcode %d", (long)pid, wait_exitcode(status));
}

/* One round: n starts of way w, in seconds per process (for verdict_best_of). */
static double one_round(void *arg)
{
    const int *way_n = arg;
    double t0 = timing_now();
    for (int i = 0; i < way_n[1]; i++)
        start_and_reap((enum start_way)way_n[0]);
    return (timing_now() - t0) / way_n[1];
}

static void report(const double *t, long self, bool quiet)
{
    static const char *const labels[WAYS] = {"fork            (Python's \"fork\") ",
                                             "fork + exec     (Python's \"spawn\")",
                                             "posix_spawn     (one call)        "};
    char tag[32];
    snprintf(tag, sizeof tag, "[parent %ld] ", self);
    for (int w = 0; w < WAYS; w++)
        printf("%s%s %9.1f µs per process (best of %d rounds)\n", tag, labels[w], t[w] * 1e6,
               ROUNDS);
    printf("%sfork + exec took %.1f x the time of fork (%s), posix_spawn %.1f x (%s)\n", tag,
           t[BY_FORK_EXEC] / t[BY_FORK],
           verdict_compare(t[BY_FORK], t[BY_FORK_EXEC], "fork + exec faster", "fork faster"),
           t[BY_POSIX_SPAWN] / t[BY_FORK],
           verdict_compare(t[BY_FORK], t[BY_POSIX_SPAWN], "posix_spawn faster", "fork faster"));
    verdict_print_busy(stdout, tag);
    if (!quiet) /* Python's spawn: a fresh interpreter imports the main module again */
        puts("  fork + exec and posix_spawn start this program again with a hidden flag, which\n"
             "  main() checks first, as `if __name__ == \"__main__\":` guards a spawned Python.\n"
             "  fork copies the parent's page tables, so its cost grows with the parent: -m 500.");
}

int main(int argc, char **argv)
{
    /* A spawned copy starts here too (a spawned Python imports __main__ again) */
    if (argc == 2 && strcmp(argv[1], "--spawned-child") == 0)
        return 0;
    long long n = 30, memory_mb = 0;
    bool quiet = false;
    const struct flag flags[] = {
        {'n', FLAG_COUNT, NULL, "N", "processes per way and round (default 30; best of 3 rounds)",
         1, 100000, &n},
        {'m', FLAG_INT, "memory", "MB",
         "touch MB megabytes first, to see what a big parent does to fork", 0, 4096, &memory_mb},
        {'q', FLAG_SWITCH, "quiet", NULL, "results only, no explanations", 0, 0, &quiet},
        OPTS_END_EXITS("-n 100\n-m 500 -q", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, "[-n N] [-m MB] [-q]",
               "Time starting a process by fork, by fork + exec and by posix_spawn.", flags);
    long self = (long)getpid();
    if (readlink("/proc/self/exe", self_path, sizeof self_path - 1) < 0)
        die("readlink /proc/self/exe");
    interrupt_install(); /* Ctrl-C sets a flag: see reap.h */

    puts("== fork vs spawn ==");
    char *memory = NULL;
    if (memory_mb > 0) {
        if ((memory = malloc((size_t)memory_mb << 20)) == NULL)
            die("malloc");
        memset(memory, 1, (size_t)memory_mb << 20); /* touch every page */
        printf("[parent %ld] touched %lld MB of memory first\n", self, memory_mb);
    }
    printf("[parent %ld] starting and reaping %lld processes each way, one at a time\n", self, n);
    double t[WAYS];
    for (int w = 0; w < WAYS; w++) {
        start_and_reap((enum start_way)w); /* untimed: loads the program's pages */
        t[w] = verdict_best_of(ROUNDS, one_round, (int[]){w, (int)n});
    }
    free(memory);
    report(t, self, quiet);
    bool none_left = waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
    printf("\n[parent %ld] done: %ld children started, %ld reaped, %s\n", self, started, reaped,
           none_left ? "none left behind" : "SOME LEFT BEHIND");
    return none_left && started == reaped ? 0 : 1;
}
