/* SPDX-License-Identifier: MIT */
/*
 * 8_round_trip.c - what one task costs: a trivial apply_async + get, timed,
 * next to the cheapest possible conversation between two processes, one
 * byte back and forth through two pipes. Best of 3 runs of 2000 each.
 *
 * Python: for i in range(2000): pool.apply_async(trivial, (i,)).get()
 * Usage: 8_round_trip [-j N] [-q]
 * Look for: microseconds per round trip through the pool and through a bare
 * pipe, their ratio, and a verdict that says only what those times show.
 */
#include <signal.h>
#include <sys/wait.h>

#include "async_steps.h"
#include "opts.h"
#include "timing.h"

enum { ROUND_TRIPS = 2000, RUNS = 3 };

static int trivial(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    *(long *)result = *(const long *)arg + 1;
    return 0;
}

/* Microseconds per apply_async + get of a task that does nothing. */
static double pool_round_trip(void *udata)
{
    struct pool *pool = udata;
    double t0 = 0;
    for (long i = -100; i < ROUND_TRIPS; i++) { /* 100 to warm up */
        if (i == 0)
            t0 = timing_now();
        long out;
        get_or_stop(pool, submit(pool, trivial, &i, sizeof i, sizeof out, 0), &out);
        if (out != i + 1)
            die_msg("trivial task returned %ld for %ld", out, i);
    }
    return (timing_now() - t0) / ROUND_TRIPS * 1e6;
}

struct ping_pong {
    int down, up; /* the parent writes down, reads up */
};

/* Microseconds per one-byte round trip through the echoing child. */
static double pipe_round_trip(void *udata)
{
    struct ping_pong *p = udata;
    double t0 = 0;
    for (int i = -100; i < ROUND_TRIPS && !interrupt_requested(); i++) {
        if (i == 0)
            t0 = timing_now();
        char c = 'x';
        if (write(p->down, &c, 1) != 1 && errno != EINTR)
            die("write");
        if (read(p->up, &c, 1) != 1 && errno != EINTR)
            die("read");
    }
    return (timing_now() - t0) / ROUND_TRIPS * 1e6;
}

/* Fork a child that echoes each byte back, time RUNS runs, reap it. */
static double pipe_best(struct pool *pool)
{
    int down[2], up[2];
    if (pipe(down) != 0 || pipe(up) != 0)
        die("pipe");
    fflush(stdout); /* the child must not inherit unwritten output */
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) { /* child: like the pool's workers, it ignores Ctrl-C */
        signal(SIGINT, SIG_IGN);
        close(down[1]);
        close(up[0]);
        char c;
        while (read(down[0], &c, 1) == 1)
            if (write(up[1], &c, 1) != 1)
                _exit(1);
        _exit(0); /* end of file: the parent closed its end */
    }
    close(down[0]);
    close(up[1]);
    double us = verdict_best_of(RUNS, pipe_round_trip, &(struct ping_pong){down[1], up[0]});
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

int main(int argc, char **argv)
{
    long long j = cpus_for_pool();
    const struct flag flags[] = {
        FLAG_WORKERS(&j, "pool size (default: usable CPUs)"),
        FLAG_QUIET(&quiet, "print only the summary line"),
        OPTS_END_EXITS("-j 1\n-q", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "one trivial apply_async + get against a bare pipe.", flags);
    int workers = (int)j;
    interrupt_install();
    struct pool *pool = pool_create(&(struct pool_options){.workers = workers});
    if (pool == NULL)
        die("pool_create");
    double pool_us = verdict_best_of(RUNS, pool_round_trip, pool);
    double pipe_us = pipe_best(pool);
    say("apply_async + get: %6.1f us per task (best of %d runs of %d)", pool_us, RUNS, ROUND_TRIPS);
    say("pipe ping-pong   : %6.1f us per round trip (best of %d runs of %d)", pipe_us, RUNS,
        ROUND_TRIPS);
    const char *verdict = verdict_compare(pipe_us, pool_us, "the pool is cheaper than the pipe",
                                          "the pool costs more than the bare pipe");
    say("ratio %.1fx: %s", pool_us / pipe_us, verdict);
    say_busy();
    pool_close(pool);
    if (pool_join(pool) != 0)
        pool_call_failed(pool, "pool_join");
    pool_destroy(pool);
    printf("[parent %ld] summary: round trip %.1f us (pipe %.1f us, %.1fx, best of %d): %s\n",
           (long)getpid(), pool_us, pipe_us, pool_us / pipe_us, RUNS, verdict);
    return 0;
}
