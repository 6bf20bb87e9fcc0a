/* SPDX-License-Identifier: MIT */
/*
 * pool_test.c - unit tests of common/pool: one case per bats test.
 * Usage: pool_test CASE   (no argument: list the cases)
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cpus.h"
#include "interrupt.h"
#include "pool.h"
#include "timing.h"

/* ---------------------------------------------------------- task functions */

static int cube(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    long x = *(const long *)arg;
    *(long *)result = x * x * x;
    return 0;
}

/* Item i sleeps (n - i) ms: later items finish first. */
static int sleep_reverse(const void *arg, void *result, struct pool_task *task)
{
    long n = 8;
    timing_sleep((double)(n - (long)task->index) * 0.01);
    *(long *)result = *(const long *)arg * 10;
    return 0;
}

static int fail_on_five(const void *arg, void *result, struct pool_task *task)
{
    long x = *(const long *)arg;
    if (x == 5)
        return pool_task_fail(task, "five is not allowed (got %ld)", x);
    *(long *)result = x;
    return 0;
}

/* The argument says how this task ends: 0 normally, else a way to die. */
enum { END_OK, END_SIGKILL, END_SEGV, END_ABORT, END_EXIT3, END_SLEEP };
/* Two longs: no padding, so every byte sent to a worker is initialised
 * (valgrind would rightly complain about padding with garbage in it). */
struct ending {
    long how;
    long value;
};

static int end_as_told(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const struct ending *e = arg;
    switch (e->how) {
    case END_SIGKILL: raise(SIGKILL); break;
    case END_SEGV: raise(SIGSEGV); break;
    case END_ABORT: abort();
    case END_EXIT3: _exit(3);
    case END_SLEEP: timing_sleep((double)e->value / 1000); break;
    default: break;
    }
    *(long *)result = e->value;
    return 0;
}

static int twice_plus_one(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    *(long *)result = 2 * *(const long *)arg + 1;
    return 0;
}

static int identity(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    *(long *)result = *(const long *)arg;
    return 0;
}

static int report_pid(const void *arg, void *result, struct pool_task *task)
{
    (void)arg;
    (void)task;
    *(long *)result = (long)getpid();
    return 0;
}

static long initialized_as = -1; /* set in each worker by the initializer */

static void remember_worker(int worker, void *udata)
{
    initialized_as = 1000 + worker + *(const int *)udata;
}

static int report_init(const void *arg, void *result, struct pool_task *task)
{
    (void)arg;
    (void)task;
    *(long *)result = initialized_as;
    return 0;
}

/* ---------------------------------------------------------- helpers */

static struct pool *make_pool(int workers)
{
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    CHECK(pool != NULL);
    return pool;
}

static void finish(struct pool *pool)
{
    pool_close(pool);
    CHECK_EQ(pool_join(pool), 0);
    pool_destroy(pool);
}

/* No child of ours is left, not even a zombie. */
static void check_no_children(void)
{
    errno = 0;
    CHECK_EQ(waitpid(-1, NULL, WNOHANG), -1);
    CHECK_EQ(errno, ECHILD);
}

static long *iota(size_t n)
{
    long *a = malloc(n * sizeof *a);
    CHECK(a != NULL);
    for (size_t i = 0; i < n; i++)
        a[i] = (long)i;
    return a;
}

/* ---------------------------------------------------------- map */

static void map_cube(void)
{
    long in[6] = {1, 2, 3, 4, 5, 6}, out[6] = {0};
    struct pool *pool = make_pool(2);
    CHECK_EQ(pool_map(pool, cube, in, 6, sizeof(long), out, sizeof(long), NULL), 0);
    long want[6] = {1, 8, 27, 64, 125, 216};
    for (int i = 0; i < 6; i++)
        CHECK_EQ(out[i], want[i]);
    finish(pool);
    check_no_children();
}

static size_t finish_order[8];
static size_t finished;

static void note_chunk(const struct pool_chunk *chunk, void *udata)
{
    (void)udata;
    finish_order[finished++] = chunk->first;
}

static void map_keeps_order(void)
{
    long *in = iota(8), out[8];
    /* one worker per item: all start together, item i sleeps (8 - i) x
     * 10 ms, so item 7 finishes 70 ms before item 0 */
    struct pool *pool = make_pool(8);
    struct pool_map_options opt = {.chunksize = 1, .on_chunk = note_chunk};
    CHECK_EQ(pool_map(pool, sleep_reverse, in, 8, sizeof(long), out, sizeof(long), &opt), 0);
    for (long i = 0; i < 8; i++)
        CHECK_EQ(out[i], i * 10);
    CHECK_EQ(finished, 8);
    size_t position[8];
    for (size_t k = 0; k < 8; k++)
        position[finish_order[k]] = k;
    CHECK(position[7] < position[0]); /* finished out of order, yet */
    finish(pool);                     /* the results are in input order */
    free(in);
}

