/* SPDX-License-Identifier: MIT */
/* interrupt.c - flag-only signal handling; see interrupt.h. */
#include "interrupt.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "report.h"

/* A handler may only touch a volatile sig_atomic_t: this is the one place
 * where process-wide state is the point. */
static volatile sig_atomic_t arrived;

/* The self-pipe: the handler also writes a byte here, so that a process
 * sleeping in poll() on the read end wakes up even if the signal came just
 * before it went to sleep (a flag alone can be missed in that gap). */
static int self_pipe[2] = {-1, -1};

static void note_signal(int signo)
{
    int saved = errno; /* write() may change errno under the program */
    arrived = signo;
    if (self_pipe[1] >= 0) {
        char byte = (char)signo;
        ssize_t ignored = write(self_pipe[1], &byte, 1);
        (void)ignored; /* a full pipe already says "a signal came" */
    }
    errno = saved;
}

void interrupt_install(void)
{
    if (self_pipe[0] < 0) {
        if (pipe(self_pipe) != 0)
            die("pipe");
        for (int i = 0; i < 2; i++) {
            /* non-blocking: the handler must never wait; close-on-exec:
             * programs we start have no use for it */
            int flags = fcntl(self_pipe[i], F_GETFL);
            if (flags < 0 || fcntl(self_pipe[i], F_SETFL, flags | O_NONBLOCK) != 0 ||
                fcntl(self_pipe[i], F_SETFD, FD_CLOEXEC) != 0)
                die("fcntl");
        }
    }
    struct sigaction sa = {.sa_handler = note_signal};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: blocking calls return EINTR */
    int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        if (sigaction(signals[i], &sa, NULL) != 0)
            die("sigaction");
}

bool interrupt_requested(void)
{
    return arrived != 0;
}

int interrupt_signal(void)
{
    return arrived;
}

int interrupt_fd(void)
{
    return self_pipe[0];
}

_Noreturn void interrupt_exit(void)
{
    int signo = arrived ? arrived : SIGTERM;
    signal(signo, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(signo);
    exit(128 + signo); /* not reached: the default action ends us */
}
