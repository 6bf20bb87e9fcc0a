/* SPDX-License-Identifier: MIT */
/*
 * slurm_pi_blocks.c - one array task's share of chapter 08's pi: the blocks
 * [first, end) of the 100000-dart blocks, block k drawing from stream k.
 *
 * Usage: slurm_pi_blocks [-n DARTS] [--seed S] TASK TASKS
 *
 * The job is chapter 08's: DARTS darts (default 100M) cut into blocks of
 * 100000, block k thrown with the seed jumped k times. Task TASK of TASKS
 * (0 <= TASK < TASKS) throws the contiguous range that chapter 09's rank
 * TASK of TASKS ranks throws, so adding the hits of every task gives the
 * hits of  4_pi_timed -j TASKS -n DARTS --seed S  exactly. The program
 * knows nothing of Slurm: the job script passes SLURM_ARRAY_TASK_ID and
 * SLURM_ARRAY_TASK_COUNT. Python: one call of the pool's function on a
 * slice of the blocks, run as its own process by the scheduler.
 * It prints one line of name=value fields, for people and for awk:
 *   task=1 tasks=4 seed=1 blocks=50-99 darts=5000000 hits=3926912
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "darts.h" /* throw_darts: chapter 08's kernel */
#include "opts.h"
#include "report.h"
#include "rng.h"

#define BLOCK_DARTS 100000u /* chapter 08's blocks: the same streams */
#define MAX_DARTS   100000000000LL
#define MAX_TASKS   1000000

struct options {
    long long darts, task, tasks;
    uint64_t seed;
};

static struct options parse_options(int argc, char **argv)
{
    struct options o = {.darts = 100000000};
    long long seed = 1;
    const char *task = NULL, *tasks = NULL;
    const struct flag flags[] = {
        FLAG_N(&o.darts, 1, MAX_DARTS, "darts of the whole job (default 100M)"),
        {0, FLAG_INT, "seed", "S", "random seed (default 1)", 0, INT64_MAX, &seed},
        {0, FLAG_ARG, "TASK", NULL, NULL, 0, 0, &task},
        {0, FLAG_ARG, "TASKS", NULL, NULL, 0, 0, &tasks},
        OPTS_END("-n 1e9 0 4\n--seed 7 3 4"),
    };
    opts_parse(argc, argv, NULL, "Throw task TASK's share (of TASKS) of chapter 08's pi blocks.",
               flags);
    o.tasks = cli_parse_int("TASKS", tasks, 1, MAX_TASKS);
    o.task = cli_parse_int("TASK", task, 0, o.tasks - 1);
    o.seed = (uint64_t)seed;
    return o;
}

int main(int argc, char **argv)
{
    struct options o = parse_options(argc, argv);
    long long task = o.task, tasks = o.tasks;
    uint64_t seed = o.seed;

    /* This task's blocks: the same split as chapter 09's ranks. */
    uint64_t total = (uint64_t)o.darts;
    uint64_t blocks = (total + BLOCK_DARTS - 1) / BLOCK_DARTS;
    uint64_t first = blocks * (uint64_t)task / (uint64_t)tasks;
    uint64_t end = blocks * (uint64_t)(task + 1) / (uint64_t)tasks;

    /* Stream k is the seed jumped k times: jump to the first block once,
     * then once per block, as chapter 08's parent walks the blocks. */
    struct rng stream;
    rng_seed(&stream, seed);
    for (uint64_t k = 0; k < first; k++)
        rng_jump(&stream);
    uint64_t hits = 0, thrown = 0;
    for (uint64_t k = first; k < end; k++) {
        uint64_t n = k + 1 < blocks ? BLOCK_DARTS : total - k * BLOCK_DARTS;
        struct rng block = stream; /* a copy the kernel may advance */
        hits += throw_darts(&block, n);
        thrown += n;
        rng_jump(&stream);
    }
    if (first == end) /* more tasks than blocks: nothing to throw */
        printf("task=%lld tasks=%lld seed=%" PRIu64 " blocks=none darts=0 hits=0\n", task, tasks,
               seed);
    else
        printf("task=%lld tasks=%lld seed=%" PRIu64 " blocks=%" PRIu64 "-%" PRIu64 " darts=%" PRIu64
               " hits=%" PRIu64 "\n",
               task, tasks, seed, first, end - 1, thrown, hits);
    return 0;
}
