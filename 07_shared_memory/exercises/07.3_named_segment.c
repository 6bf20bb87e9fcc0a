/* SPDX-License-Identifier: MIT */
/*
 * 07.3_named_segment.c - exercise: shared memory with a name, found by an
 * unrelated process (this program run afresh, --reader NAME), and removed on
 * every way out. Python: SharedMemory(name=..., create=True, size=...), then
 * SharedMemory(name=...) in the other process; shm.unlink() in a finally:.
 * Usage: 07.3_named_segment [-n N] [--hold-ms MS]
 * You will see the name in /dev/shm, the reader's sum of 1..N, the name gone
 * (--hold-ms: time to look at /dev/shm, or to press Ctrl-C).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "interrupt.h"
#include "opts.h"
#include "report.h"
#include "team.h"
#include "timing.h"
#include "waitstatus.h"

/* Values only, never pointers: the reader maps it at an address of its own. */
struct numbers {
    long count, answer, reader_pid; /* how many numbers; the reader's sum; who wrote it */
    long value[];                   /* count numbers */
};

/* Create the NEW segment `name` of `size` bytes and map it, shared,
 * readable and writable. On error: die("the call"). */
static struct numbers *segment_create(const char *name, size_t size)
{
#ifdef SOLUTION
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600); /* O_EXCL: a name in use fails */
    if (fd < 0)
        die("shm_open");
    if (ftruncate(fd, (off_t)size) != 0) { /* a new segment is 0 bytes long */
        shm_unlink(name);                  /* do not leave a half-made name behind */
        die("ftruncate");
    }
    struct numbers *seg = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (seg == MAP_FAILED) {
        shm_unlink(name);
        die("mmap");
    }
    if (close(fd) != 0) /* the mapping keeps the memory; the fd is done */
        die("close");
    return seg;
#else
    /* TODO 1: this stub maps ANONYMOUS memory (team.h), which a forked child
     * would share but the exec'd reader cannot find: it has only the name.
     * shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600), ftruncate(fd, size) (a
     * new segment is 0 bytes long), mmap(NULL, size, PROT_READ | PROT_WRITE,
     * MAP_SHARED, fd, 0), close(fd). Check each call; if one after shm_open
     * fails, shm_unlink the name before die(). */
    (void)name;
    return team_map_shared(size);
#endif
}

/* In the reader: open the existing segment `name`, map all of it, put its
 * size in *size. NULL with errno set if it cannot (the caller reports it). */
static struct numbers *segment_open(const char *name, size_t *size)
{
#ifdef SOLUTION
    int fd = shm_open(name, O_RDWR, 0); /* SharedMemory(name=...) */
    if (fd < 0)
        return NULL;
    struct stat st; /* the creator chose the size: ask the kernel */
    struct numbers *seg = MAP_FAILED;
    if (fstat(fd, &st) == 0) {
        *size = (size_t)st.st_size;
        seg = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    }
    int saved = errno; /* close() must not hide why fstat or mmap failed */
    close(fd);
    errno = saved;
    return seg == MAP_FAILED ? NULL : seg;
#else
    /* TODO 2: shm_open the name (O_RDWR, no O_CREAT), learn its size with
     * fstat() (st_size), map that many bytes shared, close the descriptor,
     * set *size, return the mapping. On failure return NULL with errno set
     * (close the descriptor first, keeping errno). This stub finds nothing. */
    (void)name, (void)size;
    errno = ENOENT;
    return NULL;
#endif
}

/* Remove the name: the memory goes once nobody maps it any more. */
static void segment_remove(const char *name)
{
#ifdef SOLUTION
    /* SharedMemory.unlink(): munmap alone would leave it in /dev/shm until reboot. */
    if (shm_unlink(name) != 0)
        warn_errno("shm_unlink");
#else
    /* TODO 3: shm_unlink the name (on failure warn_errno: this runs on the way out). */
    (void)name;
#endif
}

/* Ctrl-C or kill arrived (interrupt.h's handler only set a flag): clean
 * up, then die of that same signal. */
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
    /* TODO 4: the name would stay in /dev/shm forever (ls /dev/shm after Ctrl-C). */
    (void)name;
#endif
    interrupt_exit();
}

