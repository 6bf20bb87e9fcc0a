/* SPDX-License-Identifier: MIT */
/*
 * lab_pool.h - start and finish a pool in one line each, for the lab
 * exercises, whose lessons are what happens in between:
 *
 *     struct pool *pool = lab_pool_start(workers);  // with Pool(workers) as pool:
 *     ...apply_async, get...
 *     lab_pool_finish(pool);                        // pool.close(); pool.join()
 *
 * Both end the program with one line on stderr if the pool call fails.
 */
#ifndef FORKLORE_LAB_POOL_H
#define FORKLORE_LAB_POOL_H

#include "pool.h"

/* Flush stdout (the workers are forked now: they must not inherit output
 * still in its buffer, or it is printed twice), then create the pool. */
struct pool *lab_pool_start(int workers);

/* pool_close, pool_join (every submitted task runs to its end), and
 * pool_destroy. */
void lab_pool_finish(struct pool *pool);

#endif
