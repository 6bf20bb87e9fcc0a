/* SPDX-License-Identifier: MIT */
/* interrupt.c - flag-only signal handling; see interrupt.h. */
#include "interrupt.h"

#include <signal.h>
#include <stdlib.h>

#include "report.h"

/* A handler may only touch a volatile sig_atomic_t: this is the one place
 * where process-wide state is the point. */
static volatile sig_atomic_t arrived;

static void note_signal(int signo)
{
    arrived = signo;
}

void interrupt_install(void)
{
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