static void map_edge_sizes(void)
{
    struct pool *pool = make_pool(4);
    long *in = iota(1000);
    long out[1000];
    /* 0 items, 1 item, fewer items than workers, chunk larger than input */
    size_t sizes[] = {0, 1, 3, 10, 1000};
    size_t chunks[] = {0, 1, 7, 100, 5000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
            memset(out, 0, sizeof out);
            struct pool_map_options opt = {.chunksize = chunks[c]};
            CHECK_EQ(pool_map(pool, cube, in, sizes[s], sizeof(long), out, sizeof(long), &opt), 0);
            for (size_t i = 0; i < sizes[s]; i++)
                CHECK_EQ(out[i], (long)(i * i * i));
            if (sizes[s] < 1000)
                CHECK_EQ(out[sizes[s]], 0); /* nothing written past the end */
        }
    }
    finish(pool);
    free(in);
}

static size_t covered[10000];

static void count_coverage(const struct pool_chunk *chunk, void *udata)
{
    (void)udata;
    for (size_t i = chunk->first; i < chunk->first + chunk->count; i++)
        covered[i]++;
}

static void map_chunks_cover_input(void)
{
    long *in = iota(10000);
    long *out = malloc(10000 * sizeof *out);
    struct pool *pool = make_pool(3);
    struct pool_map_options opt = {.on_chunk = count_coverage};
    CHECK_EQ(pool_map(pool, cube, in, 10000, sizeof(long), out, sizeof(long), &opt), 0);
    for (size_t i = 0; i < 10000; i++)
        CHECK_EQ(covered[i], 1);
    finish(pool);
    free(in);
    free(out);
}

static void map_large(void)
{
    size_t n = 3000000; /* chunks far larger than a socket buffer */
    long *in = iota(n), *out = malloc(n * sizeof *out);
    struct pool *pool = make_pool(2);
    for (size_t chunk = 0; chunk <= 1; chunk++) {
        struct pool_map_options opt = {.chunksize = chunk ? 1000 : 0};
        CHECK_EQ(pool_map(pool, twice_plus_one, in, n, sizeof(long), out, sizeof(long), &opt), 0);
        for (size_t i = 0; i < n; i++)
            CHECK_EQ(out[i], 2 * (long)i + 1);
    }
    finish(pool);
    free(in);
    free(out);
}

static int fail_on_1234567(const void *arg, void *result, struct pool_task *task)
{
    long x = *(const long *)arg;
    if (x == 1234567)
        return pool_task_fail(task, "1234567 is not allowed");
    *(long *)result = 2 * x + 1;
    return 0;
}

/* A large chunk is streamed in parts (pool_worker.c): one whose item fails
 * midway fails the map, its caller frees the arguments at once, and the
 * same pool's next maps (large chunks, then small ones) come back right. */
static void map_large_fails_midway(void)
{
    size_t n = 3000000;
    long *in = iota(n), *out = malloc(n * sizeof *out);
    struct pool *pool = make_pool(2);
    CHECK_EQ(pool_map(pool, fail_on_1234567, in, n, sizeof(long), out, sizeof(long), NULL), -1);
    CHECK_EQ(pool_last_failure(pool)->index, 1234567);
    free(in);
    in = iota(1000000);
    for (size_t chunk = 0; chunk <= 1; chunk++) {
        struct pool_map_options opt = {.chunksize = chunk ? 3 : 0};
        CHECK_EQ(pool_map(pool, twice_plus_one, in, 1000000, sizeof(long), out, sizeof(long), &opt),
                 0);
        for (size_t i = 0; i < 1000000; i++)
            CHECK_EQ(out[i], 2 * (long)i + 1);
    }
    finish(pool);
    free(in);
    free(out);
}

/* Prints "items workers chunksize" lines for bats to compare with Python. */
static void default_chunksize(void)
{
    size_t items[] = {0, 1, 2, 7, 8, 9, 100, 1000, 1001, 2000000};
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
        for (int w = 1; w <= 5; w++)
            printf("%zu %d %zu\n", items[i], w, pool_default_chunksize(items[i], w));
}

static void map_task_error(void)
{
    long *in = iota(20), out[20];
    struct pool *pool = make_pool(2);
    struct pool_map_options opt = {.chunksize = 2};
    errno = 0;
    CHECK_EQ(pool_map(pool, fail_on_five, in, 20, sizeof(long), out, sizeof(long), &opt), -1);
    CHECK_EQ(errno, ECANCELED);
    const struct pool_failure *f = pool_last_failure(pool);
    CHECK_EQ(f->cause, POOL_TASK_ERROR);
    CHECK_EQ(f->index, 5);
    CHECK_CONTAINS(f->message, "task 5 failed: five is not allowed (got 5)");
    finish(pool);
    free(in);
}

/* ---------------------------------------------------------- dying workers */

static void check_death(int how, enum pool_failure_cause cause, const char *words)
{
    struct pool *pool = make_pool(2);
    struct ending tasks[40];
    for (int i = 0; i < 40; i++)
        tasks[i] = (struct ending){.how = END_OK, .value = i};
    tasks[23].how = how;
    long out[40];
    double t0 = timing_now();
    struct pool_map_options opt = {.chunksize = 1};
    CHECK_EQ(pool_map(pool, end_as_told, tasks, 40, sizeof tasks[0], out, sizeof(long), &opt), -1);
    CHECK_FASTER_THAN(timing_now() - t0, 1.0); /* reported within a second, no hang */
    const struct pool_failure *f = pool_last_failure(pool);
    CHECK_EQ(f->cause, cause);
    CHECK_EQ(f->index, 23);
    CHECK_CONTAINS(f->message, "task 23 failed");
    CHECK_CONTAINS(f->message, words);
    printf("%s\n", f->message);

    /* the pool goes on: a replacement took the dead worker's place */
    tasks[23].how = END_OK;
    CHECK_EQ(pool_map(pool, end_as_told, tasks, 40, sizeof tasks[0], out, sizeof(long), &opt), 0);
    for (long i = 0; i < 40; i++)
        CHECK_EQ(out[i], i);
    struct pool_stats stats;
    pool_get_stats(pool, &stats);
    CHECK_EQ(stats.workers_lost, 1);
    CHECK_EQ(stats.workers_started, 3);
    finish(pool);
    check_no_children();
}

