/* SPDX-License-Identifier: MIT */
/*
 * starmap.c - Pool.starmap, map_async/starmap_async and the parallel-for
 * pattern: tasks with several arguments (a struct where Python has a tuple),
 * work started in the background, and a loop split into index ranges.
 *
 * Usage: starmap [-j N] [-n N] [--chunksize C] [--seed S] [-q]
 *                [--crash-task K]
 *
 * You will see three sections:
 *   1. starmap(add, pairs) and starmap(power, pairs) over six (x, y) pairs,
 *      results in input order although the power tasks finish out of order;
 *   2. starmap_async and map_async started, the parent counting primes while
 *      the workers run, then waiting for both;
 *   3. `for i in range(n): do_something(i)` run four ways: a serial loop,
 *      one task per index, map's default chunks, and one index range per
 *      worker (chunks(n, processes)), with the time, the number of tasks and
 *      the bytes copied for each, and the same checksum from all four.
 * The last line is a summary; -q prints only that line.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "interrupt.h"
#include "pool.h"
#include "report.h"
#include "timing.h"

#define NPAIRS 6

/* Set once in main() before pool_create() forks the workers, so every
 * worker has its own copy (fork copies memory). With Python's "spawn" they
 * would have to travel as arguments or through Pool(initializer=...). */
static long crash_task = -1; /* --crash-task K; -1: none */
static uint64_t seed = 42;   /* --seed */

/* --crash-task K: the task with index K dies the way the kernel's OOM
 * killer ends a process. The pool sees its worker die mid-task and fails
 * the whole call, naming the task and the signal. */
static void maybe_crash(const struct pool_task *task)
{
    if ((long)task->index == crash_task)
        raise(SIGKILL);
}

/* ------------------------------------------------------------------ */
/* 1. several arguments per task                                        */
/* ------------------------------------------------------------------ */

/* Python's tuple (x, y) is a struct here. It travels to the worker as bytes,
 * so it holds values, never pointers. */
struct pair {
    long x, y;
};

/* starmap(add, pairs): add(x, y) receives one struct, not two arguments. */
static int add(const void *arg, void *result, struct pool_task *task)
{
    const struct pair *p = arg;
    maybe_crash(task);
    *(long *)result = p->x + p->y;
    return 0;
}

static long ipow(long x, long y)
{
    long r = 1;
    while (y-- > 0)
        r *= x;
    return r;
}

/* starmap(power, pairs): x ** y. Each task first sleeps 5 ms per pair left
 * after it, so the later pairs finish first: the results still come back
 * in input order, because the pool puts each chunk's results at its own
 * index, not at the end of a list. */
static int power(const void *arg, void *result, struct pool_task *task)
{
    const struct pair *p = arg;
    maybe_crash(task);
    timing_sleep(0.005 * (double)(NPAIRS - 1 - task->index));
    *(long *)result = ipow(p->x, p->y);
    return 0;
}

/* on_chunk runs in the parent as each chunk's results arrive. */
struct finish_order {
    size_t order[NPAIRS];
    size_t count;
};

static void record_finish(const struct pool_chunk *chunk, void *udata)
{
    struct finish_order *f = udata;
    for (size_t i = 0; i < chunk->count && f->count < NPAIRS; i++)
        f->order[f->count++] = chunk->first + i;
}

static void print_longs(const char *label, const long *v, size_t n)
{
    printf("[parent %ld] %s = [", (long)getpid(), label);
    for (size_t i = 0; i < n; i++)
        printf("%s%ld", i ? ", " : "", v[i]);
    printf("]\n");
}

/* A failed pool call ends the program: stop and reap the workers first,
 * then say which task failed and why (exit status 1). */
