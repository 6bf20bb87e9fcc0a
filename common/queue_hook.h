/* SPDX-License-Identifier: MIT */
/*
 * queue_hook.h - for tests only: the queue calls queue_test_hook (when set)
 * at the points where a test must stop or kill a process at an exact moment
 * (common/tests/queue_test.c). Programs never set it; unset, it costs a
 * load and a branch.
 */
#ifndef FORKLORE_QUEUE_HOOK_H
#define FORKLORE_QUEUE_HOOK_H

enum queue_point {
    QUEUE_ASLEEP,      /* counted as a waiter, lock released, about to sleep */
    QUEUE_WOKEN,       /* a doorbell ring was taken; no lock is held */
    QUEUE_COPYING_IN,  /* queue_put holds the putters' lock, the copy under way */
    QUEUE_COPYING_OUT, /* queue_get holds the getters' lock, about to copy out */
    QUEUE_RESCUED,     /* a nap, not a ring, found what a waiter waits for */
};

extern void (*queue_test_hook)(enum queue_point point);

#endif