static void worker_sigkill(void)
{
    check_death(END_SIGKILL, POOL_WORKER_KILLED, "killed by SIGKILL");
}
static void worker_segfault(void)
{
    check_death(END_SEGV, POOL_WORKER_KILLED, "killed by SIGSEGV");
}
static void worker_abort(void)
{
    check_death(END_ABORT, POOL_WORKER_KILLED, "killed by SIGABRT");
}
static void worker_exit3(void)
{
    check_death(END_EXIT3, POOL_WORKER_EXITED, "exited with code 3");
}

/* A destroyed pool's scoreboard serves the next pool (pool_death.c): the
 * dead worker's item is still named right, pool after pool. */
static void scoreboard_reused(void)
{
    for (int round = 0; round < 3; round++)
        check_death(END_SIGKILL, POOL_WORKER_KILLED, "killed by SIGKILL");
}

/* Someone else kills a worker in the middle of a long task. */
static void worker_killed_from_outside(void)
{
    struct pool *pool = make_pool(2);
    struct ending slow = {.how = END_SLEEP, .value = 10000}; /* 10 s */
    struct pool_async *job =
        pool_apply_async(pool, end_as_told, &slow, sizeof slow, sizeof(long), NULL);
    CHECK(job != NULL);
    CHECK_EQ(pool_async_wait(job, 0.2), -1); /* it is running */
    CHECK_EQ(errno, ETIMEDOUT);
    pid_t victim = pool_worker_pid(pool, 0);
    CHECK(kill(victim, SIGKILL) == 0);
    double t0 = timing_now();
    long r;
    CHECK_EQ(pool_async_get(job, &r, 5.0), -1);
    CHECK_EQ(errno, ECANCELED);
    CHECK_FASTER_THAN(timing_now() - t0, 1.0);
    CHECK_EQ(pool_async_failure(job)->signal, SIGKILL);
    CHECK_EQ(pool_async_failure(job)->pid, victim);
    pool_async_release(job);
    /* later tasks still run */
    struct ending quick = {.how = END_OK, .value = 42};
    CHECK_EQ(pool_apply(pool, end_as_told, &quick, sizeof quick, &r, sizeof r), 0);
    CHECK_EQ(r, 42);
    CHECK(pool_worker_pid(pool, 0) != victim);
    finish(pool);
}

/* ---------------------------------------------------------- apply_async */

static void apply_async_get_timeout(void)
{
    struct pool *pool = make_pool(2);
    struct ending slow = {
        .how = END_SLEEP,
        .value = 400,
    };
    struct pool_async *job =
        pool_apply_async(pool, end_as_told, &slow, sizeof slow, sizeof(long), NULL);
    long r = 0;
    double t0 = timing_now();
    CHECK_EQ(pool_async_get(job, &r, 0.05), -1);
    CHECK_EQ(errno, ETIMEDOUT);
    CHECK_FASTER_THAN(timing_now() - t0, 0.3);
    CHECK(!pool_async_ready(job));
    CHECK(!pool_async_successful(job));
    CHECK_EQ(pool_async_wait(job, POOL_FOREVER), 0);
    CHECK(pool_async_ready(job));
    CHECK(pool_async_successful(job));
    CHECK(pool_async_failure(job) == NULL);
    CHECK_EQ(pool_async_get(job, &r, 0), 0);
    CHECK_EQ(r, 400);
    pool_async_release(job);
    finish(pool);
}

static pid_t callback_pid;
static int callbacks, error_callbacks;
static long callback_sum;

static void on_success(struct pool_async *job, const void *result, void *udata)
{
    (void)job;
    (void)udata;
    callback_pid = getpid();
    callbacks++;
    callback_sum += *(const long *)result;
}

static void on_error(struct pool_async *job, const struct pool_failure *f, void *udata)
{
    (void)job;
    (void)udata;
    CHECK_EQ(f->cause, POOL_TASK_ERROR);
    CHECK_EQ(f->index, 5);
    error_callbacks++;
}

static void callbacks_in_parent(void)
{
    struct pool *pool = make_pool(2);
    struct pool_async *jobs[10];
    for (long i = 0; i < 10; i++) {
        struct pool_apply_options opt = {
            .callback = on_success, .error_callback = on_error, .index = (size_t)i};
        jobs[i] = pool_apply_async(pool, fail_on_five, &i, sizeof i, sizeof(long), &opt);
        CHECK(jobs[i] != NULL);
    }
    pool_close(pool);
    CHECK_EQ(pool_join(pool), 0); /* join drives the callbacks */
    CHECK_EQ(callback_pid, getpid());
    CHECK_EQ(callbacks, 9);
    CHECK_EQ(error_callbacks, 1);
    CHECK_EQ(callback_sum, 45 - 5);
    for (int i = 0; i < 10; i++) {
        CHECK(pool_async_successful(jobs[i]) == (i != 5));
        pool_async_release(jobs[i]);
    }
    pool_destroy(pool);
    check_no_children();
}

