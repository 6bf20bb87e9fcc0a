/* SPDX-License-Identifier: MIT */
/*
 * 01.2_completion_order.c - exercise: reap children in the order they end,
 * not the order they were started, and say how each one died.
 *
 * Usage: 01.2_completion_order [-j N]
 *
 * Child 0 ends only once the parent has reported all the others; they end
 * sooner, in different ways: exit code 0, exit code 3, SIGSEGV, SIGKILL (as
 * the OOM killer does), abort(). Your part: reap_all() and describe().
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opts.h"
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

/* The parent's side of the run (scaffolding: you need not change it). */
static struct {
    pid_t *pids;            /* pids[k]: child k */
    int children, reported; /* how many were started, how many reported */
    int gate_write;         /* the pipe end child 0 waits on; -1 once closed */
    bool slow_last;         /* was child 0 the last one reported? */
} run = {.gate_write = -1};

/* What child k does; it never returns. */
static _Noreturn void child_main(int k, int gate_read)
{
    if (k == 0) { /* wait for the parent to close the gate (EOF), 3 s at most */
        struct pollfd p = {.fd = gate_read, .events = POLLIN};
        char byte;
        _exit(poll(&p, 1, 3000) == 1 && read(gate_read, &byte, 1) == 0 ? 0 : 1);
    }
    timing_sleep(0.020 * (run.children - k)); /* the later started, the sooner it ends */
    switch (k % 5) {
    case 1: _exit(0);
    case 2: _exit(3);
    case 3: raise(SIGSEGV); break;
    case 4: raise(SIGKILL); break;
    default: abort();
    }
    _exit(99); /* not reached */
}

/* Start n children, run.pids[k] = child k's pid. */
static void start_children(int n)
{
    /* The crashes are on purpose: no core files (children inherit this). */
    if (setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0}) != 0)
        warn_errno("setrlimit");
    int gate[2];
    if (pipe(gate) != 0)
        die("pipe");
    run.children = n;
    if ((run.pids = malloc((size_t)n * sizeof *run.pids)) == NULL)
        die("malloc");
    if (fflush(stdout) == EOF) /* or the children print its buffer again */
        die("fflush");
    for (int k = 0; k < n; k++) {
        if ((run.pids[k] = fork()) < 0)
            die("fork");
        if (run.pids[k] == 0) {
            close(gate[1]); /* only the parent may hold the gate open */
            child_main(k, gate[0]);
        }
    }
    close(gate[0]);
    run.gate_write = gate[1];
    printf("[parent %ld] started %d children; child 0 ends after all the "
           "others are reported\n",
           (long)getpid(), n);
}

/* How the child ended, in words, into buf: "exited with code 3" (or 0), "killed
 * by SIGSEGV". Rebuild wait_describe(): do not call it (signal_name() is fine). */
static const char *describe(int status, char *buf, size_t size)
{
#ifdef SOLUTION
    char name[32]; /* waitpid without WUNTRACED: exited or killed, nothing else */
    if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by %s", signal_name(WTERMSIG(status), name, sizeof name));
    else
        snprintf(buf, size, "exited with code %d", WEXITSTATUS(status));
    return buf;
#else
    /* TODO: the wait status packs two cases into one int. Tell them apart
     * with the W... macros of <sys/wait.h> (see `man 2 waitpid`), then
     * write the words shown above into buf with snprintf. */
    (void)status;
    snprintf(buf, size, "?");
    return buf;
#endif
}

/* Print one reaped child; after all but child 0, close the gate: child 0 may end. */
static void report(pid_t pid, int status)
{
    char how[64];
    int k = 0;
    while (k < run.children && run.pids[k] != pid)
        k++;
    if (k == run.children)
        die_msg("report: pid %ld is not one of the children", (long)pid);
    printf("[parent %ld] #%d reaped child %d (pid %ld): %s\n", (long)getpid(), ++run.reported, k,
           (long)pid, describe(status, how, sizeof how));
    run.slow_last = (k == 0); /* the last call says if child 0 came last */
    if (run.reported == run.children - 1 && run.gate_write >= 0) {
        close(run.gate_write);
        run.gate_write = -1;
    }
}

/* Reap all n children, each as soon as it has ended, and call
 * report(pid, status) for each: the first to end is reported first. */
static void reap_all(int n)
{
#ifdef SOLUTION
    for (int reaped = 0; reaped < n; reaped++) {
        int status; /* -1, any child: safe, no library forked one behind our back */
        pid_t pid;
        while ((pid = waitpid(-1, &status, 0)) < 0)
            if (errno != EINTR)
                die("waitpid");
        report(pid, status);
    }
#else
    /* TODO: waitpid(run.pids[k], ...) for k = 0, 1, 2... would wait for child 0
     * first, however long it takes. Ask for whichever child has ended (which
     * first argument of waitpid() means "any child"?) and report(pid, status),
     * once per child. EINTR: call waitpid again; other errors: die("waitpid"). */
    (void)n, (void)report;
#endif
}

int main(int argc, char **argv)
{
    int n = opts_parse_workers(argc, argv, "Reap N >= 2 children as they end.", 2, 6, "-j 3");
    start_children(n);
    reap_all(n);
    free(run.pids);
    if (run.gate_write >= 0)
        close(run.gate_write);

    bool none_left = waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
    printf("[parent %ld] reaped %d of %d children; child 0 came last: %s; %s\n", (long)getpid(),
           run.reported, n, run.slow_last ? "yes" : "no",
           none_left ? "none left behind" : "SOME LEFT BEHIND");
    return run.reported == n && run.slow_last && none_left ? 0 : 1;
}
