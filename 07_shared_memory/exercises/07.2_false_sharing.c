/* SPDX-License-Identifier: MIT */
/*
 * 07.2_false_sharing.c - exercise: workers that share nothing, yet slow each
 * other down because their slots share a cache line; fix the layout.
 *
 * Usage: 07.2_false_sharing [-j N] [-n N]
 *
 * Each worker walks its own n numbers and keeps a count and a sum in its
 * own slot of a shared array; the parent adds the slots up. The program
 * runs the work with a packed reference layout (16-byte slots, four to a
 * 64-byte line) and with YOUR struct slot, 3 times each, and keeps the best
 * time of each. It prints where each of
 * your slots lies (which cache lines), whether any two workers share a
 * line, both times, and checks both totals. Exit status 0 when the totals
 * are right and no two slots share a line.
 *
 * Python has no counterpart you could measure: the interpreter's own work
 * per update hides the cache line. In C (and in NumPy) it is real.
 */
/* _GNU_SOURCE: sched_setaffinity and CPU_* (pinning the workers to
 * different CPUs, so that false sharing shows) are Linux extensions. */
#define _GNU_SOURCE

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "pool.h"
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

#define CACHE_LINE 64 /* bytes: the unit in which cores own memory */

/* The reference layout: what one writes without thinking. */
struct packed_slot {
    long count;
    long sum;
};

#ifdef SOLUTION
/* alignas on the first member aligns the whole struct to a line, and
 * sizeof rounds up to a multiple of the alignment: in an array, every
 * slot starts a line of its own and fills it. */
struct slot {
    alignas(CACHE_LINE) long count;
    long sum;
};
#else
/* TODO: workers 0..3 each write only their own slot, but four 16-byte
 * slots fit in one 64-byte cache line, and a core must own the WHOLE line
 * to write any byte of it: the line bounces between the cores on every
 * update. Change struct slot so that, in an array, each slot starts on a
 * CACHE_LINE boundary and no two slots share a line (<stdalign.h>:
 * alignas(CACHE_LINE) on the first member; or pad the struct to a full
 * line). Keep the two fields and their names. */
struct slot {
    long count;
    long sum;
};
#endif

_Static_assert(offsetof(struct slot, sum) > offsetof(struct slot, count),
               "struct slot needs count, then sum");

/* ------------------------------------------------------------ the work */

/* Memory shared with the workers forked after this call. */
static void *shared_alloc(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        die("mmap");
    return p;
}

/* Pin the calling worker to the worker-th usable CPU, so that two workers
 * really run at once on two cores (nothing to do with one CPU). */
static void pin_to_cpu(int worker)
{
    cpu_set_t usable;
    CPU_ZERO(&usable);
    if (sched_getaffinity(0, sizeof usable, &usable) != 0)
        die("sched_getaffinity");
    int count = CPU_COUNT(&usable);
    if (count < 2)
        return;
    int want = worker % count;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &usable) || want-- > 0)
            continue;
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        if (sched_setaffinity(0, sizeof one, &one) != 0)
            die("sched_setaffinity");
        return;
    }
}

/* Worker w adds up its numbers w*n .. (w+1)*n - 1 in ITS slot. The slot is
 * volatile so that every update is a real store, as when the compiler
 * cannot keep a value in a register (it goes through a pointer, another
 * process reads it, ...): the situation in which false sharing bites. */
static void work(volatile long *count, volatile long *sum, int w, long n)
{
    for (long x = (long)w * n; x < (long)(w + 1) * n; x++) {
        *count += 1;
        *sum += x;
    }
}

/* Fork the workers, let them start together (a gate: end-of-file on a
 * pipe), reap them by pid. `slots` is the array, `size` one slot's size. */
static double run(void *slots, size_t size, int workers, long n)
{
    int gate[2];
    if (pipe(gate) != 0)
        die("pipe");
    pid_t *pids = calloc((size_t)workers, sizeof *pids);
    if (pids == NULL)
        die("calloc");
    for (int w = 0; w < workers; w++) {
        fflush(stdout); /* or the child would print our buffer again */
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            char byte;
            free(pids);              /* the child's copy of the list: not needed here */
            if (close(gate[1]) != 0) /* our copy would keep the gate shut */
                die("close");
            pin_to_cpu(w);
            if (read(gate[0], &byte, 1) < 0)
                die("read");
            /* count is the first field of either struct; sum sits at
             * offsetof(..., sum), the same 8 bytes further in both */
            char *mine = (char *)slots + (size_t)w * size;
            work((volatile long *)mine, (volatile long *)(mine + offsetof(struct slot, sum)), w, n);
            _exit(0);
        }
        pids[w] = pid;
    }
    double t0 = timing_now();
    if (close(gate[0]) != 0 || close(gate[1]) != 0) /* open the gate */
        die("close");
    for (int w = 0; w < workers; w++) {
        int status;
        while (waitpid(pids[w], &status, 0) < 0)
            if (errno != EINTR)
                die("waitpid");
        if (wait_exitcode(status) != 0) {
            char text[64];
            die_msg("worker %d %s", w, wait_describe(status, text, sizeof text));
        }
    }
    free(pids);
    return timing_now() - t0;
}

