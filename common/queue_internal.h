/* SPDX-License-Identifier: MIT */
/*
 * queue_internal.h - between queue.c, queue_nap.c and queue_joinable.c
 * (JoinableQueue).
 */
#ifndef FORKLORE_QUEUE_INTERNAL_H
#define FORKLORE_QUEUE_INTERNAL_H

#include <semaphore.h>
#include <stdatomic.h>
#include <time.h>

#include "queue.h"

/* queue_get(); when taken is not NULL, *taken grows by one under the
 * getters' lock, just before the get commits. */
ssize_t queue_get_counting(struct queue *q, void *buf, size_t buf_size, double timeout,
                           _Atomic unsigned long *taken);

/* queue_nap.c. The timeout a put or get really waits: QUEUE_FOREVER, a
 * positive number of seconds, or 0 (only try) for anything else. */
double queue_effective_timeout(double timeout);

/* The absolute CLOCK_REALTIME deadline sem_timedwait takes, for a positive
 * timeout; {0} for the others. */
struct timespec queue_deadline_after(double timeout);

/* One nap on bell, at most until deadline: 0 (rung), EAGAIN (the nap
 * passed: look again), ETIMEDOUT (the deadline passed) or EINTR. */
int queue_nap(sem_t *bell, double timeout, const struct timespec *deadline);

#endif