/* The re-executed reader: knows the name, nothing else. */
static int run_reader(const char *name)
{
    size_t size = 0;
    struct numbers *seg = segment_open(name, &size);
    if (seg == NULL) {
        fprintf(stderr, "%s: reader: cannot open %s: %s\n", report_program(), name,
                strerror(errno));
        return 1;
    }
    if (size < sizeof *seg || (size - sizeof *seg) / sizeof seg->value[0] < (size_t)seg->count)
        die_msg("reader: %s is %zu bytes, too small", name, size);
    for (long i = 0; i < seg->count; i++) /* answer was 0, as all of a new segment */
        seg->answer += seg->value[i];
    seg->reader_pid = (long)getpid();
    printf("[reader %ld] opened %s by name: %zu bytes, %ld numbers, sum %ld\n", (long)getpid(),
           name, size, seg->count, seg->answer);
    if (munmap(seg, size) != 0)
        die("munmap");
    return 0;
}

/* Keep the segment `ms` ms first, in slices, so that a signal ends the wait soon. */
static void hold(long parent, long long ms)
{
    if (ms > 0)
        printf("[parent %ld] holding it for %lld ms (look: ls /dev/shm)\n", parent, ms);
    fflush(stdout);
    for (double end = timing_now() + (double)ms / 1000;
         !interrupt_requested() && timing_now() < end;)
        if (nanosleep(&(struct timespec){.tv_nsec = 20000000}, NULL) != 0 && errno != EINTR)
            die("nanosleep");
}

/* Fork + exec this program afresh as the reader (so it inherits no mapping)
 * and reap it; a signal meanwhile stops it, cleans up and dies. */
static int run_reader_process(const char *name, struct numbers *seg, size_t size, pid_t *pid)
{
    fflush(stdout); /* or the child would print our buffer again */
    if ((*pid = fork()) < 0)
        die("fork");
    if (*pid == 0) {
        execl("/proc/self/exe", report_program(), "--reader", name, (char *)NULL);
        fprintf(stderr, "%s: execl /proc/self/exe: %s\n", report_program(), strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(*pid, &status, 0) < 0) {
        if (errno != EINTR)
            die("waitpid");
        if (interrupt_requested())
            kill(*pid, SIGKILL); /* the reader goes too; reaped on the next turn */
    }
    if (interrupt_requested())
        die_of_signal(name, seg, size);
    return status;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    if (argc == 3 && strcmp(argv[1], "--reader") == 0) /* run afresh by the parent */
        return run_reader(argv[2]);
    long long n = 1000, hold_ms = 0;
    const struct flag flags[] = {
        {'n', NULL, "N", "numbers in the segment (default 1000)", FLAG_COUNT, 1, 1000000, &n},
        {0, "hold-ms", "MS", "keep the segment MS ms before the reader starts", FLAG_INT, 0, 600000,
         &hold_ms},
        {0},
    };
    opts_parse(
        argc, argv, "[-n N] [--hold-ms MS]",
        "Exercise 07.3: named shared memory, opened by an unrelated process, always removed.",
        flags);
    long parent = (long)getpid();
    char name[64], path[96];
    snprintf(name, sizeof name, "/forklore-ex073-%ld", parent); /* the pid keeps runs apart */
    snprintf(path, sizeof path, "/dev/shm%s", name);
    size_t size = sizeof(struct numbers) + (size_t)n * sizeof(long);
    interrupt_install(); /* Ctrl-C, kill: a flag; we clean up ourselves */
    struct numbers *seg = segment_create(name, size);
    printf("[parent %ld] created %s, %zu bytes; %s %s\n", parent, name, size, path,
           access(path, F_OK) == 0 ? "exists" : "does NOT exist");
    seg->count = (long)n;
    for (long i = 0; i < (long)n; i++)
        seg->value[i] = i + 1;
    printf("[parent %ld] wrote the numbers 1..%lld\n", parent, n);
    hold(parent, hold_ms);
    if (interrupt_requested())
        die_of_signal(name, seg, size);
    pid_t pid;
    int status = run_reader_process(name, seg, size, &pid);
    char text[64];
    long expected = (long)(n * (n + 1) / 2);
    bool ok = wait_exitcode(status) == 0 && seg->answer == expected && seg->reader_pid == (long)pid;
    printf(
        "[parent %ld] reader (pid %ld) %s; its answer in the segment: %ld (1 + ... + %lld = %ld: "
        "%s)\n",
        parent, (long)pid, wait_describe(status, text, sizeof text), seg->answer, n, expected,
        ok ? "right" : "WRONG");
    if (munmap(seg, size) != 0)
        die("munmap");
    segment_remove(name);
    bool gone = access(path, F_OK) != 0;
    printf("[parent %ld] removed the name: %s %s\n", parent, path,
           gone ? "is gone" : "is STILL THERE");
    return ok && gone ? 0 : 1;
}
