/* SPDX-License-Identifier: MIT */
/*
 * pipe_poll.c - Connection.poll(timeout) on a file descriptor; see
 * pipe_poll.h. One poll() for POLLIN; POLLHUP (every write end closed)
 * counts as readable, as end of file does for Python's select.
 */
#include "pipe_poll.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>

#include "interrupt.h"
#include "timing.h"

/* Waiting for ever is done in naps of this many ms, so that a Ctrl-C
 * handled just before poll() went to sleep is noticed (interrupt.h). */
enum { NAP_MS = 50 };

static int poll_once(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = poll(&p, 1, ms);
    if (n <= 0)
        return n; /* 0: nothing yet; -1: errno from poll (EINTR, ...) */
    if (p.revents & POLLNVAL) {
        errno = EBADF;
        return -1;
    }
    return 1; /* POLLIN, POLLHUP or POLLERR: a read will not block */
}

int pipe_poll(int fd, double timeout)
{
    bool forever = timeout == PIPE_FOREVER;
    if (!forever && !(timeout > 0))
        return poll_once(fd, 0);
    double deadline = timing_now() + (forever ? 0 : timeout);
    for (;;) {
        if (forever && interrupt_requested()) {
            errno = EINTR;
            return -1;
        }
        double left = forever ? NAP_MS / 1e3 : deadline - timing_now();
        int ms = left <= 0 ? 0 : (int)fmin(ceil(left * 1e3), NAP_MS);
        int n = poll_once(fd, ms);
        if (n != 0 || (!forever && timing_now() >= deadline))
            return n;
    }
}