static _Noreturn void pool_failed(struct pool *pool, const char *call,
                                  const struct pool_failure *failure)
{
    char message[sizeof(struct pool_failure)]; /* room for its message */
    int saved = errno;
    if (interrupt_requested()) { /* Ctrl-C or kill: the call returned EINTR */
        pool_destroy(pool);      /* the workers are stopped and reaped */
        interrupt_exit();        /* then die of that signal (130 or 143) */
    }
    if (failure != NULL)
        snprintf(message, sizeof message, "%s", failure->message);
    else
        snprintf(message, sizeof message, "%s", strerror(saved));
    pool_destroy(pool);
    die_msg("%s failed: %s", call, message);
}

static void several_arguments(struct pool *pool, const struct pair *pairs, bool quiet)
{
    long sums[NPAIRS], powers[NPAIRS];
    struct finish_order finished = {.count = 0};
    /* chunksize 1: one task per pair, so their finishing order shows. */
    struct pool_map_options one_each = {
        .chunksize = 1, .on_chunk = record_finish, .udata = &finished};

    /* pool.starmap(add, pairs) */
    if (pool_starmap(pool, add, pairs, NPAIRS, sizeof pairs[0], sums, sizeof sums[0], NULL) != 0)
        pool_failed(pool, "starmap(add, pairs)", pool_last_failure(pool));
    /* pool.starmap(power, pairs, chunksize=1) */
    if (pool_starmap(pool, power, pairs, NPAIRS, sizeof pairs[0], powers, sizeof powers[0],
                     &one_each) != 0)
        pool_failed(pool, "starmap(power, pairs)", pool_last_failure(pool));
    if (quiet)
        return;

    printf("== several arguments per task: starmap ==\n");
    printf("[parent %ld] pairs = [", (long)getpid());
    for (size_t i = 0; i < NPAIRS; i++)
        printf("%s(%ld, %ld)", i ? ", " : "", pairs[i].x, pairs[i].y);
    printf("]\n");
    print_longs("starmap(add, pairs)  ", sums, NPAIRS);
    print_longs("starmap(power, pairs)", powers, NPAIRS);
    printf("[parent %ld] the power tasks finished in this order: [", (long)getpid());
    for (size_t i = 0; i < finished.count; i++)
        printf("%s%zu", i ? ", " : "", finished.order[i]);
    printf("] (later pairs sleep less)\n\n");
}

/* ------------------------------------------------------------------ */
/* 2. map_async and starmap_async                                       */
/* ------------------------------------------------------------------ */

/* Tasks that take a while (a 20 ms sleep stands in for real work), so
 * there is time to do something else before they are done. */
static int slow_power(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const struct pair *p = arg;
    timing_sleep(0.020);
    *(long *)result = ipow(p->x, p->y);
    return 0;
}

static int slow_cube(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    long x = *(const long *)arg;
    timing_sleep(0.020);
    *(long *)result = x * x * x;
    return 0;
}

/* When did the workers finish each task? (on the clock all processes
 * share, see timing.h) */
struct finish_times {
    double times[2 * NPAIRS];
    size_t count;
};

static void record_time(const struct pool_chunk *chunk, void *udata)
{
    struct finish_times *t = udata;
    if (t->count < sizeof t->times / sizeof t->times[0])
        t->times[t->count++] = chunk->finished;
}

static bool is_prime(long k)
{
    if (k < 2)
        return false;
    for (long d = 2; d * d <= k; d++)
        if (k % d == 0)
            return false;
    return true;
}

