/* SPDX-License-Identifier: MIT */
/*
 * lab.h - what the lab exercises share besides their command line
 * (opts.h): a tagged print, and a pool started and finished in one
 * line each, since the lessons are what happens in between:
 *
 *     struct pool *pool = lab_pool_start(workers);  // with Pool(workers) as pool:
 *     lab_say("task %d: %ld", i, result);           // [parent 4242] task 3: 16
 *     lab_pool_finish(pool);                        // pool.close(); pool.join()
 *
 * The pool calls end the program with one line on stderr if they fail. This
 * header includes pool.h and report.h (die): every exercise needs both.
 */
#ifndef FORKLORE_LAB_H
#define FORKLORE_LAB_H

#include "pool.h"
#include "report.h"

/* printf, with "[parent PID] " before and a newline after. */
void lab_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* pool.apply_async(fn, (arg,)) for task `index` (the pool's failure
 * messages name it: "task 5 failed: ..."); ends the program if it fails
 * (a closed pool, or no memory). */
struct pool_async *lab_submit(struct pool *pool, pool_task_fn fn, const void *arg, size_t arg_size,
                              size_t result_size, size_t index);

/* Flush stdout (the workers are forked now: they must not inherit output
 * still in its buffer, or it is printed twice), then create the pool. */
struct pool *lab_pool_start(int workers);

/* pool_close, pool_join (every submitted task runs to its end), and
 * pool_destroy. */
void lab_pool_finish(struct pool *pool);

#endif