static void apply_is_serial(void)
{
    struct pool *pool = make_pool(2);
    struct ending t = {.how = END_SLEEP, .value = 50};
    long r;
    double t0 = timing_now();
    for (int i = 0; i < 4; i++)
        CHECK_EQ(pool_apply(pool, end_as_told, &t, sizeof t, &r, sizeof r), 0);
    double serial = timing_now() - t0;
    struct pool_async *jobs[4];
    t0 = timing_now();
    for (int i = 0; i < 4; i++)
        jobs[i] = pool_apply_async(pool, end_as_told, &t, sizeof t, sizeof r, NULL);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(pool_async_get(jobs[i], &r, POOL_FOREVER), 0);
        pool_async_release(jobs[i]);
    }
    double parallel = timing_now() - t0;
    CHECK(serial >= 0.2);
    CHECK(parallel < 0.75 * serial); /* sleeping tasks overlap */
    finish(pool);
}

/* ---------------------------------------------------------- lifecycle */

static void initializer_runs_in_each_worker(void)
{
    int offset = 7;
    struct pool *pool = pool_create(&(struct pool_options){
        .workers = 3, .initializer = remember_worker, .initializer_udata = &offset});
    CHECK(pool != NULL);
    long in[30] = {0}, out[30];
    struct pool_map_options opt = {.chunksize = 1};
    CHECK_EQ(pool_map(pool, report_init, in, 30, sizeof(long), out, sizeof(long), &opt), 0);
    for (int i = 0; i < 30; i++)
        CHECK(out[i] >= 1007 && out[i] <= 1009);
    CHECK_EQ(initialized_as, -1); /* never in the parent */
    finish(pool);
}

static void max_tasks_replaces_workers(void)
{
    struct pool *pool =
        pool_create(&(struct pool_options){.workers = 2, .max_tasks_per_worker = 2});
    CHECK(pool != NULL);
    long in[10] = {0}, out[10];
    struct pool_map_options opt = {.chunksize = 1};
    CHECK_EQ(pool_map(pool, report_pid, in, 10, sizeof(long), out, sizeof(long), &opt), 0);
    /* each pid ran at most 2 tasks, so at least 5 different pids */
    int distinct = 0;
    for (int i = 0; i < 10; i++) {
        int seen = 0;
        for (int j = 0; j < i; j++)
            seen += out[j] == out[i];
        CHECK(seen < 2);
        distinct += seen == 0;
    }
    CHECK(distinct >= 5);
    struct pool_stats stats;
    pool_get_stats(pool, &stats);
    CHECK_EQ(stats.workers_lost, 0);
    finish(pool);
    CHECK(stats.workers_retired >= 3);
    check_no_children();
}

static void join_needs_close(void)
{
    struct pool *pool = make_pool(1);
    errno = 0;
    CHECK_EQ(pool_join(pool), -1);
    CHECK_EQ(errno, EINVAL);
    pool_close(pool);
    long x = 1, r;
    CHECK_EQ(pool_apply(pool, cube, &x, sizeof x, &r, sizeof r), -1);
    CHECK_EQ(errno, EINVAL); /* closed: no more tasks */
    CHECK_EQ(pool_join(pool), 0);
    pool_destroy(pool);
    check_no_children();
}

static void terminate_reaps_everything(void)
{
    struct pool *pool = make_pool(3);
    struct ending slow = {.how = END_SLEEP, .value = 20000};
    struct pool_async *jobs[5];
    for (int i = 0; i < 5; i++)
        jobs[i] = pool_apply_async(pool, end_as_told, &slow, sizeof slow, sizeof(long), NULL);
    CHECK_EQ(pool_async_wait(jobs[0], 0.1), -1);
    double t0 = timing_now();
    pool_terminate(pool);
    CHECK_FASTER_THAN(timing_now() - t0, 1.0);
    check_no_children();
    for (int i = 0; i < 5; i++) {
        CHECK(pool_async_ready(jobs[i]));
        CHECK_EQ(pool_async_failure(jobs[i])->cause, POOL_TERMINATED);
    }
    pool_destroy(pool); /* frees the handles too */
}

/* A worker that ignores SIGTERM is SIGKILLed after the grace period. */
static void ignore_term(int worker, void *udata)
{
    (void)worker;
    (void)udata;
    signal(SIGTERM, SIG_IGN);
}

static void terminate_escalates_to_sigkill(void)
{
    struct pool *pool =
        pool_create(&(struct pool_options){.workers = 2, .initializer = ignore_term});
    CHECK(pool != NULL);
    long x = 2, r;
    CHECK_EQ(pool_apply(pool, cube, &x, sizeof x, &r, sizeof r), 0);
    double t0 = timing_now();
    pool_terminate(pool);
    CHECK_FASTER_THAN(timing_now() - t0, 1.0);
    check_no_children();
    pool_destroy(pool);
}