/* Add the slots up; true when the totals are what the numbers give. */
static bool totals_right(const void *slots, size_t size, int workers, long n)
{
    long count = 0, sum = 0;
    for (int w = 0; w < workers; w++) {
        const char *s = (const char *)slots + (size_t)w * size;
        count += *(const long *)s;
        sum += *(const long *)(s + offsetof(struct slot, sum));
    }
    long all = (long)workers * n; /* numbers 0 .. all - 1 */
    return count == all && sum == all * (all - 1) / 2;
}

static void usage(void)
{
    printf("Usage: %s [-j N] [-n N]\n"
           "Exercise 07.2: per-worker slots, packed against one cache line "
           "each.\n\n"
           "  -j, --workers N  worker processes (default: usable CPUs, at "
           "least 2; max %d)\n"
           "  -n N             numbers per worker (default 10M; K, M "
           "accepted)\n"
           "  -h, --help       this text\n",
           report_program(), pool_max_workers());
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int workers = cpus_usable() < 2 ? 2 : cpus_usable();
    long long n = 10000000;
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* getopt's complaints are reported on one line, below */
    int opt;
    while ((opt = getopt_long(argc, argv, ":j:n:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j': workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': n = cli_parse_count("-n", optarg, 1, 100000000); break;
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
    printf("[parent %ld] %d workers each count and sum %lld numbers in their "
           "own slot\n",
           parent, workers, n);

    /* Where your slots land. mmap returns a page-aligned address, so the
     * byte offset from the start tells the cache line. */
    printf("[parent %ld] your struct slot: %zu bytes, aligned to %zu\n", parent,
           sizeof(struct slot), alignof(struct slot));
    bool shared_line = false;
    for (int w = 0; w < workers; w++) {
        size_t first = (size_t)w * sizeof(struct slot);
        size_t last = first + sizeof(struct slot) - 1;
        if (w < 8)
            printf("[parent %ld] slot %d: bytes %zu..%zu, cache line%s %zu%s\n", parent, w, first,
                   last, first / CACHE_LINE == last / CACHE_LINE ? "" : "s", first / CACHE_LINE,
                   first / CACHE_LINE == last / CACHE_LINE ? "" : "..");
        /* does slot w start on the line where slot w-1 ended? */
        if (w > 0 && (first - 1) / CACHE_LINE == first / CACHE_LINE)
            shared_line = true;
    }
    printf("[parent %ld] a cache line shared by two workers' slots: %s\n", parent,
           shared_line ? "YES (false sharing)" : "none");

    size_t packed_bytes = (size_t)workers * sizeof(struct packed_slot);
    size_t your_bytes = (size_t)workers * sizeof(struct slot);
    struct packed_slot *packed = shared_alloc(packed_bytes);
    struct slot *yours = shared_alloc(your_bytes);
    /* Best of 3 rounds, the layouts alternating, so that a burst of load
     * from elsewhere on the machine spoils one round, not one layout. */
    double packed_s = 0, your_s = 0;
    bool packed_ok = true, your_ok = true;
    for (int round = 0; round < 3; round++) {
        memset(packed, 0, packed_bytes);
        double t = run(packed, sizeof *packed, workers, (long)n);
        packed_s = round == 0 || t < packed_s ? t : packed_s;
        packed_ok &= totals_right(packed, sizeof *packed, workers, (long)n);
        memset(yours, 0, your_bytes);
        t = run(yours, sizeof *yours, workers, (long)n);
        your_s = round == 0 || t < your_s ? t : your_s;
        your_ok &= totals_right(yours, sizeof *yours, workers, (long)n);
    }
    printf("[parent %ld] best of 3 runs each:\n", parent);
    printf("[parent %ld] packed 16-byte slots: totals %s, %.3f s\n", parent,
           packed_ok ? "right" : "WRONG", packed_s);
    printf("[parent %ld] your slots:           totals %s, %.3f s "
           "(packed/yours = %.1fx)\n",
           parent, your_ok ? "right" : "WRONG", your_s, your_s > 0 ? packed_s / your_s : 0);
    if (munmap(packed, packed_bytes) != 0 || munmap(yours, your_bytes) != 0)
        die("munmap");
    return packed_ok && your_ok && !shared_line ? 0 : 1;
}
