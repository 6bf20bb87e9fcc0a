/* SPDX-License-Identifier: MIT */
/*
 * 07.4_cleanup_on_signal.c - exercise: a named segment outlives the program
 * that made it unless that program removes the name, and Ctrl-C or kill must
 * not skip the removal. Python: shm.unlink() in a finally: (Ctrl-C raises
 * KeyboardInterrupt, so the finally: runs; SIGTERM kills without it, unless
 * a handler turns it into an exception).
 * Usage: 07.4_cleanup_on_signal [-n N] [--hold-ms MS]
 * You will see the name in /dev/shm, the numbers added up, the name gone;
 * with --hold-ms, press Ctrl-C (or kill it) while it holds the segment.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "interrupt.h"
#include "opts.h"
#include "report.h"
#include "waitstatus.h"

#include "named_segment.h"

/* Values only, never pointers: another process may map it elsewhere. */
struct numbers {
    long count;   /* how many numbers */
    long value[]; /* count numbers */
};

/* Remove the name: the memory goes once nobody maps it any more. */
static void segment_remove(const char *name)
{
    if (shm_unlink(name) != 0) /* SharedMemory.unlink(); munmap alone leaves the name */
        warn_errno("shm_unlink");
}

/* Ctrl-C, kill or a closed terminal arrived (interrupt.h's handler only set
 * a flag: a handler may call almost nothing safely): clean up, then die of
 * that same signal, so that the shell sees status 130, 143 or 129. */
static _Noreturn void die_of_signal(const char *name, struct numbers *seg, size_t size)
{
    char signame[32];
    signal_name(interrupt_signal(), signame, sizeof signame);
    printf("[parent %ld] %s: cleaning up, then dying of it\n", (long)getpid(), signame);
    fflush(stdout);
    munmap(seg, size);
#ifdef SOLUTION
    segment_remove(name); /* the name would outlive us otherwise */
#else
    /* TODO: dying of the signal ends the program here, and the name is still
     * in /dev/shm, where it stays until someone removes it or the machine
     * reboots (ls /dev/shm after a Ctrl-C). Remove it before dying. */
    (void)name;
#endif
    interrupt_exit();
}

/* Keep the segment `ms` ms, or until a signal: the self-pipe of interrupt.h
 * wakes poll() at once. Then, if a signal came, clean up and die of it. */
static void hold(const char *name, struct numbers *seg, size_t size, long long ms)
{
    if (ms > 0) {
        printf("[parent %ld] holding it for %lld ms (look: ls /dev/shm; or press Ctrl-C)\n",
               (long)getpid(), ms);
        fflush(stdout);
        struct pollfd wake = {.fd = interrupt_fd(), .events = POLLIN};
        if (poll(&wake, 1, (int)ms) < 0 && errno != EINTR)
            die("poll");
    }
    if (interrupt_requested())
        die_of_signal(name, seg, size);
}

int main(int argc, char **argv)
{
    long long n = 1000, hold_ms = 0;
    const struct flag flags[] = {
        {'n', FLAG_COUNT, NULL, "N", "numbers in the segment (default 1000)", 1, 1000000, &n},
        {0, FLAG_INT, "hold-ms", "MS", "keep the segment MS ms before adding up", 0, 600000,
         &hold_ms},
        OPTS_END_EXITS("-n 100 --hold-ms 5000", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, "[-n N] [--hold-ms MS]",
               "Exercise 07.4: a named segment, removed on Ctrl-C and kill too.", flags);
    long parent = (long)getpid();
    char name[64], path[96];
    snprintf(name, sizeof name, "/forklore-ex074-%ld", parent); /* the pid keeps runs apart */
    snprintf(path, sizeof path, "/dev/shm%s", name);
    size_t size = sizeof(struct numbers) + (size_t)n * sizeof(long);
    interrupt_install(); /* Ctrl-C, kill: a flag; we clean up ourselves */
    struct numbers *seg = named_segment_create(name, size); /* exercise 07.3 */
    printf("[parent %ld] created %s, %zu bytes; %s %s\n", parent, name, size, path,
           access(path, F_OK) == 0 ? "exists" : "does NOT exist");
    seg->count = (long)n;
    for (long i = 0; i < (long)n; i++)
        seg->value[i] = i + 1;
    printf("[parent %ld] wrote the numbers 1..%lld\n", parent, n);
    hold(name, seg, size, hold_ms);
    long sum = 0, expected = (long)(n * (n + 1) / 2);
    for (long i = 0; i < seg->count; i++)
        sum += seg->value[i];
    printf("[parent %ld] the numbers add up to %ld (1 + ... + %lld = %ld: %s)\n", parent, sum, n,
           expected, sum == expected ? "right" : "WRONG");
    if (munmap(seg, size) != 0)
        die("munmap");
    segment_remove(name);
    bool gone = access(path, F_OK) != 0;
    printf("[parent %ld] removed the name: %s %s\n", parent, path,
           gone ? "is gone" : "is STILL THERE");
    return sum == expected && gone ? 0 : 1;
}
