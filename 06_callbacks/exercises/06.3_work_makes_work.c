/* SPDX-License-Identifier: MIT */
/*
 * 06.3_work_makes_work.c - exercise: tasks whose results are more tasks.
 * The callback submits them; the parent must wait until no task is left,
 * and only then close the pool.
 *
 * Usage: 06.3_work_makes_work [-j N] [-n N] [--grain G]
 *
 * Counting the primes below N, divide and conquer: a task given a range
 * longer than G does not count, it answers "split me at mid"; the callback
 * then submits the two halves. Shorter ranges are counted (trial
 * division). The parent prints how many tasks ran, how many split, and the
 * number of primes against a plain loop of its own.
 *
 * Python:  the callback calls pool.apply_async(...) for the halves; the
 *          main thread waits until a counter of pending tasks reaches 0
 *          (an Event), then pool.close(); pool.join().
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "pool.h"
#include "report.h"

struct range {
    long lo, hi; /* the numbers lo .. hi - 1 */
};

struct range_result {
    long lo, hi;
    bool split; /* true: too long, split it at mid (primes not counted) */
    long mid;
    long primes; /* when not split: primes in lo .. hi - 1 */
};

static bool is_prime(long x)
{
    if (x < 2)
        return false;
    for (long d = 2; d * d <= x; d++)
        if (x % d == 0)
            return false;
    return true;
}

/* Runs in a worker. The grain reaches it through task_udata (set before
 * the pool forks, so every worker has its own copy). */
static int count_or_split(const void *argp, void *resultp, struct pool_task *task)
{
    const struct range *arg = argp;
    long grain = *(const long *)task->udata;
    struct range_result *r = resultp;
    memset(r, 0, sizeof *r);
    r->lo = arg->lo;
    r->hi = arg->hi;
    if (arg->hi - arg->lo > grain) {
        r->split = true;
        r->mid = arg->lo + (arg->hi - arg->lo) / 2;
        return 0;
    }
    for (long x = arg->lo; x < arg->hi; x++)
        r->primes += is_prime(x);
    return 0;
}

/* The parent's state, handed to the callbacks as udata. */
struct crawl {
    struct pool *pool;
    struct pool_async **jobs; /* every task's handle, in submission order */
    size_t count, capacity;
    long primes;
    size_t splits, counted, failed;
};

static void on_range(struct pool_async *job, const void *resultp, void *udata);

static void on_error(struct pool_async *job, const struct pool_failure *f, void *udata)
{
    (void)job;
    struct crawl *c = udata;
    c->failed++;
    printf("[error_callback pid %ld] %s\n", (long)getpid(), f->message);
}

/* apply_async(count_or_split, (lo, hi), callback=on_range,
 * error_callback=on_error); the handle is kept in c->jobs. Usable from the
 * parent's main code and from a callback, as long as the pool is open. */
static void submit(struct crawl *c, long lo, long hi)
{
    if (c->count == c->capacity) {
        size_t capacity = c->capacity ? 2 * c->capacity : 64;
        struct pool_async **jobs = realloc(c->jobs, capacity * sizeof(struct pool_async *));
        if (jobs == NULL)
            die("realloc");
        c->jobs = jobs;
        c->capacity = capacity;
    }
    struct range arg = {.lo = lo, .hi = hi};
    struct pool_apply_options o = {
        .callback = on_range, .error_callback = on_error, .udata = c, .index = c->count};
    struct pool_async *job = pool_apply_async(c->pool, count_or_split, &arg, sizeof arg,
                                              sizeof(struct range_result), &o);
    if (job == NULL) /* EINVAL: the pool is closed already */
        die("pool_apply_async");
    c->jobs[c->count++] = job;
}

/*
 * callback=: runs in the PARENT, inside a pool call (wait, get, join),
 * once per finished task.
 */
static void on_range(struct pool_async *job, const void *resultp, void *udata)
{
    (void)job;
    struct crawl *c = udata;
    const struct range_result *r = resultp;
#ifdef SOLUTION
    if (r->split) {
        /* More work: submitted from here, in the parent. The pool is
         * still open, because the parent closes it only once every
         * handle is ready. */
        c->splits++;
        submit(c, r->lo, r->mid);
        submit(c, r->mid, r->hi);
    } else {
        c->counted++;
        c->primes += r->primes;
    }
#else
    /* TODO 1: if r->split, count it in splits and submit the two halves
     * [lo, mid) and [mid, hi) with submit() above; otherwise count it in
     * counted and add its primes to c->primes.
     * This stub throws every result away. */
    (void)c;
    (void)r;
#endif
}

