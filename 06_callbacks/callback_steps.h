/* SPDX-License-Identifier: MIT */
/*
 * callback_steps.h - what the library steps of chapter 06 share (read with
 * step 2): a task submitted with its callbacks and no handle kept, and
 * close-then-join, during which the callbacks run, here in the parent:
 *     submit_with_callbacks(pool, fn, &arg, sizeof arg, sizeof r, &opt);
 *     close_and_join(pool);   // Python: pool.close(); pool.join()
 */
#ifndef FORKLORE_CALLBACK_STEPS_H
#define FORKLORE_CALLBACK_STEPS_H

#include <errno.h>

#include "interrupt.h"
#include "pool.h"
#include "report.h"

/* pool.apply_async(fn, (arg,), callback=..., error_callback=...) (in opt): no handle is
 * needed, the callback gets the result. Fails only on a closed pool or out of memory. */
static inline void submit_with_callbacks(struct pool *pool, pool_task_fn fn, const void *arg,
                                         size_t arg_size, size_t result_size,
                                         const struct pool_apply_options *opt)
{
    struct pool_async *job = pool_apply_async(pool, fn, arg, arg_size, result_size, opt);
    if (job == NULL)
        die("pool_apply_async");
    pool_async_release(job);
}

/* pool.close(); pool.join(): returns when every task is done and every callback has run,
 * or early on Ctrl-C or kill (interrupt.h): then interrupt_requested() is true. */
static inline void close_and_join(struct pool *pool)
{
    pool_close(pool);
    while (pool_join(pool) != 0 && !interrupt_requested())
        if (errno != EINTR)
            die("pool_join");
}

#endif