static void async_section(struct pool *pool, const struct pair *pairs)
{
    long powers[NPAIRS], cubes[NPAIRS], xs[NPAIRS];
    for (size_t i = 0; i < NPAIRS; i++)
        xs[i] = (long)i + 1;
    struct finish_times times = {.count = 0};
    struct pool_map_options opts = {.chunksize = 1, .on_chunk = record_time, .udata = &times};
    pid_t me = getpid();

    printf("== map_async / starmap_async: start, do something else, wait ==\n");
    double t0 = timing_now();
    /* r1 = pool.starmap_async(slow_power, pairs, chunksize=1) */
    struct pool_async *r1 = pool_map_async(pool, slow_power, pairs, NPAIRS, sizeof pairs[0], powers,
                                           sizeof powers[0], &opts);
    if (r1 == NULL)
        pool_failed(pool, "starmap_async", NULL);
    /* r2 = pool.map_async(slow_cube, range(1, 7), chunksize=1) */
    struct pool_async *r2 =
        pool_map_async(pool, slow_cube, xs, NPAIRS, sizeof xs[0], cubes, sizeof cubes[0], &opts);
    if (r2 == NULL)
        pool_failed(pool, "map_async", NULL);
    printf("[parent %ld] started starmap_async(slow_power, pairs) and "
           "map_async(slow_cube, 1..6): %d tasks of 20 ms each\n",
           (long)me, 2 * NPAIRS);
    /* Each task sleeps 20 ms, so none can be done yet. */
    printf("[parent %ld] ready() right away: %s, %s\n", (long)me,
           pool_async_ready(r1) ? "true" : "false", pool_async_ready(r2) ? "true" : "false");

    /* Something else, in the parent, while the workers run. The pool
     * sends tasks and reads results only inside pool calls (Python has
     * a background thread for that), so a long "something else" looks
     * at ready() now and then to keep the workers fed. */
    printf("[parent %ld] meanwhile the parent counts primes below 1000000 "
           "itself...\n",
           (long)me);
    double w0 = timing_now();
    long primes = 0, checks = 0;
    for (long k = 0; k < 1000000; k++) {
        primes += is_prime(k);
        if (k % 50000 == 0) {
            pool_async_ready(r1);
            pool_async_ready(r2);
            checks++;
        }
    }
    double w1 = timing_now();
    if (interrupt_requested())
        pool_failed(pool, "counting primes", NULL);
    printf("[parent %ld] found %ld primes in %.1f ms (looking at ready() "
           "%ld times)\n",
           (long)me, primes, (w1 - w0) * 1e3, checks);

    /* r1.get(); r2.get(): wait for what is left. */
    if (pool_async_get(r1, NULL, POOL_FOREVER) != 0)
        pool_failed(pool, "starmap_async(...).get()", pool_async_failure(r1));
    if (pool_async_get(r2, NULL, POOL_FOREVER) != 0)
        pool_failed(pool, "map_async(...).get()", pool_async_failure(r2));
    double t1 = timing_now();
    /* Only now are all the finishing times in (a result is read when the
     * parent pumps); count those before the end of the parent's work. */
    size_t done_meanwhile = 0;
    for (size_t i = 0; i < times.count; i++)
        done_meanwhile += times.times[i] <= w1;
    printf("[parent %ld] get(): both done %.1f ms after the start; %zu of "
           "%d tasks had finished while the parent counted primes\n",
           (long)me, (t1 - t0) * 1e3, done_meanwhile, 2 * NPAIRS);
    printf("[parent %ld] successful(): %s, %s\n", (long)me,
           pool_async_successful(r1) ? "true" : "false",
           pool_async_successful(r2) ? "true" : "false");
    print_longs("starmap_async(slow_power, pairs).get()", powers, NPAIRS);
    print_longs("map_async(slow_cube, 1..6).get()      ", cubes, NPAIRS);
    printf("\n");
    pool_async_release(r1);
    pool_async_release(r2);
}

/* ------------------------------------------------------------------ */
/* 3. the parallel-for pattern                                          */
/* ------------------------------------------------------------------ */

/* The loop body, do_something(i): a made-up computation of well under a
 * microsecond (64 rounds of splitmix64's mixing, seeded by --seed), so
 * that the cost of sending a task is easy to see beside it. */
static uint64_t do_something(uint64_t i)
{
    uint64_t z = seed + i * UINT64_C(0x9E3779B97F4A7C15);
    for (int r = 0; r < 64; r++) {
        z ^= z >> 30;
        z *= UINT64_C(0xBF58476D1CE4E5B9);
        z ^= z >> 27;
        z *= UINT64_C(0x94D049BB133111EB);
        z ^= z >> 31;
    }
    return z;
}

