/* SPDX-License-Identifier: MIT */
/*
 * 6_data_science.c - three shapes of apply_async work on one data set: (a) several
 * algorithms, one task each; (b) one algorithm over a sweep of its parameter, one task per
 * value; (c) leave-one-out cross-validation, one task per row. The same tasks run
 * sequentially in the parent must give the same results; both ways are timed, best of 3.
 *
 * Python: handles = [pool.apply_async(evaluate, m) for m in MODELS]
 *         scores = [h.get() for h in handles]
 * Usage: 6_data_science [-j N] [-n ROWS] [--seed S] [-q]
 * Look for: the tables (they depend on --seed and -n, never on -j), "the
 * same ... results: yes", and the pool against sequential times.
 */

#include "async_steps.h"
#include "opts.h"
#include "classify.h"
#include "timing.h"

enum { DEFAULT_ROWS = 120, SWEEP = (MAX_K + 1) / 2, RUNS = 3 };
static const struct model_arg models[MODELS] = {
    {MAJORITY, 0}, {CENTROID, 0}, {KNN, 1}, {KNN, 7}, {PERCEPTRON, 0}};

struct science {
    struct pool *pool; /* the workers (stopped on Ctrl-C in a sequential run too) */
    bool sequential;   /* the same calls, made here one after another */
    struct score models[MODELS], sweep[SWEEP];
    int best_k;
    int *loo; /* the label predicted for each row */
};

/* Python: handles = [pool.apply_async(fn, a) for a in args]
 *         results = [h.get() for h in handles]                          */
static void run_all(const struct science *s, pool_task_fn fn, const void *args, size_t arg_size,
                    void *results, size_t result_size, int n)
{
    const unsigned char *a = args;
    unsigned char *r = results;
    struct pool_async **jobs = malloc((size_t)n * sizeof(struct pool_async *));
    if (jobs == NULL)
        die("malloc");
    for (int i = 0; i < n; i++) {
        struct pool_task task = {.index = (size_t)i};
        if (interrupt_requested()) /* Ctrl-C, kill: seen between two tasks, either way */
            stop(s->pool);
        if (!s->sequential)
            jobs[i] = submit(s->pool, fn, a + i * arg_size, arg_size, result_size, i);
        else if (fn(a + i * arg_size, r + i * result_size, &task) != 0)
            die_msg("sequential task %d failed: %s", i, task.error);
    }
    for (int i = 0; !s->sequential && i < n; i++)
        get_or_stop(s->pool, jobs[i], r + i * result_size);
    free(jobs);
}

/* The three shapes, one after another: (c) uses the k that (b) found. */
static double run_science(void *udata)
{
    struct science *s = udata;
    double t0 = timing_now();
    run_all(s, evaluate, models, sizeof models[0], s->models, sizeof s->models[0], MODELS);
    struct model_arg sweep[SWEEP];
    for (int i = 0; i < SWEEP; i++)
        sweep[i] = (struct model_arg){KNN, 2 * i + 1};
    run_all(s, evaluate, sweep, sizeof sweep[0], s->sweep, sizeof s->sweep[0], SWEEP);
    int best = 0; /* a tie goes to the smaller k */
    for (int i = 1; i < SWEEP; i++)
        best = s->sweep[i].correct > s->sweep[best].correct ? i : best;
    s->best_k = 2 * best + 1;
    struct loo_arg *loo = malloc((size_t)rows * sizeof *loo);
    if (loo == NULL)
        die("malloc");
    for (int i = 0; i < rows; i++)
        loo[i] = (struct loo_arg){i, s->best_k};
    run_all(s, leave_one_out, loo, sizeof loo[0], s->loo, sizeof s->loo[0], rows);
    free(loo);
    return timing_now() - t0;
}

