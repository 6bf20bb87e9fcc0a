/* SPDX-License-Identifier: MIT */
/*
 * apply_async.c - Pool.apply against Pool.apply_async: tasks submitted one
 * at a time, each with its own function and data, and the handle
 * (AsyncResult) that says when a task is done, what it returned, or how it
 * failed.
 *
 * Usage: apply_async [-j N] [-n ROWS] [--seed S] [-q] [--crash-task K]
 *
 * You will see, in order: the same CPU-bound tasks timed with blocking apply
 * and with apply_async (the speedup); results completing out of submission
 * order; a get whose timeout expires, then ready, wait and successful;
 * different functions with different argument types in one pool; three
 * data-science shapes on a data set generated from --seed, checked against a
 * sequential run; a task that fails and (with --crash-task K) a worker killed
 * in the middle of task K; and the cost of one apply_async + get next to a
 * bare pipe ping-pong between two processes.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "interrupt.h"
#include "pool.h"
#include "report.h"
#include "rng.h"
#include "timing.h"
#include "waitstatus.h"

enum {
    SPEED_TASKS = 8, /* equal CPU-bound tasks for apply vs apply_async */
    ORDER_TASKS = 6, /* tasks of different durations */
    ERROR_TASKS = 8, /* the errors section: 100 / (i - 3) */
    CLASSES = 3,     /* the data set's classes */
    MAX_ROWS = 5000,
    MIN_ROWS = 45, /* 3 x MAX_K: enough to train the largest k */
    DEFAULT_ROWS = 120,
    MAX_K = 15, /* the sweep tries k = 1, 3, ..., MAX_K */
    SWEEP = (MAX_K + 1) / 2,
    PERCEPTRON_EPOCHS = 10,
    ROUND_TRIPS = 2000,
};
/* One task's work: sum 1/i^2 for i = 1 .. SPIN_STEPS (tends to pi^2/6).
 * A fixed amount of arithmetic, not a fixed time, so that a loaded machine
 * shows up in the times instead of being hidden by them. About 40 ms. */
#define SPIN_STEPS 32000000L

static bool quiet; /* -q: only the summary line */

