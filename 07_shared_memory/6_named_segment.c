/* SPDX-License-Identifier: MIT */
/*
 * 6_named_segment.c - shared memory with a name in /dev/shm, which an unrelated program
 * (6_named_segment_reader, no inherited mapping) opens by that name; and a name that never
 * outlives this program, however it ends (SIGKILL too: a tracker process removes it).
 * Python: shm = SharedMemory(name=..., create=True, size=...); shm.unlink()
 * Usage: 6_named_segment [--hold-ms MS]   (hold the segment MS ms first)
 * Look for: the reader's sum, 500500, and "is gone" at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interrupt.h"
#include "opts.h"
#include "report.h"
#include "shm_tracker.h"
#include "team.h"
#include "waitstatus.h"

/* The layout, as in the reader. No pointers: an address means nothing there. */
#define NUMBERS 1000
struct segment {
    char greeting[64];
    long numbers[NUMBERS];
    long reader_sum, reader_pid; /* the reader's answer, and who gave it */
};

/* The name: global, as atexit() (every die() exits) removes it too; never a forked child. */
static struct {
    char name[64];
    pid_t owner; /* only the owner removes it */
    bool live;
} named;

static void remove_name(void) /* SharedMemory.unlink() */
{
    if (named.live && named.owner == getpid()) {
        named.live = false;
        if (shm_unlink(named.name) != 0)
            warn_errno("shm_unlink");
        if (shm_tracker_unregister(named.name) != 0) /* resource_tracker.unregister */
            warn_errno("shm_tracker_unregister");
    }
}

static _Noreturn void remove_and_die_of_signal(void)
{
    char s[32];
    signal_name(interrupt_signal(), s, sizeof s);
    printf("[parent %ld] %s: removing %s, then dying of %s\n", (long)getpid(), s, named.name, s);
    fflush(stdout);
    remove_name();
    interrupt_exit();
}

/* Create the segment and fill it: SharedMemory(create=True, size=...). */
static struct segment *create(void)
{
    snprintf(named.name, sizeof named.name, "/forklore-07-%ld", (long)getpid());
    named.owner = getpid();
    int fd = shm_open(named.name, O_CREAT | O_EXCL | O_RDWR, 0600); /* O_EXCL: a new name */
    if (fd < 0)
        die("shm_open");
    named.live = true;                         /* from here on, every way out removes the name */
    if (shm_tracker_register(named.name) != 0) /* and if we are killed, the tracker does */
        die("shm_tracker_register");
    if (ftruncate(fd, sizeof(struct segment)) != 0) /* a new segment has 0 bytes */
        die("ftruncate");
    struct segment *seg = mmap(NULL, sizeof *seg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (seg == MAP_FAILED)
        die("mmap");
    if (close(fd) != 0)
        die("close");
    printf("[parent %ld] shm_open(\"%s\"), %zu bytes, visible as /dev/shm%s\n", (long)getpid(),
           named.name, sizeof *seg, named.name);
    snprintf(seg->greeting, sizeof seg->greeting, "hello from pid %ld", (long)getpid());
    for (int i = 0; i < NUMBERS; i++)
        seg->numbers[i] = i + 1;
    printf("[parent %ld] wrote a greeting and the numbers 1..%d\n", (long)getpid(), NUMBERS);
    return seg;
}

/* Fork + exec the reader (beside this program): it inherits no mapping. */
static int run_reader_process(pid_t *pid)
{
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 32);
    if (len < 0)
        die("readlink /proc/self/exe");
    snprintf(self + len, 32, "_reader"); /* build/bin/6_named_segment_reader */
    printf("[parent %ld] starting a reader: fork + exec of 6_named_segment_reader %s\n",
           (long)getpid(), named.name);
    fflush(stdout); /* or the child would print our buffer again */
    if ((*pid = fork()) < 0)
        die("fork");
    if (*pid == 0) {
        execl(self, "6_named_segment_reader", named.name, (char *)NULL);
        die("execl"); /* (exit 1; the atexit handler sees we do not own the name) */
    }
    int status;
    while (waitpid(*pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid");
        else if (interrupt_requested())
            kill(*pid, SIGKILL); /* then reap it, and die of the signal below */
    if (interrupt_requested())   /* the reader may have died of it too */
        remove_and_die_of_signal();
    return status;
}

int main(int argc, char **argv)
{
    long long hold_ms = 0;
    const struct flag flags[] = {
        {0, FLAG_COUNT, "hold-ms", "MS", "keep it MS ms before the reader starts", 0, 600000,
         &hold_ms},
        OPTS_END_EXITS("--hold-ms 2000", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "A named shared memory segment, found by its name.", flags);
    interrupt_install();          /* Ctrl-C, SIGTERM: a flag, then remove + die */
    if (atexit(remove_name) != 0) /* errors: die() -> exit() -> remove_name() */
        die_msg("atexit failed");
    long me = (long)getpid();
    struct segment *seg = create();
    if (hold_ms > 0) {
        printf("[parent %ld] holding the segment for %lld ms\n", me, hold_ms);
        fflush(stdout); /* seen now, through a pipe too */
        struct pollfd wake = {.fd = interrupt_fd(), .events = POLLIN}; /* a signal wakes poll */
        if (poll(&wake, 1, (int)hold_ms) < 0 && errno != EINTR)
            die("poll");
        if (interrupt_requested())
            remove_and_die_of_signal();
    }
    pid_t pid;
    int status = run_reader_process(&pid);
    char text[64];
    printf("[parent %ld] reader (pid %ld) %s; its answer in the segment: sum %ld\n", me, (long)pid,
           wait_describe(status, text, sizeof text), seg->reader_sum);
    bool ok = wait_exitcode(status) == 0 && seg->reader_sum == (long)NUMBERS * (NUMBERS + 1) / 2 &&
              seg->reader_pid == (long)pid;
    if (munmap(seg, sizeof *seg) != 0) /* shm.close() */
        die("munmap");
    remove_name(); /* shm.unlink(): else the name and its memory stay until reboot */
    char path[80];
    snprintf(path, sizeof path, "/dev/shm%s", named.name);
    printf("[parent %ld] shm_unlink(\"%s\"): %s %s\n", me, named.name, path,
           access(path, F_OK) == 0 ? "is STILL THERE" : "is gone");
    printf("[parent %ld]   the reader found the memory by name alone; no fork shared it.\n", me);
    return ok ? 0 : 1;
}
