/* SPDX-License-Identifier: MIT */
/*
 * pool_stats.c - looking inside a pool: its workers' pids and counters of
 * tasks and workers (chapters 03 and 05 print them; the timeline comes
 * from on_chunk, in pool_callbacks.c), and the limit on workers.
 */
#include "cpus.h"
#include "pool_internal.h"

/* 8 x the usable CPUs: more is almost surely a mistake (a fork bomb). */
int pool_max_workers(void)
{
    return 8 * cpus_usable();
}

int pool_workers(const struct pool *pool)
{
    return pool->nworkers;
}

pid_t pool_worker_pid(const struct pool *pool, int worker)
{
    if (worker < 0 || worker >= pool->nworkers)
        return 0;
    return pool->workers[worker].pid;
}

void pool_get_stats(const struct pool *pool, struct pool_stats *stats)
{
    *stats = pool->stats;
}
