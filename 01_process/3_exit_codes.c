/* SPDX-License-Identifier: MIT */
/*
 * 3_exit_codes.c - how a child ended: four children end four ways, and the
 * parent reads each wait status as Python's Process.exitcode.
 *
 * Mirrors:  p.exitcode after the target returns (0), calls sys.exit(3) (3),
 *           crashes (-11, SIGSEGV), or is stopped by p.terminate() (-15)
 * Usage:    3_exit_codes
 *
 * Look at the exitcode column: a code for a child that exited, minus the
 * signal's number for one a signal killed. The shell would show the crash as
 * 139 (128 + 11); waitpid tells an exit and a signal apart.
 */
#define _GNU_SOURCE /* prctl(PR_SET_PDEATHSIG) is Linux-only */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opts.h"
#include "report.h"
#include "waitstatus.h"

enum ending { RETURNS, EXITS_3, SEGFAULTS, TERMINATED };

static _Noreturn void end_child(enum ending how, pid_t parent)
{
    switch (how) {
    case RETURNS: _exit(0); /* the target function returns */
    case EXITS_3: _exit(3); /* sys.exit(3) */
    case SEGFAULTS: {
        /* A crash, as a bad pointer would cause. No core file: this crash
         * is on purpose and should leave no file behind. */
        struct rlimit no_core = {0, 0};
        if (setrlimit(RLIMIT_CORE, &no_core) != 0)
            warn_errno("setrlimit");
        raise(SIGSEGV);
        break; /* not reached: SIGSEGV's default action kills */
    }
    case TERMINATED:
        /* Waits for the parent's p.terminate(). If the parent dies first,
         * the kernel kills this child too (the getppid check covers a parent
         * that died before prctl), and sleep bounds it anyway. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
            warn_errno("prctl");
        if (getppid() == parent)
            sleep(10);
        break;
    }
    _exit(99);
}

int main(int argc, char **argv)
{
    static const struct {
        enum ending how;
        const char *what;
    } children[] = {
        {RETURNS, "returns normally"},
        {EXITS_3, "calls exit(3)"},
        {SEGFAULTS, "crashes (SIGSEGV)"},
        {TERMINATED, "is terminated by its parent"},
    };
    enum { COUNT = sizeof children / sizeof children[0] };
    opts_parse(argc, argv, "", "Four children end four ways; the parent prints each exitcode.",
               (const struct flag[]){OPTS_END("")});
    pid_t self = getpid(), pids[COUNT];
    for (int i = 0; i < COUNT; i++) {
        if (fflush(stdout) == EOF)
            die("fflush");
        pids[i] = fork();
        if (pids[i] < 0)
            die("fork");
        if (pids[i] == 0)
            end_child(children[i].how, self);
    }
    for (int i = 0; i < COUNT; i++) {
        /* p.terminate(): SIGTERM, whose default action kills */
        if (children[i].how == TERMINATED && kill(pids[i], SIGTERM) != 0)
            die("kill");
        int status;
        if (waitpid(pids[i], &status, 0) < 0) /* p.join() */
            die("waitpid");
        char how[64];
        printf("[parent %ld] child %-28s pid %ld: exitcode %d (%s)\n", (long)self, children[i].what,
               (long)pids[i], wait_exitcode(status), wait_describe(status, how, sizeof how));
    }
    printf("  Python's exitcode is the exit code for a child that exited, and minus the signal\n"
           "  number for one a signal killed: WIFEXITED/WEXITSTATUS and WIFSIGNALED/WTERMSIG in "
           "C.\n");
    bool none_left = waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
    printf("\n[parent %ld] done: %d children started, %d reaped, %s\n", (long)self, COUNT, COUNT,
           none_left ? "none left behind" : "SOME LEFT BEHIND");
    return none_left ? 0 : 1;
}
