/* SPDX-License-Identifier: MIT */
/*
 * 07.3_named_segment.c - exercise: shared memory with a name, found by an
 * unrelated process (this program run afresh, --reader NAME), then removed.
 * Python: SharedMemory(name=..., create=True, size=...), then
 * SharedMemory(name=...) in the other process; shm.unlink() at the end.
 * Usage: 07.3_named_segment [-n N]
 * You will see the name in /dev/shm, the reader's sum of 1..N, the name gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opts.h"
#include "report.h"
#include "team.h"
#include "waitstatus.h"

#ifdef SOLUTION
#include "named_segment.h"
#endif

extern char **environ; /* the reader gets our environment */

/* Values only, never pointers: the reader maps it at an address of its own. */
struct numbers {
    long count, answer, reader_pid; /* how many numbers; the reader's sum; who wrote it */
    long value[];                   /* count numbers */
};

/* Create the NEW segment `name`, `size` bytes, and map it shared; die() on error. */
static struct numbers *segment_create(const char *name, size_t size)
{
#ifdef SOLUTION
    return named_segment_create(name, size); /* named_segment.h: 07.4 is given it */
#else
    /* TODO 1: this stub maps ANONYMOUS memory: a forked child would share it, the exec'd
     * reader cannot find it. shm_open (O_CREAT | O_EXCL | O_RDWR, 0600), ftruncate to size,
     * mmap MAP_SHARED, close the fd; if a call after shm_open fails, shm_unlink, then die(). */
    (void)name;
    return team_map_shared(size);
#endif
}

/* In the reader: map all of the existing segment `name`, its size in *size; NULL + errno if not. */
static struct numbers *segment_open(const char *name, size_t *size)
{
#ifdef SOLUTION
    int fd = shm_open(name, O_RDWR, 0); /* SharedMemory(name=...) */
    struct stat st;                     /* the creator chose the size: ask the kernel */
    if (fd < 0 || fstat(fd, &st) != 0)
        return NULL; /* (the reader then exits: its descriptor goes with it) */
    *size = (size_t)st.st_size;
    struct numbers *seg = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (seg == MAP_FAILED)
        return NULL; /* errno from mmap */
    close(fd);       /* the mapping keeps the memory */
    return seg;
#else
    /* TODO 2: shm_open the name (O_RDWR, no O_CREAT), fstat() it for its size, map that many
     * bytes shared, close the fd, set *size; NULL with errno on failure. This finds nothing. */
    (void)name, (void)size;
    errno = ENOENT;
    return NULL;
#endif
}

/* The re-executed reader: knows the name, nothing else. */
static int run_reader(const char *name)
{
    size_t size = 0;
    struct numbers *seg = segment_open(name, &size);
    if (seg == NULL)
        die_msg("reader: cannot open %s: %s", name, strerror(errno));
    if (size < sizeof *seg || (size - sizeof *seg) / sizeof seg->value[0] < (size_t)seg->count)
        die_msg("reader: %s is %zu bytes, too small", name, size);
    for (long i = 0; i < seg->count; i++) /* answer was 0, as all of a new segment */
        seg->answer += seg->value[i];
    seg->reader_pid = (long)getpid();
    printf("[reader %ld] opened %s by name: %zu bytes, %ld numbers, sum %ld\n", (long)getpid(),
           name, size, seg->count, seg->answer);
    return 0; /* exit unmaps it */
}

/* Start this program afresh as the reader (fork + exec, here in one call:
 * it inherits no mapping, only the name); reap it; is its answer right? */
static bool run_reader_process(long parent, const char *name, const struct numbers *seg)
{
    char *args[] = {(char *)report_program(), "--reader", (char *)name, NULL};
    pid_t pid;
    fflush(stdout); /* our lines first, then the reader's */
    int status = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, args, environ);
    if (status != 0)
        die_code("posix_spawn", status);
    if (waitpid(pid, &status, 0) < 0)
        die("waitpid");
    char text[64];
    long n = seg->count, expected = n * (n + 1) / 2;
    bool ok = wait_exitcode(status) == 0 && seg->answer == expected && seg->reader_pid == pid;
    printf("[parent %ld] reader (pid %ld) %s; its answer in the segment: %ld (1 + ... + %ld = %ld: "
           "%s)\n",
           parent, (long)pid, wait_describe(status, text, sizeof text), seg->answer, n, expected,
           ok ? "right" : "WRONG");
    return ok;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--reader") == 0) /* run afresh by the parent */
        return run_reader(argv[2]);
    long long n = 1000;
    const struct flag flags[] = {
        {'n', FLAG_COUNT, NULL, "N", "numbers (default 1000)", 1, 1000000, &n}, OPTS_END("-n 100")};
    opts_parse(argc, argv, "[-n N]", "Exercise 07.3: a named segment, found by name.", flags);
    long parent = (long)getpid();
    char name[64], path[96];
    snprintf(name, sizeof name, "/forklore-ex073-%ld", parent); /* the pid keeps runs apart */
    snprintf(path, sizeof path, "/dev/shm%s", name);
    size_t size = sizeof(struct numbers) + (size_t)n * sizeof(long);
    struct numbers *seg = segment_create(name, size);
    printf("[parent %ld] created %s, %zu bytes; %s %s\n", parent, name, size, path,
           access(path, F_OK) == 0 ? "exists" : "does NOT exist");
    seg->count = (long)n;
    for (long i = 0; i < (long)n; i++)
        seg->value[i] = i + 1;
    printf("[parent %ld] wrote the numbers 1..%lld\n", parent, n);
    bool ok = run_reader_process(parent, name, seg);
#ifdef SOLUTION
    if (shm_unlink(name) != 0) /* SharedMemory.unlink(); munmap alone leaves the name */
        warn_errno("shm_unlink");
#else
    /* TODO 3: shm_unlink the name (warn_errno on failure): or it stays until reboot. */
#endif
    if (munmap(seg, size) != 0) /* the memory goes when the last mapping does */
        die("munmap");
    bool gone = access(path, F_OK) != 0;
    printf("[parent %ld] removed the name: %s %s\n", parent, path,
           gone ? "is gone" : "is STILL THERE");
    return ok && gone ? 0 : 1;
}