/* Every line the parent prints says who printed it (the workers print
 * nothing: they return results, and the parent reports them). */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
    if (quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("[parent %ld] ", (long)getpid());
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static void title(const char *text)
{
    if (!quiet)
        printf("\n== %s ==\n", text);
}

/* Submit or die: pool_apply_async() fails only on a closed pool or ENOMEM. */
static struct pool_async *submit(struct pool *pool, pool_task_fn fn, const void *arg,
                                 size_t arg_size, size_t result_size, size_t index)
{
    struct pool_apply_options options = {.index = index};
    struct pool_async *job = pool_apply_async(pool, fn, arg, arg_size, result_size, &options);
    if (job == NULL)
        die("pool_apply_async");
    return job;
}

/* Ctrl-C or kill: the handler from interrupt.h only set a flag, and the
 * pool call that was waiting returned EINTR. Stop the workers and reap them
 * (Python: pool.terminate() when the with-block exits on KeyboardInterrupt),
 * then die of the same signal, as the shell expects. */
static _Noreturn void stop(struct pool *pool)
{
    char name[32];
    say("stopped by %s: terminating and reaping the workers",
        signal_name(interrupt_signal(), name, sizeof name));
    fflush(stdout);
    pool_terminate(pool);
    pool_destroy(pool);
    interrupt_exit();
}

/* A pool call failed: a signal is a request to stop; anything else is a
 * bug worth one line and exit status 1. */
static _Noreturn void pool_call_failed(struct pool *pool, const char *call)
{
    if (errno == EINTR && interrupt_requested())
        stop(pool);
    die(call);
}

/* get() for a task that must succeed: anything else ends the program. */
static void get_or_die(struct pool *pool, struct pool_async *job, void *result)
{
    if (interrupt_requested()) /* it may have come between two waits */
        stop(pool);
    if (pool_async_get(job, result, POOL_FOREVER) != 0) {
        if (errno == ECANCELED)
            die_msg("%s", pool_async_failure(job)->message);
        pool_call_failed(pool, "pool_async_get");
    }
}

/* ================================================== 1. apply vs apply_async */

struct spin_arg {
    int index;
};
struct spin_result {
    int index;
    long pid;                 /* the worker that ran it */
    double started, finished; /* timing_now() in the worker: one clock */
    double value;
};

static int spin_task(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    struct spin_result *r = result;
    /* every result byte is sent to the parent, padding included: zero it */
    memset(r, 0, sizeof *r);
    r->index = ((const struct spin_arg *)arg)->index;
    r->pid = (long)getpid();
    r->started = timing_now();
    double x = 0.0;
    for (long i = 1; i <= SPIN_STEPS; i++)
        x += 1.0 / ((double)i * (double)i);
    r->value = x;
    r->finished = timing_now();
    return 0;
}

/* The mean time a task took, from its start to its end in the worker. */
static double mean_ms(const struct spin_result *r, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += r[i].finished - r[i].started;
    return sum / n * 1000;
}

/* The most tasks that were running at the same moment. */
static int most_at_once(const struct spin_result *r, int n)
{
    int most = 0;
    for (int i = 0; i < n; i++) {
        int running = 0;
        for (int j = 0; j < n; j++)
            running += r[j].started <= r[i].started && r[i].started < r[j].finished;
        most = running > most ? running : most;
    }
    return most;
}

static double apply_vs_apply_async(struct pool *pool, int workers)
{
    title("apply vs apply_async: the same 8 CPU-bound tasks");
    struct spin_result blocking[SPEED_TASKS], async[SPEED_TASKS];

    /* Python: [pool.apply(spin, (i,)) for i in range(8)]
     * apply submits one task and waits for it: one worker works, the
     * others sit idle, however many there are. */
    double t0 = timing_now();
    for (int i = 0; i < SPEED_TASKS; i++) {
        struct spin_arg a = {i};
        if (pool_apply(pool, spin_task, &a, sizeof a, &blocking[i], sizeof blocking[i]) != 0) {
            if (errno == ECANCELED)
                die_msg("%s", pool_last_failure(pool)->message);
            pool_call_failed(pool, "pool_apply");
        }
    }
    double t_apply = timing_now() - t0;

    /* Python: handles = [pool.apply_async(spin, (i,)) for i in range(8)]
     *         results = [h.get() for h in handles]
     * Submitting returns at once, so all 8 are queued before the first get,
     * and every worker has something to do. */
    struct pool_async *jobs[SPEED_TASKS];
    t0 = timing_now();
    for (int i = 0; i < SPEED_TASKS; i++) {
        struct spin_arg a = {i};
        jobs[i] = submit(pool, spin_task, &a, sizeof a, sizeof async[i], i);
    }
    for (int i = 0; i < SPEED_TASKS; i++) {
        get_or_die(pool, jobs[i], &async[i]);
        pool_async_release(jobs[i]);
    }
    double t_async = timing_now() - t0;

    bool same = true;
    for (int i = 0; i < SPEED_TASKS; i++)
        same = same && blocking[i].index == i && async[i].index == i &&
               blocking[i].value == async[i].value;
    int ideal = workers < cpus_usable() ? workers : cpus_usable();
    ideal = ideal < SPEED_TASKS ? ideal : SPEED_TASKS;
    double speedup = t_apply / t_async;
    say("each task sums 1/i^2 for i up to %ld (-> pi^2/6), %d workers", SPIN_STEPS, workers);
    say("               total     per task   most running at once");
    say("apply        %7.3f s  %6.1f ms   %d", t_apply, mean_ms(blocking, SPEED_TASKS),
        most_at_once(blocking, SPEED_TASKS));
    say("apply_async  %7.3f s  %6.1f ms   %d", t_async, mean_ms(async, SPEED_TASKS),
        most_at_once(async, SPEED_TASKS));
    say("speedup %.2fx (ideal %dx: %d workers, %d usable CPUs)", speedup, ideal, workers,
        cpus_usable());
    say("every task returned %.6f, in both runs: %s", async[0].value, same ? "yes" : "NO");
    return speedup;
}

/* ==================================================== 2. async results */

struct nap_arg {
    int x, ms;
};
struct nap_result {
    int x, square;
    long pid;
    double finished;
};

/* Sleep for ms milliseconds, then square x. Sleeping, not computing, so the
 * durations hold on a loaded machine. */
static int nap_task(const void *arg, void *result, struct pool_task *task)
{
    const struct nap_arg *a = arg;
    if (a->x < 0)
        return pool_task_fail(task, "negative input %d", a->x);
    timing_sleep(a->ms / 1000.0);
    struct nap_result *r = result;
    r->x = a->x;
    r->square = a->x * a->x;
    r->pid = (long)getpid();
    r->finished = timing_now();
    return 0;
}

static bool completion_order(struct pool *pool, int workers)
{
    title("async results: submission order vs completion order");
    /* Task 0 is long; while one worker sleeps through it, the others run
     * the rest, so task 0 must complete last (with 2 or more workers). */
    static const int ms[ORDER_TASKS] = {300, 50, 40, 30, 20, 10};
    struct pool_async *jobs[ORDER_TASKS];
    struct nap_result r[ORDER_TASKS];

    double t0 = timing_now();
    for (int i = 0; i < ORDER_TASKS; i++) {
        struct nap_arg a = {i, ms[i]};
        jobs[i] = submit(pool, nap_task, &a, sizeof a, sizeof r[i], i);
    }
    say("submitted %d tasks (square x after sleeping): ms = 300 50 40 30 20 10", ORDER_TASKS);
    /* Python: [h.get() for h in handles] - results come back in the order
     * we ask for them, whatever order they finished in. */
    for (int i = 0; i < ORDER_TASKS; i++) {
        get_or_die(pool, jobs[i], &r[i]);
        pool_async_release(jobs[i]);
        say("get() task %d: %d^2 = %-3d after %4.0f ms  (worker pid %ld)", i, r[i].x, r[i].square,
            (timing_now() - t0) * 1000, r[i].pid);
    }

    /* Each worker stamped when it finished, on the clock every process
     * shares: sorting by that stamp gives the completion order. */
    int order[ORDER_TASKS];
    for (int i = 0; i < ORDER_TASKS; i++) {
        int place = 0; /* how many finished before task i */
        for (int j = 0; j < ORDER_TASKS; j++)
            place += r[j].finished < r[i].finished || (j < i && r[j].finished == r[i].finished);
        order[place] = i;
    }
    char line[128] = "";
    for (int i = 0; i < ORDER_TASKS; i++)
        snprintf(line + strlen(line), sizeof line - strlen(line), " %d", order[i]);
    say("submission order: 0 1 2 3 4 5");
    say("completion order:%s", line);
    bool matched = true;
    for (int i = 0; i < ORDER_TASKS; i++)
        matched = matched && r[i].x == i && r[i].square == i * i;
    say("every result matches its task: %s", matched ? "yes" : "NO");
    if (workers == 1)
        say("(one worker runs them one after another: try -j 2)");

    title("get with a timeout, ready, wait, successful");
    /* Python: h = pool.apply_async(nap, (7, 200)) */
    struct nap_arg a = {7, 200};
    struct pool_async *job = submit(pool, nap_task, &a, sizeof a, sizeof(struct nap_result), 7);
    say("submitted task 7 (sleeps 200 ms)");
    say("ready() right away: %s", pool_async_ready(job) ? "True" : "False");
    /* Python: h.get(timeout=0.05) raises multiprocessing.TimeoutError */
    struct nap_result one;
    t0 = timing_now();
    if (pool_async_get(job, &one, 0.05) == 0)
        say("get(timeout=0.05): already done (the machine is slow?)");
    else if (errno == ETIMEDOUT)
        say("get(timeout=0.05): timed out after %.3f s (ETIMEDOUT): "
            "the task is still running",
            timing_now() - t0);
    else
        pool_call_failed(pool, "pool_async_get");
    /* Python: h.wait(5); h.ready(); h.successful(); h.get() */
    if (pool_async_wait(job, 5.0) != 0)
        pool_call_failed(pool, "pool_async_wait");
    say("wait(timeout=5) returned after %.3f s; ready(): %s, successful(): %s", timing_now() - t0,
        pool_async_ready(job) ? "True" : "False", pool_async_successful(job) ? "True" : "False");
    get_or_die(pool, job, &one);
    say("get(): %d", one.square);
    pool_async_release(job);

    /* A failing task: ready, but not successful; get() raises. */
    a = (struct nap_arg){-1, 0};
    job = submit(pool, nap_task, &a, sizeof a, sizeof(struct nap_result), 8);
    if (pool_async_wait(job, POOL_FOREVER) != 0)
        pool_call_failed(pool, "pool_async_wait");
    say("task 8 (x = -1): ready(): %s, successful(): %s", pool_async_ready(job) ? "True" : "False",
        pool_async_successful(job) ? "True" : "False");
    if (pool_async_get(job, &one, POOL_FOREVER) == 0 || errno != ECANCELED)
        die_msg("task 8 should have failed");
    say("get() fails: %s", pool_async_failure(job)->message);
    pool_async_release(job);
    return matched;
}

/* ================================================ 3. heterogeneous tasks */

/* Four functions, four argument types, four result types: apply_async
 * takes any of them, because arguments and results travel as bytes. */
struct factor_arg {
    long n;
};
struct factor_result {
    int count;
    long factor[64];
};

static int factorize(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    long n = ((const struct factor_arg *)arg)->n;
    struct factor_result *r = result;
    memset(r, 0, sizeof *r); /* the unused factors are sent too */
    for (long p = 2; p * p <= n; p++)
        for (; n % p == 0; n /= p)
            r->factor[r->count++] = p;
    if (n > 1)
        r->factor[r->count++] = n;
    return 0;
}

struct text_arg {
    char text[80];
};
struct text_result {
    int words, letters, vowels;
};

static int text_stats(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const char *s = ((const struct text_arg *)arg)->text;
    struct text_result *r = result;
    *r = (struct text_result){0};
    bool in_word = false;
    for (; *s; s++) {
        bool letter = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z');
        r->words += letter && !in_word;
        r->letters += letter;
        r->vowels += letter && strchr("aeiouAEIOU", *s) != NULL;
        in_word = letter;
    }
    return 0;
}

struct poly_arg {
    double c[4]; /* c0 + c1 x + c2 x^2 + c3 x^3 */
    double x;
};

static int poly_eval(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const struct poly_arg *a = arg;
    double y = a->c[3]; /* Horner's rule */
    for (int i = 2; i >= 0; i--)
        y = y * a->x + a->c[i];
    *(double *)result = y;
    return 0;
}

static int collatz_steps(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    long n = *(const long *)arg;
    int steps = 0;
    for (; n != 1; steps++)
        n = n % 2 ? 3 * n + 1 : n / 2;
    *(int *)result = steps;
    return 0;
}

static void heterogeneous(struct pool *pool)
{
    title("heterogeneous tasks: different functions and argument types, "
          "one pool");
    struct factor_arg fa = {360360};
    struct text_arg ta = {"the quick brown fox jumps over the lazy dog"};
    struct poly_arg pa = {{1, -3, 0, 2}, 1.5};
    long ca = 27;
    /* Python: four apply_async calls with four different functions. */
    struct pool_async *jf =
        submit(pool, factorize, &fa, sizeof fa, sizeof(struct factor_result), 0);
    struct pool_async *jt = submit(pool, text_stats, &ta, sizeof ta, sizeof(struct text_result), 1);
    struct pool_async *jp = submit(pool, poly_eval, &pa, sizeof pa, sizeof(double), 2);
    struct pool_async *jc = submit(pool, collatz_steps, &ca, sizeof ca, sizeof(int), 3);
    struct factor_result fr;
    struct text_result tr;
    double pr;
    int cr;
    get_or_die(pool, jf, &fr);
    get_or_die(pool, jt, &tr);
    get_or_die(pool, jp, &pr);
    get_or_die(pool, jc, &cr);
    pool_async_release(jf);
    pool_async_release(jt);
    pool_async_release(jp);
    pool_async_release(jc);

    char factors[256] = "";
    for (int i = 0; i < fr.count; i++)
        snprintf(factors + strlen(factors), sizeof factors - strlen(factors), " %ld", fr.factor[i]);
    say("factorize(%ld) ->%s", fa.n, factors);
    say("text_stats(\"%s\") -> %d words, %d letters, %d vowels", ta.text, tr.words, tr.letters,
        tr.vowels);
    say("poly_eval(1 - 3x + 2x^3, x = %g) -> %g", pa.x, pr);
    say("collatz_steps(%ld) -> %d", ca, cr);
}

/* ================================================= 4. data science */

/* The data set: points (x, y) in three overlapping classes, generated from
 * --seed before the pool is created. Python's idiom is a module-level global
 * set before Pool(): with fork, every worker inherits a copy of it, so a
 * task only needs to carry a few numbers (which model, which row), never
 * the data. The rows [0, train) train a model, [train, rows) test it. */
struct point {
    double x, y;
    int label;
};
static struct point data[MAX_ROWS];
static int rows, train;

static void make_data(unsigned long long seed, int n)
{
    static const double centre[CLASSES][2] = {{0, 0}, {3, 1}, {1, 3}};
    const double spread = 2.5;
    struct rng r;
    rng_seed(&r, seed);
    for (int i = 0; i < n; i++) {
        int label = (int)rng_below(&r, CLASSES);
        /* a sum of three uniforms: roughly bell-shaped, and plain
         * arithmetic, so Python can reproduce every bit */
        double nx = rng_uniform(&r);
        nx += rng_uniform(&r);
        nx += rng_uniform(&r);
        double ny = rng_uniform(&r);
        ny += rng_uniform(&r);
        ny += rng_uniform(&r);
        data[i] = (struct point){centre[label][0] + spread * (nx - 1.5),
                                 centre[label][1] + spread * (ny - 1.5), label};
    }
    rows = n;
    train = n * 2 / 3;
}

/* The class with the most votes; a tie goes to the smaller label. */
static int most_votes(const int votes[CLASSES])
{
    int best = 0;
    for (int c = 1; c < CLASSES; c++)
        if (votes[c] > votes[best])
            best = c;
    return best;
}

/* k-nearest neighbours: the majority label among the k rows of [first,
 * end), other than `skip`, nearest to row q (ties in distance: lower row). */
static int knn_predict(int q, int k, int first, int end, int skip)
{
    double best_d[MAX_K];
    int best_i[MAX_K], found = 0;
    k = k < 1 ? 1 : k > MAX_K ? MAX_K : k; /* the arrays hold MAX_K */
    for (int i = first; i < end; i++) {
        if (i == skip)
            continue;
        double dx = data[i].x - data[q].x, dy = data[i].y - data[q].y;
        double d = dx * dx + dy * dy;
        if (found == k && d >= best_d[k - 1])
            continue;
        int j = found < k ? found++ : k - 1;
        for (; j > 0 && best_d[j - 1] > d; j--) {
            best_d[j] = best_d[j - 1];
            best_i[j] = best_i[j - 1];
        }
        best_d[j] = d;
        best_i[j] = i;
    }
    int votes[CLASSES] = {0};
    for (int j = 0; j < found; j++)
        votes[data[best_i[j]].label]++;
    return most_votes(votes);
}

enum algorithm { MAJORITY, CENTROID, KNN, PERCEPTRON };
enum { MODELS = 5 }; /* (a) compares five: k-NN twice, k = 1 and 7 */

struct model_arg {
    int algorithm;
    int k;
};
struct score {
    int correct, tested;
};

/* The shape (a): five models, one task each. */
static const struct model_arg models[MODELS] = {
    {MAJORITY, 0}, {CENTROID, 0}, {KNN, 1}, {KNN, 7}, {PERCEPTRON, 0}};

static void model_name(const struct model_arg *m, char *buf, size_t size)
{
    switch (m->algorithm) {
    case MAJORITY: snprintf(buf, size, "majority class"); break;
    case CENTROID: snprintf(buf, size, "nearest centroid"); break;
    case KNN: snprintf(buf, size, "%d-nearest neighbour%s", m->k, m->k > 1 ? "s" : ""); break;
    default: snprintf(buf, size, "perceptron, %d epochs", PERCEPTRON_EPOCHS);
    }
}

/* Train one model on the training rows and count how many test rows it
 * labels right. One task per model: the shapes (a) and (b). */
static int evaluate(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const struct model_arg *m = arg;
    int count[CLASSES] = {0};
    double sx[CLASSES] = {0}, sy[CLASSES] = {0}, w[CLASSES][3] = {{0}};
    for (int i = 0; i < train; i++) {
        count[data[i].label]++;
        sx[data[i].label] += data[i].x;
        sy[data[i].label] += data[i].y;
    }
    if (m->algorithm == PERCEPTRON) { /* one weight vector per class */
        for (int epoch = 0; epoch < PERCEPTRON_EPOCHS; epoch++)
            for (int i = 0; i < train; i++) {
                const struct point *p = &data[i];
                int guess = 0;
                double top = 0;
                for (int c = 0; c < CLASSES; c++) {
                    double s = w[c][0] * p->x + w[c][1] * p->y + w[c][2];
                    if (c == 0 || s > top)
                        top = s, guess = c;
                }
                if (guess != p->label) {
                    w[p->label][0] += p->x, w[guess][0] -= p->x;
                    w[p->label][1] += p->y, w[guess][1] -= p->y;
                    w[p->label][2] += 1, w[guess][2] -= 1;
                }
            }
    }
    struct score *s = result;
    *s = (struct score){0, rows - train};
    for (int q = train; q < rows; q++) {
        const struct point *p = &data[q];
        int guess = 0;
        if (m->algorithm == MAJORITY) {
            guess = most_votes(count);
        } else if (m->algorithm == CENTROID) {
            double top = -1;
            for (int c = 0; c < CLASSES; c++) {
                if (count[c] == 0)
                    continue;
                double dx = sx[c] / count[c] - p->x;
                double dy = sy[c] / count[c] - p->y;
                double d = dx * dx + dy * dy;
                if (top < 0 || d < top)
                    top = d, guess = c;
            }
        } else if (m->algorithm == KNN) {
            guess = knn_predict(q, m->k, 0, train, -1);
        } else {
            double top = 0;
            for (int c = 0; c < CLASSES; c++) {
                double v = w[c][0] * p->x + w[c][1] * p->y + w[c][2];
                if (c == 0 || v > top)
                    top = v, guess = c;
            }
        }
        s->correct += guess == p->label;
    }
    return 0;
}

/* Leave-one-out: predict row `row` from all the other rows. One task per
 * row: the shape (c). */
struct loo_arg {
    int row, k;
};

static int leave_one_out(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const struct loo_arg *a = arg;
    *(int *)result = knn_predict(a->row, a->k, 0, rows, a->row);
    return 0;
}

/* Python: handles = [pool.apply_async(fn, (a,)) for a in args]
 *         results = [h.get() for h in handles]
 * or, with pool == NULL, the same calls made here, one after another. */
static void run_all(struct pool *pool, pool_task_fn fn, const void *args, size_t arg_size,
                    void *results, size_t result_size, int n)
{
    const unsigned char *a = args;
    unsigned char *r = results;
    if (pool == NULL) {
        for (int i = 0; i < n; i++) {
            struct pool_task task = {.index = (size_t)i};
            if (fn(a + i * arg_size, r + i * result_size, &task) != 0)
                die_msg("sequential task %d failed: %s", i, task.error);
        }
        return;
    }
    struct pool_async **jobs = malloc((size_t)n * sizeof(struct pool_async *));
    if (jobs == NULL)
        die("malloc");
    for (int i = 0; i < n; i++)
        jobs[i] = submit(pool, fn, a + i * arg_size, arg_size, result_size, i);
    for (int i = 0; i < n; i++) {
        get_or_die(pool, jobs[i], r + i * result_size);
        pool_async_release(jobs[i]);
    }
    free(jobs);
}

struct science {
    struct score models[MODELS];
    struct score sweep[SWEEP];
    int best_k;
    int *loo; /* the label predicted for each row */
};

static void run_science(struct pool *pool, struct science *s)
{
    /* (a) several algorithms on one data set */
    run_all(pool, evaluate, models, sizeof models[0], s->models, sizeof s->models[0], MODELS);
    /* (b) one algorithm over a sweep of its parameter */
    struct model_arg sweep[SWEEP];
    for (int i = 0; i < SWEEP; i++)
        sweep[i] = (struct model_arg){KNN, 2 * i + 1};
    run_all(pool, evaluate, sweep, sizeof sweep[0], s->sweep, sizeof s->sweep[0], SWEEP);
    int best = 0;
    for (int i = 1; i < SWEEP; i++)
        if (s->sweep[i].correct > s->sweep[best].correct)
            best = i;
    s->best_k = 2 * best + 1;
    /* (c) leave-one-out cross-validation with that k: one task per row */
    struct loo_arg *loo = malloc((size_t)rows * sizeof *loo);
    if (loo == NULL)
        die("malloc");
    for (int i = 0; i < rows; i++)
        loo[i] = (struct loo_arg){i, s->best_k};
    run_all(pool, leave_one_out, loo, sizeof loo[0], s->loo, sizeof s->loo[0], rows);
    free(loo);
}

static bool data_science(struct pool *pool, unsigned long long seed)
{
    title("data science: three shapes of apply_async work");
    struct science par = {0}, seq = {0};
    par.loo = calloc((size_t)rows, sizeof *par.loo);
    seq.loo = calloc((size_t)rows, sizeof *seq.loo);
    if (par.loo == NULL || seq.loo == NULL)
        die("calloc");
    int per_class[CLASSES] = {0};
    for (int i = 0; i < rows; i++)
        per_class[data[i].label]++;
    say("data set: %d points in %d classes (%d %d %d), seed %llu; "
        "train on %d, test on %d",
        rows, CLASSES, per_class[0], per_class[1], per_class[2], seed, train, rows - train);

    double t0 = timing_now();
    run_science(pool, &par);
    double t_par = timing_now() - t0;
    t0 = timing_now();
    run_science(NULL, &seq);
    double t_seq = timing_now() - t0;

    say("(a) several algorithms, one task each:");
    int best = 0;
    for (int i = 0; i < MODELS; i++) {
        char name[64];
        model_name(&models[i], name, sizeof name);
        say("    %-24s %3d/%d  %5.1f%%", name, par.models[i].correct, par.models[i].tested,
            100.0 * par.models[i].correct / par.models[i].tested);
        if (par.models[i].correct > par.models[best].correct)
            best = i;
    }
    char name[64];
    model_name(&models[best], name, sizeof name);
    say("    best: %s", name);

    say("(b) k-nearest neighbours over a sweep of k, one task per k:");
    for (int i = 0; i < SWEEP; i++)
        say("    k = %-2d %3d/%d  %5.1f%%", 2 * i + 1, par.sweep[i].correct, par.sweep[i].tested,
            100.0 * par.sweep[i].correct / par.sweep[i].tested);
    say("    best: k = %d", par.best_k);

    say("(c) leave-one-out cross-validation of %d-NN, one task per row:", par.best_k);
    int confusion[CLASSES][CLASSES] = {{0}}, right = 0;
    for (int i = 0; i < rows; i++) {
        confusion[data[i].label][par.loo[i]]++;
        right += par.loo[i] == data[i].label;
    }
    say("    true \\ predicted     0    1    2");
    for (int c = 0; c < CLASSES; c++)
        say("    class %d          %4d %4d %4d", c, confusion[c][0], confusion[c][1],
            confusion[c][2]);
    say("    %d/%d right  %5.1f%%", right, rows, 100.0 * right / rows);

    bool same = memcmp(par.models, seq.models, sizeof par.models) == 0 &&
                memcmp(par.sweep, seq.sweep, sizeof par.sweep) == 0 && par.best_k == seq.best_k &&
                memcmp(par.loo, seq.loo, (size_t)rows * sizeof *par.loo) == 0;
    say("the same %d tasks run sequentially in the parent give the same "
        "results: %s",
        MODELS + SWEEP + rows, same ? "yes" : "NO");
    say("time: pool %.3f s, sequential %.3f s (tiny tasks: the pool's "
        "messages cost more than the work)",
        t_par, t_seq);
    free(par.loo);
    free(seq.loo);
    return same;
}

/* ============================================================ 5. errors */

/* Two ints, no padding: every byte sent to the worker is initialised. */
struct division {
    int divisor;
    int crash; /* --crash-task: kill the worker in the middle */
};

static int divide(const void *arg, void *result, struct pool_task *task)
{
    const struct division *d = arg;
    if (d->crash)
        raise(SIGKILL); /* the worker dies here; the parent sees EOF */
    if (d->divisor == 0)
        return pool_task_fail(task, "division by zero (100 / %d)", d->divisor);
    *(int *)result = 100 / d->divisor;
    return 0;
}

static void print_workers(struct pool *pool, const char *when)
{
    char line[256] = "";
    for (int w = 0; w < pool_workers(pool); w++)
        snprintf(line + strlen(line), sizeof line - strlen(line), " %ld",
                 (long)pool_worker_pid(pool, w));
    say("worker pids %s:%s", when, line);
}

static int errors(struct pool *pool, int crash_task)
{
    title("errors: a failing task and a crashed worker");
    print_workers(pool, "before");
    struct pool_async *jobs[ERROR_TASKS];
    for (int i = 0; i < ERROR_TASKS; i++) {
        struct division d = {i - 3, i == crash_task};
        jobs[i] = submit(pool, divide, &d, sizeof d, sizeof(int), i);
    }
    int failed = 0;
    for (int i = 0; i < ERROR_TASKS; i++) {
        int value;
        /* Python: try: h.get() except Exception as e: ... */
        if (pool_async_get(jobs[i], &value, POOL_FOREVER) == 0) {
            say("task %d: 100 / %d = %d", i, i - 3, value);
        } else if (errno == ECANCELED) {
            say("%s", pool_async_failure(jobs[i])->message);
            failed++;
        } else {
            pool_call_failed(pool, "pool_async_get");
        }
        pool_async_release(jobs[i]);
    }
    print_workers(pool, "after ");
    struct pool_stats st;
    pool_get_stats(pool, &st);
    say("pool so far: %lu tasks done, %lu failed; workers: %lu started, "
        "%lu lost and replaced",
        st.tasks_done, st.tasks_failed, st.workers_started, st.workers_lost);
    if (crash_task < 0)
        say("(run with --crash-task K to kill the worker running task K)");
    return failed;
}

/* ======================================================= 6. round trip */

static int trivial(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    *(long *)result = *(const long *)arg + 1;
    return 0;
}

/* Microseconds per apply_async + get of a task that does nothing. */
static double pool_round_trip(struct pool *pool)
{
    double t0 = 0;
    for (long i = -100; i < ROUND_TRIPS; i++) { /* 100 to warm up */
        if (i == 0)
            t0 = timing_now();
        long out;
        struct pool_async *job = submit(pool, trivial, &i, sizeof i, sizeof out, 0);
        get_or_die(pool, job, &out);
        pool_async_release(job);
        if (out != i + 1)
            die_msg("trivial task returned %ld for %ld", out, i);
    }
    return (timing_now() - t0) / ROUND_TRIPS * 1e6;
}

/* Microseconds per round trip of one byte between two processes over two
 * pipes: the floor for any request and answer between processes. */
static double pipe_round_trip(struct pool *pool)
{
    int down[2], up[2];
    if (pipe(down) != 0 || pipe(up) != 0)
        die("pipe");
    fflush(stdout); /* the child must not inherit unwritten output */
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        /* child: echo each byte back until the parent closes its end.
         * Like the pool's workers it ignores Ctrl-C: the parent decides. */
        signal(SIGINT, SIG_IGN);
        close(down[1]);
        close(up[0]);
        char c;
        while (read(down[0], &c, 1) == 1)
            if (write(up[1], &c, 1) != 1)
                _exit(1);
        _exit(0);
    }
    close(down[0]);
    close(up[1]);
    double t0 = 0;
    for (int i = -100; i < ROUND_TRIPS && !interrupt_requested(); i++) {
        if (i == 0)
            t0 = timing_now();
        char c = 'x';
        if (write(down[1], &c, 1) != 1 && errno != EINTR)
            die("write");
        if (read(up[0], &c, 1) != 1 && errno != EINTR)
            die("read");
    }
    double us = (timing_now() - t0) / ROUND_TRIPS * 1e6;
    close(down[1]); /* the child reads end of file and exits */
    int status;
    while (waitpid(pid, &status, 0) != pid)
        if (errno != EINTR) /* a signal may come now too: wait on */
            die("waitpid");
    close(up[0]);
    if (interrupt_requested())
        stop(pool);
    char how[64];
    if (wait_exitcode(status) != 0)
        die_msg("ping-pong child %s", wait_describe(status, how, sizeof how));
    say("ping-pong child %ld %s, reaped", (long)pid, wait_describe(status, how, sizeof how));
    return us;
}

