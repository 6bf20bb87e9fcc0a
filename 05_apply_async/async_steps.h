/* SPDX-License-Identifier: MIT */
/*
 * async_steps.h - the few lines every library step of chapter 05 shares:
 * a tagged print, submit-or-die, and a get() that turns Ctrl-C or kill into
 * a clean stop (read in step 2, 2_apply_vs_async.c, and its README section).
 *
 *     struct pool_async *h = submit(pool, fn, &arg, sizeof arg, sizeof r, i);
 *     get_or_stop(pool, h, &r);   // Python: r = h.get()
 */
#ifndef FORKLORE_ASYNC_STEPS_H
#define FORKLORE_ASYNC_STEPS_H

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

/* getopt_long found a bad option (opterr = 0, optstring starting with ':'):
 * one line on stderr naming it, exit 2. */
static inline _Noreturn void bad_option(int opt, char **argv)
{
    if (opt == ':')
        usage_error("%s: missing value", argv[optind - 1]);
    if (optopt)
        usage_error("unknown option '-%c'", optopt);
    usage_error("unknown option '%s'", argv[optind - 1]);
}

/* After a timed section: "this machine is busy (load ...)", or nothing. */
static inline void say_busy(void)
{
    char prefix[40];
    snprintf(prefix, sizeof prefix, "[parent %ld] ", (long)getpid());
    if (!quiet)
        verdict_print_busy(stdout, prefix);
}

/* Python: h = pool.apply_async(fn, (arg,)). It fails only on a closed pool
 * or when memory runs out: then the program ends. */
static inline struct pool_async *submit(struct pool *pool, pool_task_fn fn, const void *arg,
                                        size_t arg_size, size_t result_size, size_t index)
{
    struct pool_apply_options options = {.index = index};
    struct pool_async *job = pool_apply_async(pool, fn, arg, arg_size, result_size, &options);
    if (job == NULL)
        die("pool_apply_async");
    return job;
}

/* Ctrl-C or kill: interrupt.h's handler only set a flag, and the pool call
 * that was waiting returned EINTR. Stop and reap the workers (Python:
 * pool.terminate() when the with-block exits on KeyboardInterrupt), then
 * die of the same signal, as the shell expects. */
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

/* A pool call failed: a signal is a request to stop; anything else is a
 * bug worth one line and exit status 1. */
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