/* map(do_something, range(n)): one index per item. */
static int do_index(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    *(uint64_t *)result = do_something(*(const uint64_t *)arg);
    return 0;
}

/* One task of the parallel-for: a range of indices [start, end). */
struct range {
    uint64_t start, end;
};

/* What a worker sends back for its range: the partial sum, plus what it
 * saw, so the parent can check that the ranges cover every index once. */
struct range_result {
    uint64_t sum;
    uint64_t first, last, count; /* indices looped over */
    long pid;
    long worker; /* long, not int: no padding bytes */
};

/* do_range(start, end): the worker runs the loop itself, over its range. */
static int do_range(const void *arg, void *result, struct pool_task *task)
{
    const struct range *r = arg;
    struct range_result *out = result;
    *out = (struct range_result){.first = r->start, .pid = (long)getpid(), .worker = task->worker};
    for (uint64_t i = r->start; i < r->end; i++) {
        out->sum += do_something(i);
        out->last = i;
        out->count++;
    }
    return 0;
}

/* chunks(n, processes): split range(n) into at most `processes` ranges of
 * ceil(n / processes) indices (the last may be shorter). Returns how many. */
static size_t chunks(uint64_t n, int processes, struct range *out)
{
    uint64_t size = (n + (uint64_t)processes - 1) / (uint64_t)processes;
    size_t count = 0;
    for (uint64_t start = 0; start < n; start += size)
        out[count++] = (struct range){start, start + size < n ? start + size : n};
    return count;
}

static unsigned long tasks_done(const struct pool *pool)
{
    struct pool_stats stats;
    pool_get_stats(pool, &stats);
    return stats.tasks_done;
}

/* One row of the comparison table. */
static void print_row(const char *how, unsigned long tasks, uint64_t bytes, double seconds,
                      double serial, uint64_t checksum)
{
    printf("%-44s %8lu %12" PRIu64 " %9.1f %8.2fx  %" PRIu64 "\n", how, tasks, bytes, seconds * 1e3,
           serial / seconds, checksum);
}

/* The chunked parallel-for: starmap(do_range, chunks(n, processes)).
 * Returns the checksum; fills ranges/results for the trace. */
static uint64_t parallel_for(struct pool *pool, uint64_t n, int workers, struct range *ranges,
                             struct range_result *parts, size_t *nranges)
{
    *nranges = chunks(n, workers, ranges);
    struct pool_map_options one_each = {.chunksize = 1};
    if (pool_starmap(pool, do_range, ranges, *nranges, sizeof ranges[0], parts, sizeof parts[0],
                     &one_each) != 0)
        pool_failed(pool, "starmap(do_range, chunks(n, processes))", pool_last_failure(pool));
    uint64_t sum = 0;
    for (size_t c = 0; c < *nranges; c++)
        sum += parts[c].sum;
    return sum;
}

static uint64_t per_index(struct pool *pool, const uint64_t *indices, uint64_t *out, uint64_t n,
                          size_t chunksize)
{
    struct pool_map_options opts = {.chunksize = chunksize};
    if (pool_map(pool, do_index, indices, n, sizeof indices[0], out, sizeof out[0], &opts) != 0)
        pool_failed(pool, "map(do_something, range(n))", pool_last_failure(pool));
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++)
        sum += out[i];
    return sum;
}

