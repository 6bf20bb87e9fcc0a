/* SPDX-License-Identifier: MIT */
/*
 * 4_zombie.c - a child that has exited stays a zombie until its parent waits
 * for it: caught in the act in /proc, then reaped.
 *
 * Mirrors:  p.join() (and multiprocessing.active_children(), which polls each
 *           of Python's own children by pid)
 * Usage:    4_zombie
 *
 * Look at the state letter: Z while nobody has waited for the dead child,
 * and /proc/<pid> gone once waitpid has collected its exit status.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opts.h"
#include "report.h"
#include "waitstatus.h"

/* The state letter in /proc/<pid>/stat (R, S, Z...), or 0 if it is gone.
 * The name in field 2 is in parentheses and may hold spaces: the state is
 * the first field after the last ')'. */
static char proc_state(pid_t pid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        if (errno != ENOENT)
            die(path);
        return 0;
    }
    char *ok = fgets(line, sizeof line, f);
    fclose(f);
    char *paren = ok ? strrchr(line, ')') : NULL;
    if (paren == NULL || paren[1] != ' ')
        die_msg("%s: unexpected contents", path);
    return paren[2];
}

static void explain(void)
{
    puts("  A child that has exited keeps its pid and exit status until its parent waits for it:\n"
         "  it is a zombie. join() is that wait. A long-running parent that never joins fills\n"
         "  the process table with zombies until fork() fails. Python also reaps its finished\n"
         "  children when you start a new one or call active_children(): each polls every\n"
         "  child Python started, by its pid (waitpid(pid, WNOHANG)), never waitpid(-1).");
}

int main(int argc, char **argv)
{
    opts_parse(argc, argv, "", "Catch an exited, unreaped child as a zombie, then reap it.",
               (const struct flag[]){OPTS_END("")});
    long self = (long)getpid();
    if (fflush(stdout) == EOF)
        die("fflush");
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0)
        _exit(0); /* the child ends at once */

    /* Wait until the child has exited, but leave it unreaped: WNOWAIT looks
     * at the exit status without collecting it. */
    siginfo_t info;
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) != 0)
        die("waitid");
    char state = proc_state(pid);
    printf("[parent %ld] child pid %ld has exited; nobody has waited for it yet\n", self,
           (long)pid);
    printf("[parent %ld] /proc/%ld/stat says state %c%s\n", self, (long)pid, state ? state : '-',
           state == 'Z' ? " (zombie)" : " (expected Z)");

    int status;
    if (waitpid(pid, &status, 0) < 0) /* p.join() */
        die("waitpid");
    char how[64];
    printf("[parent %ld] waitpid(%ld) reaped it: exitcode %d (%s)\n", self, (long)pid,
           wait_exitcode(status), wait_describe(status, how, sizeof how));
    state = proc_state(pid);
    if (state == 0)
        printf("[parent %ld] /proc/%ld is gone: the pid and its exit status are freed\n", self,
               (long)pid);
    else
        printf("[parent %ld] /proc/%ld still there, state %c\n", self, (long)pid, state);
    explain();
    bool none_left = waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
    printf("\n[parent %ld] done: 1 child started, 1 reaped, %s\n", self,
           none_left ? "none left behind" : "SOME LEFT BEHIND");
    return none_left && state == 0 ? 0 : 1;
}
