/* SPDX-License-Identifier: MIT */
/* crew.c - see crew.h. prctl(PR_SET_PDEATHSIG) is Linux-only. */
#include "crew.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interrupt.h"
#include "report.h"
#include "waitstatus.h"

struct crew crew_create(int max)
{
    struct crew crew = {.live = calloc((size_t)max, sizeof(pid_t)), .max = max};
    if (crew.live == NULL)
        die("calloc");
    return crew;
}

void crew_forget(struct crew *crew, pid_t pid)
{
    for (int i = 0; i < crew->count; i++)
        if (crew->live[i] == pid)
            crew->live[i] = crew->live[--crew->count];
}

_Noreturn void crew_stop_and_die(struct crew *crew)
{
    char name[32];
    signal_name(interrupt_signal(), name, sizeof name);
    printf("[parent %ld] %s: stopping and reaping %d %s (pid", (long)getpid(), name, crew->count,
           crew->count == 1 ? "child" : "children");
    for (int i = 0; i < crew->count; i++)
        printf(" %ld", (long)crew->live[i]);
    printf("), then dying of %s\n", name);
    fflush(stdout);
    /* SIGKILL: it cannot be caught, so every waitpid below is sure to end. */
    for (int i = 0; i < crew->count; i++)
        if (kill(crew->live[i], SIGKILL) != 0)
            warn_errno("kill");
    while (crew->count > 0) {
        if (waitpid(crew->live[0], NULL, 0) < 0 && errno == EINTR)
            continue;                     /* a second Ctrl-C: keep reaping */
        crew_forget(crew, crew->live[0]); /* reaped (or ECHILD) */
    }
    crew_destroy(crew);
    interrupt_exit();
}

void crew_check(struct crew *crew)
{
    if (interrupt_requested())
        crew_stop_and_die(crew);
}

pid_t crew_fork(struct crew *crew)
{
    crew_check(crew); /* no new child after Ctrl-C */
    if (crew->count == crew->max)
        die_msg("crew_fork: more than %d children at once", crew->max);
    pid_t parent = getpid();
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid > 0) {
        crew->live[crew->count++] = pid;
        return pid;
    }
    crew_destroy(crew); /* the child's copy: it starts no children */
    if (signal(SIGINT, SIG_DFL) == SIG_ERR || signal(SIGTERM, SIG_DFL) == SIG_ERR ||
        signal(SIGHUP, SIG_DFL) == SIG_ERR)
        die("signal");
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
        die("prctl");
    if (getppid() != parent) /* the parent died before prctl ran */
        _exit(1);
    return 0;
}

int crew_join(struct crew *crew, pid_t pid, char *how, size_t size)
{
    int status;
    for (;;) {
        crew_check(crew);
        if (waitpid(pid, &status, 0) == pid)
            break;
        if (errno != EINTR) /* EINTR: a signal came; the check sees it */
            die("waitpid");
    }
    crew_forget(crew, pid);
    /* A terminal's Ctrl-C signals the whole group: the child may have died
     * of it. That is the interrupt to obey, not a failure to report. */
    crew_check(crew);
    wait_describe(status, how, size);
    return status;
}

void crew_destroy(struct crew *crew)
{
    free(crew->live);
    crew->live = NULL;
    crew->count = crew->max = 0;
}
