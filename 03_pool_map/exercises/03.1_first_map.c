/* SPDX-License-Identifier: MIT */
/*
 * 03.1_first_map.c - exercise: your first Pool.map. Write a task function
 * and map it over an array with the pool; report a task that fails.
 *
 * Usage: 03.1_first_map [-j N] [-n N] [--from X]
 *
 * The task counts the Collatz steps from x to 1 for x = X .. X+N-1. You see
 * the first ten results, the longest, the sum of all, and whether a loop in
 * the parent agrees. For x < 1 the task must fail, and the program exit 1
 * with the pool's account of the failure. Your part: collatz_task() and
 * map_collatz().
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "opts.h"
#include "pool.h"
#include "report.h"

/* Steps from x to 1; the parent uses it to check the pool's results. */
static long collatz_steps(long x)
{
    long steps = 0;
    while (x != 1) {
        x = x % 2 == 0 ? x / 2 : 3 * x + 1;
        steps++;
    }
    return steps;
}

/*
 * def collatz_task(x): ...   (run in a worker, once per item)
 *
 * arg points to one long, x (a copy the worker received); write the number
 * of steps, a long, to result and return 0. For x < 1 the steps are not
 * defined: make the task fail with the message "collatz(X) is not defined"
 * (X being the number).
 */
static int collatz_task(const void *arg, void *result, struct pool_task *task)
{
#ifdef SOLUTION
    long x = *(const long *)arg;
    if (x < 1) /* raise ValueError(...): the parent gets the message */
        return pool_task_fail(task, "collatz(%ld) is not defined", x);
    *(long *)result = collatz_steps(x);
    return 0;
#else
    /* TODO: read x from arg, compute collatz_steps(x), store it in result,
     * return 0. For x < 1, fail the task instead: pool.h has a function
     * that records a message and returns the value a failing task returns. */
    (void)arg, (void)result, (void)task;
    return 0;
#endif
}

/*
 * results = pool.map(collatz_task, numbers)
 *
 * Map collatz_task over numbers[0 .. n-1] into steps[0 .. n-1], with
 * Python's default chunksize. Return 0 on success. If the map fails because
 * a task failed, print the pool's message for it on stderr as
 *     "<program>: map failed: <message>"
 * (report_program() gives <program>) and return -1. Any other error of the
 * map: die("pool_map").
 */
static int map_collatz(struct pool *pool, const long *numbers, long *steps, size_t n)
{
#ifdef SOLUTION
    if (pool_map(pool, collatz_task, numbers, n, sizeof numbers[0], steps, sizeof steps[0], NULL) ==
        0)
        return 0;
    if (errno != ECANCELED)
        die("pool_map");
    /* ECANCELED: a task failed; the pool says which and why. */
    fflush(stdout);
    fprintf(stderr, "%s: map failed: %s\n", report_program(), pool_last_failure(pool)->message);
    return -1;
#else
    /* TODO: one pool_map() call (see pool.h: the function, the input array,
     * the item count, the size of one input, the results array, the size of
     * one result, and NULL for the default options). When it returns -1
     * with errno ECANCELED, a task failed: pool_last_failure(pool) holds
     * its message. */
    (void)pool, (void)collatz_task, (void)numbers, (void)steps, (void)n;
    return 0;
#endif
}

/* Print the first results, the longest and the sum; check every result
 * with a loop in the parent. Return 0 if the loop agrees. */
static int report_results(const long *numbers, const long *steps, size_t n)
{
    printf("first results: [");
    for (size_t i = 0; i < n && i < 10; i++)
        printf("%s%ld", i ? ", " : "", steps[i]);
    printf("%s]\n", n > 10 ? ", ..." : "");
    size_t longest = 0;
    long sum = 0;
    bool agree = true;
    for (size_t i = 0; i < n; i++) {
        if (steps[i] > steps[longest])
            longest = i;
        sum += steps[i];
        agree = agree && numbers[i] >= 1 && steps[i] == collatz_steps(numbers[i]);
    }
    printf("longest: %ld takes %ld steps; sum of all steps: %ld\n", numbers[longest],
           steps[longest], sum);
    printf("a loop in the parent agrees: %s\n", agree ? "yes" : "NO");
    return agree ? 0 : -1;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long workers = 2, count = 10000, from = 1;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "workers (default 2)"),
        {'n', FLAG_COUNT, NULL, "N", "how many numbers (default 10000)", 1, 1000000, &count},
        {0, FLAG_INT, "from", "X", "the first number (default 1; below 1 a task fails)", -1000,
         1000000000, &from},
        OPTS_END("-j 4 -n 1M\n--from 0"),
    };
    opts_parse(argc, argv, "[-j N] [-n N] [--from X]",
               "Map the Collatz step count over X .. X+N-1 with a pool of workers.", flags);
    size_t n = (size_t)count;

    /* The pool first: fork() copies the parent, so fork while it is small. */
    fflush(stdout);
    struct pool *pool = pool_create(&(struct pool_options){.workers = (int)workers});
    if (pool == NULL)
        die("pool_create");
    long *numbers = malloc(n * sizeof *numbers);
    long *steps = malloc(n * sizeof *steps);
    if (numbers == NULL || steps == NULL)
        die("malloc");
    for (size_t i = 0; i < n; i++) {
        numbers[i] = (long)from + (long)i;
        steps[i] = -1; /* not computed */
    }
    printf("pool.map(collatz_task, range(%lld, %lld)) on %lld %s\n", from, from + count, workers,
           workers == 1 ? "worker" : "workers");
    int rc = map_collatz(pool, numbers, steps, n);
    if (rc == 0)
        rc = report_results(numbers, steps, n);
    free(steps);
    free(numbers);
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
    return rc == 0 ? 0 : 1;
}
