/* SPDX-License-Identifier: MIT */
/*
 * queue_nap.c - how a queue's waiter sleeps: on a doorbell (a semaphore),
 * in naps, until a deadline (queue_internal.h; used by queue.c).
 */
#include <errno.h>
#include <semaphore.h>
#include <stdbool.h>
#include <time.h>

#include "interrupt.h"
#include "queue_internal.h"
#include "timing.h"

/* Only QUEUE_FOREVER waits forever. Any other timeout that is not positive
 * (negative, or NaN) has run out already: only try, as Python's
 * SemLock.acquire does, which makes a negative timeout 0. */
double queue_effective_timeout(double timeout)
{
    return timeout == QUEUE_FOREVER || timeout > 0 ? timeout : 0;
}

/* sem_timedwait takes an absolute CLOCK_REALTIME deadline. Only a positive
 * timeout needs one: for the others (wait forever, only try) there is no
 * clock call, which would otherwise cost every put and get. */
struct timespec queue_deadline_after(double timeout)
{
    return timeout > 0 ? timing_realtime_after(timeout) : (struct timespec){0};
}

/* Every wait is done in naps this long, and after each nap the waiter looks
 * at the queue again, under its side's lock. A ring is only a hint: the
 * process that took it may be killed before it takes the item (or the slot)
 * the ring was for, or while it holds that lock, which no one recovers until
 * someone locks it again. Without the look after a nap, another waiter would sleep
 * forever beside that item. The look also notices interrupt.h's flag: a
 * Ctrl-C handled just before sem_wait went to sleep interrupts nothing. */
#define NAP_SECONDS 0.05

static bool earlier(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Sleep until the doorbell rings or a nap has passed. Returns 0 (rung),
 * EAGAIN (a nap passed: look again), ETIMEDOUT (the caller's deadline has passed) or EINTR: a
 * signal handler ran (Ctrl-C, say), and the caller should get the chance to act. */
int queue_nap(sem_t *bell, double timeout, const struct timespec *deadline)
{
    if (timeout == QUEUE_FOREVER && interrupt_requested())
        return EINTR;
    struct timespec nap = queue_deadline_after(NAP_SECONDS);
    bool last_nap = timeout != QUEUE_FOREVER && !earlier(&nap, deadline);
    if (sem_timedwait(bell, last_nap ? deadline : &nap) == 0)
        return 0;
    if (errno != ETIMEDOUT)
        return errno;
    return last_nap ? ETIMEDOUT : EAGAIN;
}
