/* SPDX-License-Identifier: MIT */
/* reap.c - join a child by pid, dying cleanly on Ctrl-C; see reap.h. */
#include "reap.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interrupt.h"
#include "report.h"
#include "waitstatus.h"

/* A signal came: stop and reap `child` (if any), then die of the signal. */
static void die_of_interrupt(pid_t child)
{
    if (!interrupt_requested())
        return;
    char sig[32];
    signal_name(interrupt_signal(), sig, sizeof sig);
    printf("[parent %ld] %s: stopping and reaping %d child, then dying of %s\n", (long)getpid(),
           sig, child > 0, sig);
    fflush(stdout);
    if (child > 0 && kill(child, SIGKILL) == 0)
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
            continue; /* a second Ctrl-C: keep reaping */
    interrupt_exit();
}

int reap_child(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            die("waitpid");
        die_of_interrupt(pid);
    }
    /* A terminal's Ctrl-C signals the whole group: the child may have died
     * of the same SIGINT. That is no failure to report: die of it too. */
    die_of_interrupt(0);
    return status;
}

void reap_check_interrupt(void)
{
    die_of_interrupt(0);
}
