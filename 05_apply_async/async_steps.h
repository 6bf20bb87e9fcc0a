/* SPDX-License-Identifier: MIT */
/*
 * async_steps.h - what the library steps of chapter 05 share (read with step
 * 2): the -q switch (set by each step's table, opts.h), a tagged print,
 * submit-or-die, and a get() that turns Ctrl-C or kill into a clean stop:
 *     struct pool_async *h = submit(pool, fn, &arg, sizeof arg, sizeof r, i);
 *     get_or_stop(pool, h, &r);   // Python: r = h.get()
 */
#ifndef FORKLORE_ASYNC_STEPS_H
#define FORKLORE_ASYNC_STEPS_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "interrupt.h"
#include "pool.h"
#include "report.h"
#include "verdict.h"
#include "waitstatus.h"

static bool quiet; /* -q: only the summary line */

/* Every line the parent prints says who printed it. */
__attribute__((format(printf, 1, 2))) static inline void say(const char *fmt, ...)
{
    if (quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("[parent %ld] ", (long)getpid());
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* After a timed section: "this machine is busy (load ...)", or nothing. */
static inline void say_busy(void)
{
    char prefix[40];
    snprintf(prefix, sizeof prefix, "[parent %ld] ", (long)getpid());
    if (!quiet)
        verdict_print_busy(stdout, prefix);
}

/* h = pool.apply_async(fn, (arg,)); it fails only on a closed pool or out of memory. */
static inline struct pool_async *submit(struct pool *pool, pool_task_fn fn, const void *arg,
                                        size_t arg_size, size_t result_size, size_t index)
{
    struct pool_apply_options options = {.index = index};
    struct pool_async *job = pool_apply_async(pool, fn, arg, arg_size, result_size, &options);
    if (job == NULL)
        die("pool_apply_async");
    return job;
}

/* Ctrl-C or kill: interrupt.h's handler set a flag, the waiting pool call returned
 * EINTR. Stop and reap the workers (Python: pool.terminate() as the with-block exits
 * on KeyboardInterrupt), then die of the same signal, as the shell expects. */
static inline _Noreturn void stop(struct pool *pool)
{
    char name[32];
    say("stopped by %s: terminating and reaping the workers",
        signal_name(interrupt_signal(), name, sizeof name));
    fflush(stdout);
    pool_terminate(pool);
    pool_destroy(pool);
    interrupt_exit();
}

/* A pool call failed: a signal is a request to stop; anything else, die. */
static inline _Noreturn void pool_call_failed(struct pool *pool, const char *call)
{
    if (errno == EINTR && interrupt_requested())
        stop(pool);
    die(call);
}

/* get() for a task that must succeed, then release the handle. */
static inline void get_or_stop(struct pool *pool, struct pool_async *job, void *result)
{
    if (interrupt_requested()) /* it may have come between two waits */
        stop(pool);
    if (pool_async_get(job, result, POOL_FOREVER) != 0) {
        if (errno == ECANCELED)
            die_msg("%s", pool_async_failure(job)->message);
        pool_call_failed(pool, "pool_async_get");
    }
    pool_async_release(job);
}

#endif