/* ================================================================ main */

static void usage(const char *prog)
{
    printf("Usage: %s [-j N] [-n ROWS] [--seed S] [-q] [--crash-task K]\n"
           "Pool.apply against Pool.apply_async: speedup, async results,\n"
           "heterogeneous tasks, data-science shapes, errors, round trip.\n"
           "\n"
           "  -j, --workers N    pool size (default: usable CPUs, here %d)\n"
           "  -n ROWS            rows of the generated data set "
           "(default %d, %d to %d)\n"
           "      --seed S       seed of the data set (default 1)\n"
           "  -q, --quiet        print only the summary line\n"
           "      --crash-task K the worker running error task K (0 to %d)\n"
           "                     dies of SIGKILL; the program then exits 1\n"
           "  -h, --help         this text\n",
           prog, cpus_for_pool(), DEFAULT_ROWS, MIN_ROWS, MAX_ROWS, ERROR_TASKS - 1);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int workers = cpus_for_pool();
    int n = DEFAULT_ROWS;
    int crash_task = -1;
    unsigned long long seed = 1;
    enum { OPT_SEED = 256, OPT_CRASH };
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"seed", required_argument, NULL, OPT_SEED},
        {"quiet", no_argument, NULL, 'q'},
        {"crash-task", required_argument, NULL, OPT_CRASH},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* we report bad options ourselves, on one line */
    int opt;
    while ((opt = getopt_long(argc, argv, ":j:n:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j': workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': n = (int)cli_parse_int("-n", optarg, MIN_ROWS, MAX_ROWS); break;
        case OPT_SEED:
            seed = (unsigned long long)cli_parse_int("--seed", optarg, 0, LLONG_MAX);
            break;
        case OPT_CRASH:
            crash_task = (int)cli_parse_int("--crash-task", optarg, 0, ERROR_TASKS - 1);
            break;
        case 'q': quiet = true; break;
        case 'h': usage(report_program()); return 0;
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);

    /* The data exists before the pool, so every worker inherits it. */
    make_data(seed, n);
    /* Ctrl-C and kill set a flag; waiting pool calls return EINTR. */
    interrupt_install();
    /* Python: pool = Pool(processes=workers) */
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    say("a pool of %d workers", workers);

    double speedup = apply_vs_apply_async(pool, workers);
    bool ordered = completion_order(pool, workers);
    heterogeneous(pool);
    bool same = data_science(pool, seed);
    int failed = errors(pool, crash_task);

    title("round trip: one trivial apply_async + get vs a bare pipe");
    double pool_us = pool_round_trip(pool);
    double pipe_us = pipe_round_trip(pool);
    say("apply_async + get: %6.1f us per task (mean of %d)", pool_us, ROUND_TRIPS);
    say("pipe ping-pong   : %6.1f us per round trip (mean of %d)", pipe_us, ROUND_TRIPS);
    say("ratio %.1fx (target: within 3x)", pool_us / pipe_us);

    struct pool_stats st;
    pool_get_stats(pool, &st);
    /* Python: pool.close(); pool.join() */
    pool_close(pool);
    if (pool_join(pool) != 0)
        pool_call_failed(pool, "pool_join");
    pool_destroy(pool);

    bool ok = same && ordered && st.workers_lost == 0;
    if (!quiet)
        putchar('\n');
    printf("[parent %ld] summary: speedup %.2fx with %d workers; data science "
           "equals sequential: %s; %d of %d error tasks failed, %lu worker%s "
           "lost; round trip %.1f us (pipe %.1f us, %.1fx)\n",
           (long)getpid(), speedup, workers, same ? "yes" : "no", failed, ERROR_TASKS,
           st.workers_lost, st.workers_lost == 1 ? "" : "s", pool_us, pipe_us, pool_us / pipe_us);
    return ok ? 0 : 1;
}
