/* SPDX-License-Identifier: MIT */
/*
 * 07.2_false_sharing.c - exercise: workers that share nothing, yet slow each
 * other down because their slots share a cache line; fix the layout.
 *
 * Python has no counterpart you could measure: the interpreter's own work
 * per update hides the cache line. In C (and in NumPy) it is real.
 * Usage: 07.2_false_sharing [-j N] [-n N]
 * You will see which cache lines your slots lie on, whether two workers share one,
 * the best of 3 times with a packed layout and with yours, and which is faster (or
 * too close to call). Exit 0 when the totals are right and no two slots share a line.
 */
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "interrupt.h"
#include "report.h"
#include "opts.h"
#include "team.h"
#include "verdict.h"

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
/* TODO: workers 0..3 each write only their own slot, but four 16-byte slots fit in one
 * 64-byte cache line, and a core must own the WHOLE line to write any byte of it: the line
 * bounces between the cores on every update. Change struct slot so that, in an array, each
 * slot starts on a CACHE_LINE boundary and no two slots share a line (<stdalign.h>:
 * alignas(CACHE_LINE) on the first member; or pad the struct to a full line). Keep the two
 * fields and their names. */
struct slot {
    long count;
    long sum;
};
#endif

_Static_assert(offsetof(struct slot, sum) > offsetof(struct slot, count),
               "struct slot needs count, then sum");

struct layout { /* the shared array of slots, one slot's size, and n */
    char *slots;
    size_t size;
    long n;
    double best; /* the best time so far */
    bool right;  /* every run's totals right so far */
};

/* Worker w adds up its numbers w*n .. (w+1)*n - 1 in ITS slot. volatile: every
 * update is a real store, as when the compiler cannot keep a value in a
 * register (another process reads it, ...), where false sharing bites. */
static void work(int w, void *udata)
{
    const struct layout *l = udata;
    /* count comes first in either struct, sum the same 8 bytes further in */
    volatile long *count = (volatile long *)(l->slots + (size_t)w * l->size);
    volatile long *sum = (volatile long *)((char *)count + offsetof(struct slot, sum));
    for (long x = (long)w * l->n; x < (long)(w + 1) * l->n; x++) {
        *count += 1;
        *sum += x;
    }
}

/* Round `round`: zero the slots, run the workers (together, pinned to
 * CPUs), add the slots up; keep the best time and whether all were right. */
static void run(struct layout *l, int workers, int round)
{
    memset(l->slots, 0, (size_t)workers * l->size);
    struct team team;
    team_start(&team, workers, work, l, true);
    double seconds = team_join(&team);
    long count = 0, sum = 0, all = (long)workers * l->n; /* numbers 0 .. all - 1 */
    for (int w = 0; w < workers; w++) {
        const char *s = l->slots + (size_t)w * l->size;
        count += *(const long *)s;
        sum += *(const long *)(s + offsetof(struct slot, sum));
    }
    l->right = (round == 0 || l->right) && count == all && sum == all * (all - 1) / 2;
    l->best = round == 0 || seconds < l->best ? seconds : l->best;
}

/* Where your slots land (mmap gives a page: offset / 64 is the line); true if two share one. */
static bool print_layout(long parent, int workers)
{
    printf("[parent %ld] your struct slot: %zu bytes, aligned to %zu\n", parent,
           sizeof(struct slot), alignof(struct slot));
    bool shared_line = false;
    for (int w = 0; w < workers; w++) {
        size_t first = (size_t)w * sizeof(struct slot);
        size_t last = first + sizeof(struct slot) - 1;
        bool one = first / CACHE_LINE == last / CACHE_LINE;
        if (w < 8)
            printf("[parent %ld] slot %d: bytes %zu..%zu, cache line%s %zu%s\n", parent, w, first,
                   last, one ? "" : "s", first / CACHE_LINE, one ? "" : "..");
        if (w > 0 && (first - 1) / CACHE_LINE == first / CACHE_LINE) /* w-1 ends on it */
            shared_line = true;
    }
    printf("[parent %ld] a cache line shared by two workers' slots: %s\n", parent,
           shared_line ? "YES (false sharing)" : "none");
    return shared_line;
}

int main(int argc, char **argv)
{
    long long workers = cpus_usable() < 2 ? 2 : cpus_usable(), n = 10000000;
    const struct flag flags[] = {
        {'j', FLAG_INT, "workers", "N", "worker processes (default: usable CPUs, at least 2)", 1,
         team_max_workers(), &workers},
        {'n', FLAG_COUNT, NULL, "N", "numbers per worker (default 10M; K, M accepted)", 1,
         100000000, &n},
        OPTS_END_EXITS("-j 2 -n 1M", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, "[-j N] [-n N]",
               "Exercise 07.2: per-worker slots, packed against one cache line each.", flags);
    interrupt_install(); /* Ctrl-C: stop and reap the workers, then die of it */
    long parent = (long)getpid();
    int w = (int)workers; /* -j, at most team_max_workers() */
    printf("[parent %ld] %d workers each count and sum %lld numbers in their own slot\n", parent, w,
           n);
    bool shared_line = print_layout(parent, w);

    size_t packed_size = sizeof(struct packed_slot), your_size = sizeof(struct slot);
    struct layout packed = {.slots = team_map_shared(w * packed_size), .size = packed_size, .n = n};
    struct layout yours = {.slots = team_map_shared(w * your_size), .size = your_size, .n = n};
    /* Best of 3, the layouts alternating: a burst of load spoils a round, not a layout. */
    for (int round = 0; round < 3; round++) {
        run(&packed, w, round);
        run(&yours, w, round);
    }
    printf("[parent %ld] best of 3 runs each:\n", parent);
    printf("[parent %ld] packed 16-byte slots: totals %s, %.3f s\n", parent,
           packed.right ? "right" : "WRONG", packed.best);
    printf("[parent %ld] your slots:           totals %s, %.3f s (packed/yours = %.1fx)\n", parent,
           yours.right ? "right" : "WRONG", yours.best,
           yours.best > 0 ? packed.best / yours.best : 0);
    printf("[parent %ld] your slots against packed: %s\n", parent,
           verdict_compare(packed.best, yours.best, "yours are faster", "yours are slower"));
    team_print_busy(); /* the note that a busy machine makes these times unreliable */
    team_unmap(packed.slots, (size_t)w * packed.size);
    team_unmap(yours.slots, (size_t)w * yours.size);
    return packed.right && yours.right && !shared_line ? 0 : 1;
}