static void print_science(const struct science *s)
{
    say("(a) several algorithms, one task each:");
    int best = 0;
    char name[64];
    for (int i = 0; i < MODELS; i++) {
        model_name(&models[i], name, sizeof name);
        say("    %-24s %3d/%d  %5.1f%%", name, s->models[i].correct, s->models[i].tested,
            100.0 * s->models[i].correct / s->models[i].tested);
        best = s->models[i].correct > s->models[best].correct ? i : best;
    }
    model_name(&models[best], name, sizeof name);
    say("    best: %s", name);
    say("(b) k-nearest neighbours over a sweep of k, one task per k:");
    for (int i = 0; i < SWEEP; i++)
        say("    k = %-2d %3d/%d  %5.1f%%", 2 * i + 1, s->sweep[i].correct, s->sweep[i].tested,
            100.0 * s->sweep[i].correct / s->sweep[i].tested);
    say("    best: k = %d", s->best_k);
    say("(c) leave-one-out cross-validation of %d-NN, one task per row:", s->best_k);
    int confusion[CLASSES][CLASSES] = {{0}}, right = 0;
    for (int i = 0; i < rows; i++) {
        confusion[data[i].label][s->loo[i]]++;
        right += s->loo[i] == data[i].label;
    }
    say("    true \\ predicted     0    1    2");
    for (int c = 0; c < CLASSES; c++)
        say("    class %d          %4d %4d %4d", c, confusion[c][0], confusion[c][1],
            confusion[c][2]);
    say("    %d/%d right  %5.1f%%", right, rows, 100.0 * right / rows);
}

int main(int argc, char **argv)
{
    long long j = cpus_for_pool(), r = DEFAULT_ROWS, s = 1;
    const struct flag flags[] = {
        FLAG_WORKERS(&j, "pool size (default: usable CPUs)"),
        {'n', FLAG_INT, NULL, "ROWS", "rows (default 120, 45 to 20000)", MIN_ROWS, MAX_ROWS, &r},
        {0, FLAG_INT, "seed", "S", "seed of the data set (default 1)", 0, LLONG_MAX, &s},
        FLAG_QUIET(&quiet, "print only the summary line"),
        OPTS_END_EXITS("-j 2 -n 10000\n-q --seed 7", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "three shapes of apply_async work on a generated data.", flags);
    make_data((unsigned long long)s, (int)r); /* before the pool: every worker inherits it */
    interrupt_install();
    struct pool *pool = pool_create(&(struct pool_options){.workers = (int)j});
    if (pool == NULL)
        die("pool_create");
    struct science par = {.pool = pool}, seq = {.pool = pool, .sequential = true};
    par.loo = calloc((size_t)rows, sizeof *par.loo);
    seq.loo = calloc((size_t)rows, sizeof *seq.loo);
    if (par.loo == NULL || seq.loo == NULL)
        die("calloc");
    int per_class[CLASSES] = {0};
    for (int i = 0; i < rows; i++)
        per_class[data[i].label]++;
    say("data set: %d points in %d classes (%d %d %d), seed %lld; train on %d, test on %d", rows,
        CLASSES, per_class[0], per_class[1], per_class[2], s, train, rows - train);
    double t_par = verdict_best_of(RUNS, run_science, &par);
    double t_seq = verdict_best_of(RUNS, run_science, &seq);
    print_science(&par);
    bool same = memcmp(par.models, seq.models, sizeof par.models) == 0 &&
                memcmp(par.sweep, seq.sweep, sizeof par.sweep) == 0 && par.best_k == seq.best_k &&
                memcmp(par.loo, seq.loo, (size_t)rows * sizeof *par.loo) == 0;
    say("the same %d tasks run sequentially in the parent give the same results: %s",
        MODELS + SWEEP + rows, same ? "yes" : "NO");
    const char *verdict = verdict_compare(t_seq, t_par, "the pool is faster", "the pool is slower");
    say("time: pool %.4f s, sequential %.4f s (best of %d): %s", t_par, t_seq, RUNS, verdict);
    say_busy();
    pool_close(pool);
    if (pool_join(pool) != 0)
        pool_call_failed(pool, "pool_join");
    pool_destroy(pool);
    printf("[parent %ld] summary: %d rows, %d workers; equals sequential: %s; pool %.4f s, "
           "sequential %.4f s (best of %d): %s\n",
           (long)getpid(), rows, (int)j, same ? "yes" : "no", t_par, t_seq, RUNS, verdict);
    free(par.loo), free(seq.loo);
    return same ? 0 : 1;
}
