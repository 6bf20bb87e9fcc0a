/* SPDX-License-Identifier: MIT */
/*
 * async_steps.h - what the library steps of chapter 05 share (read with step
 * 2): the command line, a tagged print, submit-or-die, and a get() that turns
 * Ctrl-C or kill into a clean stop:
 *     struct pool_async *h = submit(pool, fn, &arg, sizeof arg, sizeof r, i);
 *     get_or_stop(pool, h, &r);   // Python: r = h.get()
 */
#ifndef FORKLORE_ASYNC_STEPS_H
#define FORKLORE_ASYNC_STEPS_H

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "interrupt.h"
#include "pool.h"
#include "report.h"
#include "verdict.h"
#include "waitstatus.h"

static bool quiet; /* -q: only the summary line */

/* Every line the parent prints says who printed it. */
__attribute__((format(printf, 1, 2))) static inline void say(const char *fmt, ...)
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

/* The chapter's command line: a step lists the options it takes in `accepts`
 * ('j' -j N, 'n' -n ROWS, 's' --seed S, 'q' -q, 'c' --crash-task K) and sets
 * their defaults; -h/--help is always there. Bad input: usage_error, exit 2. */
struct step_options {
    const char *accepts, *about; /* about: one line for --help */
    int workers, rows, min_rows, max_rows, crash_task, max_crash;
    unsigned long long seed;
};

static inline _Noreturn void step_help(const struct step_options *o)
{
#define TAKES(c) (strchr(o->accepts, c) != NULL)
    printf("Usage: %s%s%s%s%s%s\n%s\n", report_program(), TAKES('j') ? " [-j N]" : "",
           TAKES('n') ? " [-n ROWS]" : "", TAKES('s') ? " [--seed S]" : "",
           TAKES('q') ? " [-q]" : "", TAKES('c') ? " [--crash-task K]" : "", o->about);
    if (TAKES('j'))
        printf("  -j, --workers N    pool size (default: usable CPUs, here %d)\n", cpus_for_pool());
    if (TAKES('n'))
        printf("  -n ROWS            rows of the data set (default %d, %d to %d)\n", o->rows,
               o->min_rows, o->max_rows);
    if (TAKES('s'))
        printf("      --seed S       seed of the data set (default %llu)\n", o->seed);
    if (TAKES('q'))
        printf("  -q, --quiet        print only the summary line\n");
    if (TAKES('c'))
        printf("      --crash-task K the worker running task K (0 to %d) dies of\n"
               "                     SIGKILL; the program then exits 1\n",
               o->max_crash);
    printf("  -h, --help         this text\n");
    exit(0);
#undef TAKES
}

static inline void parse_options(int argc, char **argv, struct step_options *o)
{
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'}, {"seed", required_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},         {"crash-task", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    static const char *const names[] = {
        ['j'] = "-j", ['n'] = "-n", ['s'] = "--seed", ['q'] = "-q", ['c'] = "--crash-task"};
    opterr = 0; /* bad options are reported here, on one line */
    for (int opt; (opt = getopt_long(argc, argv, ":j:n:qh", longopts, NULL)) != -1;) {
        if (strchr("jnsqc", opt) != NULL && strchr(o->accepts, opt) == NULL)
            usage_error("unknown option '%s'", names[opt]);
        switch (opt) {
        case 'j': o->workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': o->rows = (int)cli_parse_int("-n", optarg, o->min_rows, o->max_rows); break;
        case 's': o->seed = cli_parse_int(names[opt], optarg, 0, LLONG_MAX); break;
        case 'q': quiet = true; break;
        case 'c': o->crash_task = (int)cli_parse_int(names[opt], optarg, 0, o->max_crash); break;
        case 'h': step_help(o);
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
}

/* After a timed section: "this machine is busy (load ...)", or nothing. */
static inline void say_busy(void)
{
    char prefix[40];
    snprintf(prefix, sizeof prefix, "[parent %ld] ", (long)getpid());
    if (!quiet)
        verdict_print_busy(stdout, prefix);
}

/* h = pool.apply_async(fn, (arg,)); it fails only on a closed pool or out of memory. */
static inline struct pool_async *submit(struct pool *pool, pool_task_fn fn, const void *arg,
                                        size_t arg_size, size_t result_size, size_t index)
{
    struct pool_apply_options options = {.index = index};
    struct pool_async *job = pool_apply_async(pool, fn, arg, arg_size, result_size, &options);
    if (job == NULL)
        die("pool_apply_async");
    return job;
}

/* Ctrl-C or kill: interrupt.h's handler set a flag, the waiting pool call returned
 * EINTR. Stop and reap the workers (Python: pool.terminate() as the with-block exits
 * on KeyboardInterrupt), then die of the same signal, as the shell expects. */
static inline _Noreturn void stop(struct pool *pool)
{
    char name[32];
    say("stopped by %s: terminating and reaping the workers",
        signal_name(interrupt_signal(), name, sizeof name));
    fflush(stdout);
    pool_terminate(pool);
    pool_destroy(pool);
    interrupt_exit();
}

/* A pool call failed: a signal is a request to stop; anything else, die. */
static inline _Noreturn void pool_call_failed(struct pool *pool, const char *call)
{
    if (errno == EINTR && interrupt_requested())
        stop(pool);
    die(call);
}

/* get() for a task that must succeed, then release the handle. */
static inline void get_or_stop(struct pool *pool, struct pool_async *job, void *result)
{
    if (interrupt_requested()) /* it may have come between two waits */
        stop(pool);
    if (pool_async_get(job, result, POOL_FOREVER) != 0) {
        if (errno == ECANCELED)
            die_msg("%s", pool_async_failure(job)->message);
        pool_call_failed(pool, "pool_async_get");
    }
    pool_async_release(job);
}

#endif