static uint64_t parallel_for_section(struct pool *pool, uint64_t n, int workers, size_t chunksize)
{
    pid_t me = getpid();
    struct range *ranges = calloc((size_t)workers, sizeof *ranges);
    struct range_result *parts = calloc((size_t)workers, sizeof *parts);
    uint64_t *indices = malloc(n * sizeof *indices);
    uint64_t *out = malloc(n * sizeof *out);
    if (ranges == NULL || parts == NULL || indices == NULL || out == NULL) {
        pool_destroy(pool);
        die("malloc");
    }

    printf("== the parallel-for pattern: for i in range(n): do_something(i) "
           "==\n");
    size_t nranges;
    unsigned long before = tasks_done(pool);
    double t0 = timing_now();
    uint64_t chunked = parallel_for(pool, n, workers, ranges, parts, &nranges);
    double chunked_time = timing_now() - t0;
    unsigned long chunked_tasks = tasks_done(pool) - before;

    printf("[parent %ld] chunks(%" PRIu64 ", %d) = [", (long)me, n, workers);
    for (size_t c = 0; c < nranges; c++)
        printf("%s(%" PRIu64 ", %" PRIu64 ")", c ? ", " : "", ranges[c].start, ranges[c].end);
    printf("]\n");
    for (size_t c = 0; c < nranges; c++)
        printf("[parent %ld] range %zu: worker %ld (pid %ld) looped over "
               "indices %" PRIu64 " to %" PRIu64 ": %" PRIu64 " indices\n",
               (long)me, c, parts[c].worker, parts[c].pid, parts[c].first, parts[c].last,
               parts[c].count);

    /* The same loop, serially, in the parent: the baseline. */
    t0 = timing_now();
    uint64_t serial = 0;
    for (uint64_t i = 0; i < n; i++)
        serial += do_something(i);
    double serial_time = timing_now() - t0;
    if (interrupt_requested())
        pool_failed(pool, "the serial loop", NULL);

    /* map(do_something, range(n)): range(n) becomes an array of n
     * indices, copied to the workers; n results are copied back. */
    for (uint64_t i = 0; i < n; i++)
        indices[i] = i;
    size_t asked = chunksize ? chunksize : 1;
    before = tasks_done(pool);
    t0 = timing_now();
    uint64_t one = per_index(pool, indices, out, n, asked);
    double one_time = timing_now() - t0;
    unsigned long one_tasks = tasks_done(pool) - before;

    size_t python_rule = pool_default_chunksize(n, workers);
    before = tasks_done(pool);
    t0 = timing_now();
    uint64_t mapped = per_index(pool, indices, out, n, python_rule);
    double mapped_time = timing_now() - t0;
    unsigned long mapped_tasks = tasks_done(pool) - before;

    char how_one[64], how_mapped[64], how_chunked[64];
    snprintf(how_one, sizeof how_one, "map(do_something, range(n), chunksize=%zu)", asked);
    snprintf(how_mapped, sizeof how_mapped, "map(do_something, range(n)) [chunksize=%zu]",
             python_rule);
    snprintf(how_chunked, sizeof how_chunked, "starmap(do_range, chunks(n, %d))", workers);
    uint64_t index_bytes = n * (sizeof indices[0] + sizeof out[0]);
    uint64_t range_bytes = nranges * (sizeof ranges[0] + sizeof parts[0]);
    printf("%-44s %8s %12s %9s %9s  %s\n", "how", "tasks", "data bytes", "time ms", "speedup",
           "checksum");
    print_row("for i in range(n) (serial, in the parent)", 0, 0, serial_time, serial_time, serial);
    print_row(how_one, one_tasks, index_bytes, one_time, serial_time, one);
    print_row(how_mapped, mapped_tasks, index_bytes, mapped_time, serial_time, mapped);
    print_row(how_chunked, chunked_tasks, range_bytes, chunked_time, serial_time, chunked);
    /* time x workers = serial work + tasks x (cost of one task), so the
     * cost of one task, out of the chunksize row, is about: */
    printf("[parent %ld] cost of one task (message out, result back, "
           "bookkeeping): about %.2f us\n",
           (long)me, (one_time * workers - serial_time) / (double)one_tasks * 1e6);
    if (one == serial && mapped == serial && chunked == serial)
        printf("[parent %ld] all four give checksum %" PRIu64 "\n\n", (long)me, serial);
    else
        printf("[parent %ld] CHECKSUMS DIFFER: the loop was not split right\n\n", (long)me);

    free(ranges);
    free(parts);
    free(indices);
    free(out);
    if (one != serial || mapped != serial || chunked != serial) {
        pool_destroy(pool);
        die_msg("checksums differ");
    }
    return chunked;
}