static void too_many_workers(void)
{
    errno = 0;
    CHECK(pool_create(&(struct pool_options){.workers = pool_max_workers() + 1}) == NULL);
    CHECK_EQ(errno, EINVAL);
    CHECK(pool_create(&(struct pool_options){.workers = -1}) == NULL);
    CHECK_EQ(pool_max_workers(), 8 * cpus_usable());
    struct pool *pool = pool_create(NULL); /* default: usable CPUs */
    CHECK(pool != NULL);
    CHECK_EQ(pool_workers(pool), cpus_for_pool());
    finish(pool);
}

/* Workers ignore SIGINT: Ctrl-C is for the parent to decide. */
static void workers_ignore_sigint(void)
{
    struct pool *pool = make_pool(2);
    pid_t w0 = pool_worker_pid(pool, 0);
    CHECK(kill(w0, SIGINT) == 0);
    long x = 3, r;
    for (int i = 0; i < 4; i++)
        CHECK_EQ(pool_apply(pool, cube, &x, sizeof x, &r, sizeof r), 0);
    CHECK_EQ(pool_worker_pid(pool, 0), w0);
    struct pool_stats stats;
    pool_get_stats(pool, &stats);
    CHECK_EQ(stats.workers_lost, 0);
    finish(pool);
}

/* A waiting call returns EINTR when a signal handler ran. */
static void on_alarm(int signo)
{
    (void)signo;
}

static void wait_interrupted_by_signal(void)
{
    struct sigaction sa = {.sa_handler = on_alarm};
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct pool *pool = make_pool(1);
    struct ending slow = {.how = END_SLEEP, .value = 5000};
    struct pool_async *job =
        pool_apply_async(pool, end_as_told, &slow, sizeof slow, sizeof(long), NULL);
    alarm(1);
    double t0 = timing_now();
    CHECK_EQ(pool_async_wait(job, POOL_FOREVER), -1);
    CHECK_EQ(errno, EINTR);
    CHECK_FASTER_THAN(timing_now() - t0, 2.0);
    pool_terminate(pool);
    pool_destroy(pool);
    check_no_children();
}

/* A helper process that sends `signo` to us after `delay` seconds. */
static pid_t signal_me_later(int signo, double delay)
{
    pid_t me = getpid();
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        timing_sleep(delay);
        kill(me, signo);
        _exit(0);
    }
    return pid;
}

/* With interrupt.h, SIGTERM during a wait makes the wait return EINTR. */
static void interrupt_stops_waiting(void)
{
    interrupt_install();
    struct pool *pool = make_pool(2);
    struct ending slow = {.how = END_SLEEP, .value = 5000};
    struct pool_async *job =
        pool_apply_async(pool, end_as_told, &slow, sizeof slow, sizeof(long), NULL);
    pid_t sender = signal_me_later(SIGTERM, 0.2);
    double t0 = timing_now();
    CHECK_EQ(pool_async_wait(job, POOL_FOREVER), -1);
    CHECK_EQ(errno, EINTR);
    CHECK_FASTER_THAN(timing_now() - t0, 1.0);
    CHECK(interrupt_requested());
    CHECK_EQ(interrupt_signal(), SIGTERM);
    CHECK(waitpid(sender, NULL, 0) == sender);
    pool_terminate(pool);
    pool_destroy(pool);
    check_no_children();
}

/* A signal that arrives while the parent is inside a callback is not lost:
 * the next wait returns EINTR. */
static void slow_callback(struct pool_async *job, const void *result, void *udata)
{
    (void)job;
    (void)result;
    (void)udata;
    timing_sleep(0.4); /* the signal arrives during this */
}

static void interrupt_during_callback(void)
{
    interrupt_install();
    struct pool *pool = make_pool(2);
    struct pool_apply_options opt = {.callback = slow_callback};
    long x = 1;
    for (int i = 0; i < 20; i++)
        CHECK(pool_apply_async(pool, identity, &x, sizeof x, sizeof x, &opt));
    pid_t sender = signal_me_later(SIGINT, 0.2);
    pool_close(pool);
    double t0 = timing_now();
    CHECK_EQ(pool_join(pool), -1); /* 20 callbacks would take 8 s */
    CHECK_EQ(errno, EINTR);
    CHECK_FASTER_THAN(timing_now() - t0, 2.0);
    CHECK(waitpid(sender, NULL, 0) == sender);
    pool_terminate(pool);
    pool_destroy(pool);
    check_no_children();
}

/* The parent dies: its workers follow (PR_SET_PDEATHSIG), no orphans. */
static void workers_die_with_parent(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t parent = fork();
    CHECK(parent >= 0);
    if (parent == 0) {
        struct pool *pool = make_pool(2);
        pid_t pids[2] = {pool_worker_pid(pool, 0), pool_worker_pid(pool, 1)};
        if (write(fds[1], pids, sizeof pids) != (ssize_t)sizeof pids)
            _exit(1);
        pause();
        _exit(0);
    }
    close(fds[1]);
    pid_t pids[2];
    CHECK(read(fds[0], pids, sizeof pids) == (ssize_t)sizeof pids);
    CHECK(kill(parent, SIGKILL) == 0);
    CHECK(waitpid(parent, NULL, 0) == parent);
    double t0 = timing_now();
    for (int i = 0; i < 2; i++) {
        char path[64], state = '?';
        snprintf(path, sizeof path, "/proc/%ld/stat", (long)pids[i]);
        for (;;) {
            FILE *f = fopen(path, "r");
            state = 'X';
            if (f) { /* the state letter follows the ") " after the name */
                int c, prev = 0;
                while ((c = fgetc(f)) != EOF && !(prev == ')' && c == ' '))
                    prev = c;
                state = (char)fgetc(f);
                fclose(f);
            }
            if (state == 'X' || state == 'Z' || timing_now() - t0 > 2.0)
                break;
            timing_sleep(0.01);
        }
        CHECK(state == 'X' || state == 'Z');
    }
}

