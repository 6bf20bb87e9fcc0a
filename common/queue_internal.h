/* SPDX-License-Identifier: MIT */
/*
 * queue_internal.h - between queue.c and queue_joinable.c (JoinableQueue).
 */
#ifndef FORKLORE_QUEUE_INTERNAL_H
#define FORKLORE_QUEUE_INTERNAL_H

#include <stdatomic.h>

#include "queue.h"

/* queue_get(); when taken is not NULL, *taken grows by one under the
 * getters' lock, just before the get commits. */
ssize_t queue_get_counting(struct queue *q, void *buf, size_t buf_size, double timeout,
                           _Atomic unsigned long *taken);

#endif