/* ------------------------------------------------------------------ */

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [-j N] [-n N] [--chunksize C] [--seed S] [-q] "
            "[--crash-task K]\n"
            "Pool.starmap, map_async/starmap_async and the parallel-for "
            "pattern, in C.\n"
            "\n"
            "  -j, --workers N     worker processes (default: usable CPUs, "
            "max %d)\n"
            "  -n N                indices in the parallel-for loop "
            "(default 500000; 1e6, 2M work)\n"
            "      --chunksize C   items per task for the per-index map "
            "(default 1)\n"
            "      --seed S        seed of do_something(i) (default 42)\n"
            "  -q, --quiet         run starmap and the chunked parallel-for "
            "only;\n"
            "                      print just the summary line\n"
            "      --crash-task K  the starmap task for pair K (0 to %d) "
            "kills its worker\n"
            "                      with SIGKILL: the program reports it and "
            "exits 1\n"
            "  -h, --help          this text\n",
            report_program(), pool_max_workers(), NPAIRS - 1);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int workers = cpus_for_pool();
    uint64_t n = 500000;
    size_t chunksize = 0;
    bool quiet = false;

    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"chunksize", required_argument, NULL, 'c'},
        {"seed", required_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},
        {"crash-task", required_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* we report errors ourselves, on one line */
    int c;
    while ((c = getopt_long(argc, argv, ":j:n:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': n = (uint64_t)cli_parse_count("-n", optarg, 1, 1000000000); break;
        case 'c': chunksize = (size_t)cli_parse_count("--chunksize", optarg, 1, 1000000000); break;
        case 's': seed = (uint64_t)cli_parse_int("--seed", optarg, 0, LLONG_MAX); break;
        case 'q': quiet = true; break;
        case 'k': crash_task = (long)cli_parse_int("--crash-task", optarg, 0, NPAIRS - 1); break;
        case 'h': usage(stdout); return 0;
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);

    /* Python tuples [(1, 2), (2, 3), ..., (6, 7)] */
    struct pair pairs[NPAIRS];
    for (size_t i = 0; i < NPAIRS; i++)
        pairs[i] = (struct pair){(long)i + 1, (long)i + 2};

    /* Ctrl-C and kill: the pool's waits then return EINTR, and we stop
     * and reap the workers before dying of the signal (see pool_failed). */
    interrupt_install();
    /* Workers are forked now: flush first, so text still in our stdio
     * buffer is not inherited and printed twice. */
    fflush(stdout);
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    if (!quiet)
        printf("[parent %ld] a pool of %d workers\n\n", (long)getpid(), workers);

    several_arguments(pool, pairs, quiet);
    uint64_t checksum;
    if (quiet) {
        struct range *ranges = calloc((size_t)workers, sizeof *ranges);
        struct range_result *parts = calloc((size_t)workers, sizeof *parts);
        if (ranges == NULL || parts == NULL) {
            pool_destroy(pool);
            die("calloc");
        }
        size_t nranges;
        checksum = parallel_for(pool, n, workers, ranges, parts, &nranges);
        free(ranges);
        free(parts);
    } else {
        async_section(pool, pairs);
        checksum = parallel_for_section(pool, n, workers, chunksize);
    }

    /* with Pool(...) as pool: ... ends here: no more tasks, wait, reap. */
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
    printf("summary: %d pairs, n %" PRIu64 ", %d workers, checksum %" PRIu64 "\n", NPAIRS, n,
           workers, checksum);
    return 0;
}