/* An idle pool uses no CPU: workers sleep in recv, not in a loop. */
static double cpu_seconds(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    int c, prev = 0;
    while ((c = fgetc(f)) != EOF && !(prev == ')' && c == ' '))
        prev = c;
    /* after ") ": state and 10 more fields, then utime and stime */
    char rest[512];
    CHECK(fgets(rest, sizeof rest, f) != NULL);
    fclose(f);
    char *field = rest;
    for (int i = 0; i < 11; i++)
        field = strchr(field, ' ') + 1;
    char *end;
    unsigned long utime = strtoul(field, &end, 10);
    unsigned long stime = strtoul(end, NULL, 10);
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static void idle_pool_uses_no_cpu(void)
{
    struct pool *pool = make_pool(2);
    long x = 2, r;
    CHECK_EQ(pool_apply(pool, cube, &x, sizeof x, &r, sizeof r), 0);
    double before = cpu_seconds(pool_worker_pid(pool, 0)) + cpu_seconds(pool_worker_pid(pool, 1));
    struct ending slow = {.how = END_SLEEP, .value = 600};
    struct pool_async *job =
        pool_apply_async(pool, end_as_told, &slow, sizeof slow, sizeof r, NULL);
    CHECK_EQ(pool_async_get(job, &r, POOL_FOREVER), 0); /* parent waits too */
    pool_async_release(job);
    double after = cpu_seconds(pool_worker_pid(pool, 0)) + cpu_seconds(pool_worker_pid(pool, 1));
    CHECK(after - before < 0.05);
    finish(pool);
}

/* Callbacks may submit more work (a common pattern: a crawler, a search). */
static struct pool *callback_pool;
static int chained;

static void submit_next(struct pool_async *job, const void *result, void *udata)
{
    (void)udata;
    long done = *(const long *)result;
    pool_async_release(job); /* releasing its own job inside the callback */
    chained++;
    if (done < 20) {
        struct pool_apply_options opt = {.callback = submit_next};
        long next = done + 1;
        CHECK(pool_apply_async(callback_pool, identity, &next, sizeof next, sizeof(long), &opt) !=
              NULL);
    }
}

static void callback_submits_more(void)
{
    callback_pool = make_pool(2);
    struct pool_apply_options opt = {.callback = submit_next};
    long first = 0;
    CHECK(pool_apply_async(callback_pool, identity, &first, sizeof first, sizeof(long), &opt) !=
          NULL);
    /* join waits for everything, including what callbacks submitted; but
     * join needs close, and close forbids submitting: so wait by hand */
    while (chained < 20) {
        struct pool_async *probe =
            pool_apply_async(callback_pool, cube, &first, sizeof first, sizeof(long), NULL);
        CHECK(probe != NULL);
        CHECK_EQ(pool_async_wait(probe, POOL_FOREVER), 0);
        pool_async_release(probe);
    }
    finish(callback_pool); /* join runs the callbacks still due */
    CHECK_EQ(chained, 21); /* values 0 .. 20, one callback each */
}

/* ---------------------------------------------------------- issue 18 defects */

/* Shared with the workers: how many tasks are running right now. */
static volatile long *running_now;

static void count_running_tasks(void)
{
    running_now =
        mmap(NULL, sizeof *running_now, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(running_now != MAP_FAILED);
    *running_now = 0;
}

enum { BIG_RESULT = 1 << 20 }; /* far larger than a socket buffer */

/* arg < 0: fail at once; else sleep arg ms and fill a 1 MiB result. */
static int big_result(const void *arg, void *result, struct pool_task *task)
{
    long ms = *(const long *)arg;
    if (ms < 0)
        return pool_task_fail(task, "failing at once");
    __atomic_add_fetch(running_now, 1, __ATOMIC_SEQ_CST);
    timing_sleep((double)ms / 1000);
    memset(result, 0xab, BIG_RESULT);
    __atomic_sub_fetch(running_now, 1, __ATOMIC_SEQ_CST);
    return 0;
}

/* Defect 1: a map fails while another worker is writing a result larger
 * than the socket buffer; join used to wait for that worker forever, and
 * the worker for the parent to read. alarm() bounds the hang. */
static void join_within(struct pool *pool, double seconds)
{
    double t0 = timing_now();
    pool_close(pool);
    CHECK_EQ(pool_join(pool), 0);
    CHECK_FASTER_THAN(timing_now() - t0, seconds);
    alarm(0);
    pool_destroy(pool);
}

static void join_after_failed_map_with_big_result(void)
{
    count_running_tasks();
    for (int released = 0; released <= 1; released++) {
        struct pool *pool = make_pool(2);
        long in[2] = {-1, 100}; /* item 0 fails, item 1 answers 1 MiB later */
        unsigned char *out = malloc(2 * (size_t)BIG_RESULT);
        CHECK(out != NULL);
        struct pool_map_options opt = {.chunksize = 1};
        alarm((unsigned)(10 * check_time_scale())); /* SIGALRM: a hang fails */
        if (released) { /* map_async, never waited for: join must cope */
            struct pool_async *job =
                pool_map_async(pool, big_result, in, 2, sizeof in[0], out, BIG_RESULT, &opt);
            CHECK(job != NULL);
            pool_async_release(job);
        } else {
            CHECK_EQ(pool_map(pool, big_result, in, 2, sizeof in[0], out, BIG_RESULT, &opt), -1);
            CHECK_EQ(errno, ECANCELED);
        }
        join_within(pool, 3.0);
        free(out);
    }
    check_no_children();
}

/* The fail-fast map returns with nothing of it running: the caller may
 * free its arrays at once, and no CPU is burnt on the lost cause. */
static void failed_map_leaves_nothing_running(void)
{
    count_running_tasks();
    struct pool *pool = make_pool(2);
    long in[6] = {-1, 200, 200, 200, 200, 200};
    unsigned char *out = malloc(6 * (size_t)BIG_RESULT);
    CHECK(out != NULL);
    struct pool_map_options opt = {.chunksize = 1};
    CHECK_EQ(pool_map(pool, big_result, in, 6, sizeof in[0], out, BIG_RESULT, &opt), -1);
    CHECK_EQ(*running_now, 0);
    free(out);
    struct pool_stats stats;
    pool_get_stats(pool, &stats);
    CHECK(stats.tasks_done + stats.tasks_failed <= 3); /* the rest never started */
    long x = 3, r;
    CHECK_EQ(pool_apply(pool, cube, &x, sizeof x, &r, sizeof r), 0); /* still usable */
    CHECK_EQ(r, 27);
    finish(pool);
    check_no_children();
}

static void check_refused(void *handle_or_null, int rc)
{
    CHECK(handle_or_null == NULL);
    CHECK_EQ(rc, -1);
    CHECK(errno == EINVAL || errno == ENOMEM);
}

/* Defect 2: sizes whose products overflow are refused, and nothing runs. */
static void sizes_too_large_are_refused(void)
{
    struct pool *pool = make_pool(2);
    long x = 2, r = 0, small[10] = {0}, out[10];
    size_t huge = SIZE_MAX - 8, many = SIZE_MAX / sizeof(long) + 2;
    errno = 0;
    check_refused(pool_apply_async(pool, cube, &x, sizeof x, huge, NULL), -1);
    check_refused(pool_apply_async(pool, cube, &x, SIZE_MAX, sizeof r, NULL), -1);
    check_refused(NULL, pool_apply(pool, cube, &x, sizeof x, &r, SIZE_MAX / 2 + 1));
    check_refused(NULL, pool_map(pool, cube, small, many, sizeof(long), out, sizeof(long), NULL));
    check_refused(NULL, pool_map(pool, cube, small, 10, sizeof(long), out, SIZE_MAX / 4, NULL));
    check_refused(NULL, pool_map(pool, cube, small, 10, SIZE_MAX / 4, out, sizeof(long), NULL));
    check_refused(pool_map_async(pool, cube, small, many, sizeof(long), out, 8, NULL), -1);
    struct pool_stats stats;
    pool_get_stats(pool, &stats);
    CHECK_EQ(stats.tasks_done + stats.tasks_failed, 0); /* nothing ran */
    CHECK_EQ(stats.workers_started, 2);
    /* a chunksize larger than any input is one chunk, not none */
    long in[10];
    for (long i = 0; i < 10; i++)
        in[i] = i;
    struct pool_map_options opt = {.chunksize = SIZE_MAX};
    CHECK_EQ(pool_map(pool, cube, in, 10, sizeof(long), out, sizeof(long), &opt), 0);
    for (long i = 0; i < 10; i++)
        CHECK_EQ(out[i], i * i * i);
    finish(pool);
    check_no_children();
}

/* Defect 3: only POOL_FOREVER waits forever; any other negative timeout
 * (and NaN) looks once and returns, as AsyncResult.get(timeout=-1) does. */
static void negative_timeouts_do_not_wait(void)
{
    struct pool *pool = make_pool(1);
    struct ending slow = {.how = END_SLEEP, .value = 1500};
    struct pool_async *job =
        pool_apply_async(pool, end_as_told, &slow, sizeof slow, sizeof(long), NULL);
    double timeouts[] = {-0.5, -2.0, -1e300, -INFINITY, NAN};
    long r = 0;
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        double t0 = timing_now();
        errno = 0;
        CHECK_EQ(pool_async_get(job, &r, timeouts[i]), -1);
        CHECK_EQ(errno, ETIMEDOUT);
        errno = 0;
        CHECK_EQ(pool_async_wait(job, timeouts[i]), -1);
        CHECK_EQ(errno, ETIMEDOUT);
        CHECK_FASTER_THAN(timing_now() - t0, 0.3);
    }
    CHECK_EQ(pool_async_wait(job, 1e300), 0);   /* a huge timeout is a long one */
    CHECK_EQ(pool_async_get(job, &r, -3.0), 0); /* ready: the result at once */
    CHECK_EQ(r, 1500);
    pool_async_release(job);
    finish(pool);
}

/* An initializer that fails (here: exits) in worker slot 1 only, or in
 * every slot. */
static void exit_in_slot_one(int worker, void *udata)
{
    (void)udata;
    if (worker == 1)
        _exit(3);
}

static void exit_always(int worker, void *udata)
{
    (void)worker;
    (void)udata;
    _exit(3);
}

/* Policy 4: a slot whose initializer keeps failing is left empty after
 * POOL_START_FAILURES tries; the other workers carry on. */
static void initializer_fails_in_one_slot(void)
{
    struct pool *pool =
        pool_create(&(struct pool_options){.workers = 2, .initializer = exit_in_slot_one});
    CHECK(pool != NULL);
    struct ending tasks[30];
    for (int i = 0; i < 30; i++)
        tasks[i] = (struct ending){.how = END_SLEEP, .value = 10};
    long out[30];
    struct pool_map_options opt = {.chunksize = 1};
    CHECK_EQ(pool_map(pool, end_as_told, tasks, 30, sizeof tasks[0], out, sizeof(long), &opt), 0);
    for (int i = 0; i < 30; i++)
        CHECK_EQ(out[i], 10);
    CHECK_EQ(pool_worker_pid(pool, 1), 0); /* given up */
    CHECK(pool_worker_pid(pool, 0) != 0);
    struct pool_stats stats;
    pool_get_stats(pool, &stats);
    CHECK_EQ(stats.workers_lost, POOL_START_FAILURES);
    finish(pool);
    check_no_children();
}

static int init_errors;

static void count_init_error(struct pool_async *job, const struct pool_failure *f, void *udata)
{
    (void)job;
    (void)udata;
    CHECK_CONTAINS(f->message, "initializer keeps failing");
    init_errors++;
}

/* ... and when every slot is empty, every task fails with that cause. */
static void initializer_fails_everywhere(void)
{
    struct pool *pool =
        pool_create(&(struct pool_options){.workers = 2, .initializer = exit_always});
    CHECK(pool != NULL);
    long in[4] = {1, 2, 3, 4}, out[4], r;
    double t0 = timing_now();
    CHECK_EQ(pool_map(pool, cube, in, 4, sizeof(long), out, sizeof(long), NULL), -1);
    CHECK_EQ(errno, ECANCELED);
    CHECK_FASTER_THAN(timing_now() - t0, 2.0);
    CHECK_EQ(pool_last_failure(pool)->cause, POOL_WORKER_EXITED);
    CHECK_EQ(pool_last_failure(pool)->exit_code, 3);
    CHECK_CONTAINS(pool_last_failure(pool)->message, "initializer keeps failing");
    CHECK_EQ(pool_apply(pool, cube, &in[0], sizeof in[0], &r, sizeof r), -1);
    CHECK_EQ(errno, ECANCELED);
    CHECK_CONTAINS(pool_last_failure(pool)->message, "initializer keeps failing");
    struct pool_apply_options opt = {.error_callback = count_init_error};
    CHECK(pool_apply_async(pool, cube, &in[0], sizeof in[0], sizeof r, &opt) != NULL);
    finish(pool);
    CHECK_EQ(init_errors, 1);
    check_no_children();
}

CHECK_MAIN({"map_cube", map_cube}, {"map_keeps_order", map_keeps_order},
           {"map_edge_sizes", map_edge_sizes}, {"map_chunks_cover_input", map_chunks_cover_input},
           {"map_large", map_large}, {"map_large_fails_midway", map_large_fails_midway},
           {"default_chunksize", default_chunksize}, {"map_task_error", map_task_error},
           {"worker_sigkill", worker_sigkill}, {"worker_segfault", worker_segfault},
           {"worker_abort", worker_abort}, {"worker_exit3", worker_exit3},
           {"scoreboard_reused", scoreboard_reused},
           {"worker_killed_from_outside", worker_killed_from_outside},
           {"apply_async_get_timeout", apply_async_get_timeout},
           {"callbacks_in_parent", callbacks_in_parent}, {"apply_is_serial", apply_is_serial},
           {"initializer_runs_in_each_worker", initializer_runs_in_each_worker},
           {"max_tasks_replaces_workers", max_tasks_replaces_workers},
           {"join_needs_close", join_needs_close},
           {"terminate_reaps_everything", terminate_reaps_everything},
           {"terminate_escalates_to_sigkill", terminate_escalates_to_sigkill},
           {"too_many_workers", too_many_workers}, {"workers_ignore_sigint", workers_ignore_sigint},
           {"wait_interrupted_by_signal", wait_interrupted_by_signal},
           {"interrupt_stops_waiting", interrupt_stops_waiting},
           {"interrupt_during_callback", interrupt_during_callback},
           {"workers_die_with_parent", workers_die_with_parent},
           {"idle_pool_uses_no_cpu", idle_pool_uses_no_cpu},
           {"callback_submits_more", callback_submits_more},
           {"join_after_failed_map_with_big_result", join_after_failed_map_with_big_result},
           {"failed_map_leaves_nothing_running", failed_map_leaves_nothing_running},
           {"sizes_too_large_are_refused", sizes_too_large_are_refused},
           {"negative_timeouts_do_not_wait", negative_timeouts_do_not_wait},
           {"initializer_fails_in_one_slot", initializer_fails_in_one_slot},
           {"initializer_fails_everywhere", initializer_fails_everywhere})
