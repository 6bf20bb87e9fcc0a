/* SPDX-License-Identifier: MIT */
/*
 * 6_ctrl_c_children.c - Ctrl-C and kill with children: a parent that just
 * dies leaves its workers behind as orphans; one that turns the signal into
 * a flag (interrupt.h) stops and reaps them, then dies of the same signal.
 *
 * Mirrors:  what multiprocessing does at exit (terminate daemonic children,
 *           join the others) and a `try: ... finally: p.terminate(); p.join()`
 * Usage:    6_ctrl_c_children
 *
 * This program plays the shell: it starts a parent with 3 workers, sends it
 * SIGTERM (as `kill PID` does) and looks at the workers: "an orphan" the
 * first time, "gone" the second. (It adopts the orphans, as a subreaper.)
 */
#define _GNU_SOURCE /* prctl(PR_SET_CHILD_SUBREAPER) is Linux-only */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interrupt.h"
#include "opts.h"
#include "report.h"
#include "waitstatus.h"

enum { WORKERS = 3 };

/* The parent: start the workers, tell the shell their pids, join them. With
 * `handled`, Ctrl-C or SIGTERM only sets a flag: waitpid returns EINTR, and
 * the parent stops (SIGKILL: it cannot be caught) and reaps every worker by
 * pid before it dies of the signal, so the shell still sees 130 or 143. */
static _Noreturn void parent(bool handled, int report_fd)
{
    pid_t pids[WORKERS];
    if (handled)
        interrupt_install();
    for (int i = 0; i < WORKERS; i++) {
        pids[i] = fork();
        if (pids[i] < 0)
            die("fork");
        if (pids[i] == 0) { /* fork copied the flag-only handler: undo it */
            signal(SIGINT, SIG_DFL);
            signal(SIGTERM, SIG_DFL);
            sleep(10); /* the work; bounded, so nothing outlives a broken run */
            _exit(0);
        }
    }
    if (write(report_fd, pids, sizeof pids) != (ssize_t)sizeof pids)
        die("write");
    for (int i = 0; i < WORKERS && !interrupt_requested(); i++)
        if (waitpid(pids[i], NULL, 0) < 0 && errno != EINTR)
            die("waitpid");
    if (!interrupt_requested())
        _exit(0);
    char name[32];
    signal_name(interrupt_signal(), name, sizeof name);
    printf("[parent %ld] %s: stopping and reaping %d children, then dying of %s\n", (long)getpid(),
           name, WORKERS, name);
    fflush(stdout);
    for (int i = 0; i < WORKERS; i++)
        if (kill(pids[i], SIGKILL) != 0)
            warn_errno("kill");
    for (int i = 0; i < WORKERS; i++)
        while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
            continue; /* a second Ctrl-C: keep reaping */
    interrupt_exit();
}

/* The parent pid of `pid` from /proc/<pid>/stat, or 0 if it is gone. */
static long parent_of(pid_t pid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    char *got = fgets(line, sizeof line, f);
    fclose(f);
    /* "pid (name) state ppid ...": the name may hold a ')', so the last one */
    char *paren = got != NULL ? strrchr(line, ')') : NULL;
    if (paren == NULL || paren[1] != ' ' || paren[2] == '\0' || paren[2] == 'Z')
        return 0; /* unreadable, or dead and waiting to be reaped */
    return strtol(paren + 3, NULL, 10);
}

/* One round: start a parent, SIGTERM it once its workers run, look at them.
 * Returns how many workers were left behind. */
static int round_trip(bool handled)
{
    long self = (long)getpid();
    int fds[2], status, left = 0;
    pid_t workers[WORKERS];
    if (pipe(fds) != 0)
        die("pipe");
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0)
        parent(handled, fds[1]);
    close(fds[1]);
    if (read(fds[0], workers, sizeof workers) != (ssize_t)sizeof workers)
        die_msg("the parent did not report its workers");
    close(fds[0]);
    printf("[shell %ld] parent %ld started %d workers; kill(%ld, SIGTERM)\n", self, (long)pid,
           WORKERS, (long)pid);
    if (kill(pid, SIGTERM) != 0 || waitpid(pid, &status, 0) < 0)
        die("kill/waitpid");
    char how[64];
    printf("[shell %ld] the parent: %s\n", self, wait_describe(status, how, sizeof how));
    for (int i = 0; i < WORKERS; i++) {
        long ppid = parent_of(workers[i]);
        if (ppid == 0) {
            printf("[shell %ld] worker %ld: gone, reaped by its parent\n", self, (long)workers[i]);
            continue;
        }
        left++;
        printf("[shell %ld] worker %ld: still running, its parent is now %ld: an orphan\n", self,
               (long)workers[i], ppid);
        if (kill(workers[i], SIGKILL) != 0 || waitpid(workers[i], NULL, 0) < 0)
            die("kill/waitpid of an orphan");
    }
    return left;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* each line out before the next kill */
    opts_parse(argc, argv, "",
               "SIGTERM to a parent with workers: without and with "
               "a handler.",
               (const struct flag[]){OPTS_END("")});
    /* Orphans of our descendants come to us, not to pid 1. */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        die("prctl");
    puts("== a parent that dies of the signal at once (no handler) ==");
    int orphans = round_trip(false);
    puts("\n== a parent with interrupt.h's handler: stop, reap, then die ==");
    int left = round_trip(true);
    printf("  The first parent's workers outlived it: this program adopted and ended them; a\n"
           "  shell would not, and pid 1 in a container may never reap them. The second one\n"
           "  reaped its workers first. A terminal's Ctrl-C signals the whole process group, so\n"
           "  the workers get it too; `kill PID` reaches the parent alone.\n");
    bool none_left = waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
    printf("\n[shell %ld] done: %d orphans without a handler, %d with; %s\n", (long)getpid(),
           orphans, left, none_left ? "none left behind" : "SOME LEFT BEHIND");
    return orphans == WORKERS && left == 0 && none_left ? 0 : 1;
}
