/* SPDX-License-Identifier: MIT */
/* lab_pool.c - a pool's start and finish for the lab exercises; see lab_pool.h. */
#include "lab_pool.h"

#include <stdio.h>

#include "report.h"

struct pool *lab_pool_start(int workers)
{
    if (fflush(stdout) == EOF)
        die("fflush");
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    return pool;
}

void lab_pool_finish(struct pool *pool)
{
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
}
