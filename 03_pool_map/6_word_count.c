/* SPDX-License-Identifier: MIT */
/*
 * 6_word_count.c - map, then reduce: count the words of F generated files in
 * the workers (one file per task), add the counts up in the parent.
 *
 *     counts = pool.map(count_file, paths, chunksize=1)   # the map
 *     total = sum(counts, Counter())                      # the reduce
 *
 * Usage: 6_word_count [-j N] [--files F] [--seed S]
 * Look for: each file's counts and which worker counted it; the totals equal
 * a serial count in the parent. A task gets a file *name* (bytes), never a
 * pointer. Ctrl-C or SIGTERM: the workers are stopped and the temporary
 * files removed before the program dies of the signal. The files and the
 * counting itself are in texts.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "interrupt.h"
#include "opts.h"
#include "pool.h"
#include "report.h"
#include "texts.h"

struct wc_result {
    struct counts c;
    long worker; /* who counted this file (a long: no padding bytes to send) */
};

/* The map's task, in a worker: count one file. */
static int count_task(const void *arg, void *result, struct pool_task *task)
{
    const struct path *p = arg;
    struct wc_result *r = result;
    if (texts_count(p->name, &r->c) != 0)
        return pool_task_fail(task, "%s: %s", p->name, strerror(errno));
    r->worker = (long)task->worker;
    return 0;
}

/* The reduce, in the parent. */
static void add_counts(struct counts *total, const struct counts *one)
{
    total->lines += one->lines, total->words += one->words, total->bytes += one->bytes;
    for (size_t v = 0; v < VOCABULARY; v++)
        total->word[v] += one->word[v];
}

/* What to undo if the program stops early. */
static struct pool *pool;
static struct texts texts;

/* Ctrl-C, SIGTERM (why == NULL) or a failed map: stop the workers, remove
 * the files, then die of the signal (as Python's KeyboardInterrupt and a
 * finally: would) or exit 1. */
static _Noreturn void stop(const char *why)
{
    if (why != NULL)
        fprintf(stderr, "%s: map failed: %s\n", report_program(), why);
    pool_destroy(pool); /* terminate: SIGTERM, reap every worker */
    texts_remove(&texts);
    fflush(stdout);
    if (why == NULL)
        interrupt_exit();
    exit(EXIT_FAILURE);
}

/* The map: one file per task, counted in the workers. */
static void map_files(int workers, struct wc_result *results)
{
    fflush(stdout);
    pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    if (pool_map(pool, count_task, texts.paths, (size_t)texts.files, sizeof *texts.paths, results,
                 sizeof *results, &(struct pool_map_options){.chunksize = 1}) != 0)
        stop(errno == EINTR && interrupt_requested() ? NULL : pool_last_failure(pool)->message);
    pool_close(pool);
    while (pool_join(pool) != 0) {
        if (errno != EINTR)
            die("pool_join");
        if (interrupt_requested())
            stop(NULL);
    }
}

/* The totals and the three most frequent words (ties: the earlier word). */
static void print_totals(int files, const struct counts *t)
{
    printf("totals: %d files, %ld lines, %ld words, %ld bytes\ntop words:", files, t->lines,
           t->words, t->bytes);
    bool used[VOCABULARY] = {false};
    for (int k = 0; k < 3; k++) {
        size_t best = VOCABULARY;
        for (size_t v = 0; v < VOCABULARY; v++)
            if (!used[v] && (best == VOCABULARY || t->word[v] > t->word[best]))
                best = v;
        used[best] = true;
        printf("%s %s %ld", k ? "," : "", vocabulary[best], t->word[best]);
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long workers = cpus_for_pool(), files = 8, seed = 1;
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "worker processes (default: usable CPUs)"),
        {0, FLAG_INT, "files", "F", "text files to generate and count (default 8)", 1, 10000,
         &files},
        {0, FLAG_INT, "seed", "S", "seed of the generated text (default 1)", 0, INT64_MAX, &seed},
        OPTS_END_EXITS("-j 2 --files 100\n--seed 7", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, "[-j N] [--files F] [--seed S]",
               "Map, then reduce: a word count over generated files.", flags);
    interrupt_install(); /* Ctrl-C, SIGTERM: a flag; the pool's waits return EINTR */
    long me = (long)getpid();
    texts.files = (int)files;
    texts_write(&texts, (uint64_t)seed);
    if (interrupt_requested())
        stop(NULL);
    printf("[parent %ld] wrote %d files to a temporary directory:\n[parent %ld]   %s\n", me,
           texts.files, me, texts.dir);
    struct wc_result *results = calloc((size_t)files, sizeof *results);
    if (results == NULL)
        die("calloc");
    map_files((int)workers, results);
    struct counts total = {0}, serial = {0}, one;
    for (int i = 0; i < texts.files; i++) {
        if (interrupt_requested()) /* the serial check is long too: Ctrl-C ends it */
            stop(NULL);
        printf("  %s: %5ld lines %6ld words %7ld bytes  (worker %ld)\n",
               strrchr(texts.paths[i].name, '/') + 1, results[i].c.lines, results[i].c.words,
               results[i].c.bytes, results[i].worker);
        add_counts(&total, &results[i].c); /* the reduce */
        if (texts_count(texts.paths[i].name, &one) != 0)
            die("read");
        add_counts(&serial, &one); /* the check: the same count, serially */
    }
    print_totals(texts.files, &total);
    bool agree = memcmp(&total, &serial, sizeof total) == 0;
    printf("[parent %ld] a serial count in the parent agrees: %s\n", me, agree ? "yes" : "NO");
    pool_destroy(pool);
    texts_remove(&texts);
    printf("[parent %ld] removed the temporary directory\n", me);
    free(results);
    if (interrupt_requested()) /* Ctrl-C came after the last check: still die of it */
        interrupt_exit();
    return agree ? 0 : 1;
}
