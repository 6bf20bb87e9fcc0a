/* SPDX-License-Identifier: MIT */
/* lab.c - what the lab exercises share besides their options; see lab.h. */
#include "lab.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "report.h"

void lab_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("[parent %ld] ", (long)getpid());
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

struct pool_async *lab_submit(struct pool *pool, pool_task_fn fn, const void *arg, size_t arg_size,
                              size_t result_size, size_t index)
{
    struct pool_apply_options options = {.index = index};
    struct pool_async *job = pool_apply_async(pool, fn, arg, arg_size, result_size, &options);
    if (job == NULL)
        die("pool_apply_async");
    return job;
}

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
