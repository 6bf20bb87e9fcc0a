/* SPDX-License-Identifier: MIT */
/*
 * 5_heterogeneous.c - one pool, four different functions with four
 * different argument and result types: apply_async takes any of them,
 * because what travels is a function address (valid in the worker: fork
 * copied the whole program) plus the bytes of the argument, and back the
 * bytes of the result.
 *
 * Python: pool.apply_async(factorize, (360360,))
 *         pool.apply_async(text_stats, ("the quick brown fox ...",)) ...
 * Usage: 5_heterogeneous  (a pool of 2 workers)
 * Look for: each result printed with its own type.
 */
#include <string.h>

#include "async_steps.h"
#include "opts.h"

/* Never put a pointer in an argument or result: it would point into the
 * other process's memory. Arrays inside the struct travel whole. */
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
    get_or_stop(pool, jf, &fr);
    get_or_stop(pool, jt, &tr);
    get_or_stop(pool, jp, &pr);
    get_or_stop(pool, jc, &cr);

    char factors[256] = "";
    for (int i = 0; i < fr.count; i++)
        snprintf(factors + strlen(factors), sizeof factors - strlen(factors), " %ld", fr.factor[i]);
    say("factorize(%ld) ->%s", fa.n, factors);
    say("text_stats(\"%s\") -> %d words, %d letters, %d vowels", ta.text, tr.words, tr.letters,
        tr.vowels);
    say("poly_eval(1 - 3x + 2x^3, x = %g) -> %g", pa.x, pr);
    say("collatz_steps(%ld) -> %d", ca, cr);
}

int main(int argc, char **argv)
{
    opts_parse(argc, argv, "", "One pool, four functions with four argument and result types.",
               (const struct flag[]){OPTS_END_EXITS("", OPTS_EXITS_INTERRUPT)});
    interrupt_install();
    struct pool *pool = pool_create(&(struct pool_options){.workers = 2});
    if (pool == NULL)
        die("pool_create");
    heterogeneous(pool);
    pool_close(pool);
    if (pool_join(pool) != 0)
        pool_call_failed(pool, "pool_join");
    pool_destroy(pool);
    return 0;
}