/* Wait until every task, including those the callbacks keep submitting,
 * is done; then close the pool and join it (Pool.close, Pool.join). */
static void wait_for_everything(struct crawl *c)
{
#ifdef SOLUTION
    /* c->count grows while we wait: callbacks run inside pool_async_wait
     * and append handles. When the loop reaches the end of the list,
     * every task that was ever submitted is done, and no callback is left
     * to submit another. */
    for (size_t i = 0; i < c->count; i++)
        while (pool_async_wait(c->jobs[i], POOL_FOREVER) != 0)
            if (errno != EINTR)
                die("pool_async_wait");
    pool_close(c->pool);
    while (pool_join(c->pool) != 0)
        if (errno != EINTR)
            die("pool_join");
#else
    /* TODO 2: pool_close() forbids new tasks, and the callbacks still
     * have halves to submit: close too early and submit() dies with
     * "Invalid argument". So first wait for every handle in c->jobs with
     * pool_async_wait() (the callbacks run inside it). Mind that the
     * callbacks append to c->jobs while you wait: c->count grows. Only
     * when every handle is ready, close and join.
     * This stub closes at once. */
    pool_close(c->pool); /* too early */
    if (pool_join(c->pool) != 0)
        die("pool_join");
#endif
}

static void usage(void)
{
    printf("Usage: %s [-j N] [-n N] [--grain G]\n"
           "Exercise 06.3: tasks whose results are more tasks, submitted by "
           "the callback.\n\n"
           "  -j, --workers N  worker processes (default: usable CPUs; max "
           "%d)\n"
           "  -n N             count the primes below N (default 200000; "
           "K, M accepted)\n"
           "      --grain G    ranges longer than G are split (default "
           "10000)\n"
           "  -h, --help       this text\n",
           report_program(), pool_max_workers());
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int workers = cpus_for_pool();
    long long n = 200000, grain = 10000;
    enum { OPT_GRAIN = 256 };
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"grain", required_argument, NULL, OPT_GRAIN},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* getopt's complaints are reported on one line, below */
    int opt;
    while ((opt = getopt_long(argc, argv, ":j:n:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j': workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': n = cli_parse_count("-n", optarg, 2, 10000000); break;
        case OPT_GRAIN: grain = cli_parse_count("--grain", optarg, 100, 10000000); break;
        case 'h': usage(); return 0;
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt != 0)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);

    long parent = (long)getpid();
    printf("[parent %ld] the primes below %lld on %d workers: a range longer "
           "than %lld is split in two, and the callback submits the halves\n",
           parent, n, workers, grain);
    setvbuf(stdout, NULL, _IONBF, 0); /* the pool forks: nothing buffered */
    static long grain_for_tasks;      /* exists before the fork: see pool.h */
    grain_for_tasks = (long)grain;
    struct crawl c = {0};
    c.pool =
        pool_create(&(struct pool_options){.workers = workers, .task_udata = &grain_for_tasks});
    if (c.pool == NULL)
        die("pool_create");
    submit(&c, 0, (long)n); /* one task; the rest come from the callbacks */
    wait_for_everything(&c);

    size_t ready = 0;
    for (size_t i = 0; i < c.count; i++) {
        ready += pool_async_ready(c.jobs[i]);
        pool_async_release(c.jobs[i]);
    }
    pool_destroy(c.pool);
    long expected = 0; /* the same count, the sequential way */
    for (long x = 0; x < (long)n; x++)
        expected += is_prime(x);
    printf("[parent %ld] tasks: %zu submitted, %zu done (%zu split, %zu "
           "counted, %zu failed)\n",
           parent, c.count, ready, c.splits, c.counted, c.failed);
    printf("[parent %ld] primes below %lld: %ld (a plain loop in the parent: "
           "%ld, %s)\n",
           parent, n, c.primes, expected, c.primes == expected ? "the same" : "DIFFERENT");
    free(c.jobs);
    bool ok = c.primes == expected && ready == c.count && c.failed == 0 &&
              c.splits + c.counted == c.count;
    return ok ? 0 : 1;
}
