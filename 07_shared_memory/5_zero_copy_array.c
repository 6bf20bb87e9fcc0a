/* SPDX-License-Identifier: MIT */
/*
 * 5_zero_copy_array.c - workers fill disjoint slices of one big array,
 * straight into shared memory (nothing copied), against sending the same
 * slices back through pipes (copied into the kernel and out again).
 * Python: RawArray('Q', n), worker w writes a[lo:hi]; against Pipe().send_bytes
 * Usage: 5_zero_copy_array [-j N] [--array-mib M] [-q]
 * Look for: every element correct both ways; the times (best of 3 runs).
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cpus.h"
#include "interrupt.h"
#include "opts.h"
#include "report.h"
#include "team.h"
#include "verdict.h"

#define RUNS         3
#define ELEMENT(i)   (3 * (uint64_t)(i) + 1) /* what slot i must hold */
#define EDGE(job, w) ((job)->length * (size_t)(w) / (size_t)(job)->workers) /* slice w's start */

struct job {
    size_t length; /* elements */
    int workers;
    uint64_t *array; /* the shared array, or the parent's private one */
    bool piped;      /* false: zero-copy; true: worker w writes pipes[w][1] */
    int pipes[TEAM_MAX][2];
    bool all_correct;
};

/* Zero-copy: write the parent's pages. Piped: write() a buffer, copied twice. */
static void fill(int w, void *udata)
{
    struct job *job = udata;
    size_t lo = EDGE(job, w), hi = EDGE(job, w + 1);
    for (size_t i = lo; !job->piped && i < hi; i++)
        job->array[i] = ELEMENT(i);
    uint64_t buffer[8192];
    for (size_t start = lo; job->piped && start < hi; start += 8192) {
        size_t count = hi - start < 8192 ? hi - start : 8192;
        for (size_t i = 0; i < count; i++)
            buffer[i] = ELEMENT(start + i);
        team_write_all(job->pipes[w][1], buffer, count * sizeof *buffer);
    }
}

/* Zero or check every element, and look at the Ctrl-C flag now and then. */
static size_t sweep(struct job *job, int check)
{
    size_t wrong = 0;
    for (size_t i = 0; i < job->length; i++) {
        if (i % (2 << 20) == 0 && interrupt_requested())
            team_die_of_signal();
        if (check)
            wrong += job->array[i] != ELEMENT(i);
        else
            job->array[i] = 0; /* which also makes the kernel allocate the page now */
    }
    return wrong;
}

/* Read each worker's slice into its place, one pipe after another (the
 * parent's copying is the bottleneck: a worker waiting on its pipe costs little). */
static void collect(struct team *team, struct job *job)
{
    for (int w = 0; w < job->workers; w++) {
        char *at = (char *)(job->array + EDGE(job, w));
        char *end = (char *)(job->array + EDGE(job, w + 1));
        while (at < end) {
            ssize_t n = read(job->pipes[w][0], at, (size_t)(end - at));
            if ((n < 0 && errno == EINTR) || n == 0) {
                if (interrupt_requested()) /* n == 0: the worker got it too */
                    team_abort(team);
                if (n == 0)
                    die_msg("worker %d sent %zd bytes too few", w, end - at);
            } else if (n < 0) {
                die("read");
            }
            at += n > 0 ? n : 0;
        }
        if (close(job->pipes[w][0]) != 0)
            die("close");
    }
}

/* One timed run (for verdict_best_of): from the gate to the last worker. */
static double run_once(void *udata)
{
    struct job *job = udata;
    sweep(job, 0); /* the pages exist before the clock starts */
    for (int w = 0; job->piped && w < job->workers; w++)
        if (pipe(job->pipes[w]) != 0)
            die("pipe");
    struct team team;
    team_start(&team, job->workers, fill, job, false);
    for (int w = 0; job->piped && w < job->workers; w++)
        if (close(job->pipes[w][1]) != 0)
            die("close");
    if (job->piped)
        collect(&team, job);
    double seconds = team_join(&team);
    job->all_correct &= sweep(job, 1) == 0;
    return seconds;
}

static double timed(struct job *job, bool piped, const char *label)
{
    job->piped = piped;
    job->all_correct = true;
    double best = verdict_best_of(RUNS, run_once, job);
    printf("[parent %ld] %s%zu of %zu elements correct, %.3f s (best of %d)\n", (long)getpid(),
           label, job->all_correct ? job->length : 0, job->length, best, RUNS);
    return best;
}

int main(int argc, char **argv)
{
    long long workers = cpus_for_pool() < 2 ? 2 : cpus_for_pool(), mib = 32;
    bool quiet = false;
    const struct flag flags[] = {
        {'j', FLAG_INT, "workers", "N", "worker processes (default: usable CPUs, at least 2)", 1,
         team_max_workers(), &workers},
        {0, FLAG_COUNT, "array-mib", "M", "size of the array in MiB (default 32)", 1, 4096, &mib},
        FLAG_QUIET(&quiet, "results only, no explanations"),
        OPTS_END_EXITS("-j 2 --array-mib 256\n-q", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL,
               "Workers fill one array in shared memory, against sending it through pipes.", flags);
    interrupt_install();
    size_t bytes = (size_t)mib << 20;
    struct job job = {.workers = (int)workers, .length = bytes / sizeof(uint64_t)};
    long me = (long)getpid();
    printf("[parent %ld] %d workers fill disjoint slices of a %lld MiB array (%zu elements)\n", me,
           job.workers, mib, job.length);
    job.array = team_map_shared(bytes); /* RawArray: mapped BEFORE the fork */
    double shared_s = timed(&job, false, "shared (MAP_SHARED, zero-copy): ");
    bool ok = job.all_correct;
    team_unmap(job.array, bytes);
    if ((job.array = malloc(bytes)) == NULL) /* the pipes' destination: private */
        die("malloc");
    double pipe_s = timed(&job, true, "sent back through pipes (copied):  ");
    ok &= job.all_correct;
    free(job.array);
    printf("[parent %ld] shared memory against pipes: %s\n", me,
           verdict_compare(pipe_s, shared_s, "shared memory is faster", "shared memory is slower"));
    team_print_busy(); /* a busy machine makes any timing unreliable */
    if (!quiet)
        printf("[parent %ld]   through a pipe each byte is copied into the kernel and out\n"
               "[parent %ld]   again; in shared memory the workers write the parent's pages.\n",
               me, me);
    return ok ? 0 : 1;
}
