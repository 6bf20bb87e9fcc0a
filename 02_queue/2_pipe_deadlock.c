/* SPDX-License-Identifier: MIT */
/*
 * 2_pipe_deadlock.c - a pipe holds only so much (64 KiB by default on Linux):
 * a child that writes more waits for a reader, and a parent that waits for
 * the child to exit BEFORE reading waits for ever. Python: p.join() before
 * conn.recv() or q.get(). The fix is the next step, 3_pipe_drain.
 * Usage: 2_pipe_deadlock [--timeout SECONDS] [-q]
 * Look for: 100 bytes fit in the pipe, so that child exits unread; twice
 * the capacity does not: the join times out, the child still alive (state S)
 * and the pipe exactly full, then it is killed. Ctrl-C: see crew.h.
 */
#define _GNU_SOURCE /* F_GETPIPE_SZ (the pipe's capacity) is Linux-only */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h> /* FIONREAD: bytes waiting in the pipe */
#include <unistd.h>

#include "crew.h"
#include "cli.h"
#include "opts.h"
#include "interrupt.h"
#include "report.h"

static struct {
    double timeout; /* --timeout: how long the deadlock may hang */
    bool quiet;
} opt = {.timeout = 1.0};

/* A child that writes `size` bytes into fds[1], then exits. It also holds
 * the write end of `sentinel`, as Python's Process does (popen_fork.py):
 * that pipe reaches end of file when the child exits. */
static pid_t start_writer(struct crew *crew, int fds[2], int sentinel[2], size_t size)
{
    static char data[1 << 20]; /* zeros; at most 1 MiB */
    if (size > sizeof data)
        die_msg("%zu bytes: more than this demo's buffer", size);
    pid_t pid = crew_fork(crew);
    if (pid == 0) {
        if (close(fds[0]) != 0 || close(sentinel[0]) != 0)
            die("close");
        if (!opt.quiet)
            printf("[child pid %ld] writing %zu bytes, then exiting\n", (long)getpid(), size);
        if (write(fds[1], data, size) != (ssize_t)size) /* blocks while the pipe is full */
            die("write");
        if (!opt.quiet)
            printf("[child pid %ld] wrote all %zu bytes, exiting\n", (long)getpid(), size);
        _exit(0);
    }
    if (close(fds[1]) != 0 || close(sentinel[1]) != 0)
        die("close");
    return pid;
}

/* p.join(timeout): Python waits for the sentinel pipe to be readable
 * (end of file: the child is gone). True if it ended within `seconds`. */
static bool join_with_timeout(struct crew *crew, int sentinel, double seconds)
{
    struct pollfd p = {.fd = sentinel, .events = POLLIN};
    int ready;
    while ((ready = poll(&p, 1, (int)(seconds * 1000))) < 0) {
        if (errno != EINTR)
            die("poll");
        crew_check(crew); /* Ctrl-C or SIGTERM: stop here */
    }
    return ready == 1;
}

/* The state letter of a process: R running, S sleeping, Z zombie. */
static char process_state(pid_t pid)
{
    char path[64], line[512] = "", state = '?';
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    char *paren = f != NULL && fgets(line, sizeof line, f) ? strrchr(line, ')') : NULL;
    if (paren != NULL && paren[1] == ' ') /* after the name, which may hold spaces */
        state = paren[2];
    if (f != NULL)
        fclose(f);
    return state;
}

/* Start a writer of 100 bytes, or of twice the pipe's capacity, and wait
 * for it to exit BEFORE reading. Returns true when it hung (then it is
 * killed). */
static bool join_before_reading(struct crew *crew, bool overfill)
{
    int fds[2], sentinel[2];
    if (pipe(fds) != 0 || pipe(sentinel) != 0)
        die("pipe");
    int capacity = fcntl(fds[0], F_GETPIPE_SZ);
    if (capacity < 0)
        die("fcntl F_GETPIPE_SZ");
    size_t size = overfill ? 2 * (size_t)capacity : 100;
    printf("\n== join before reading: the child writes %zu bytes ==\n[parent %ld] pipe capacity "
           "(fcntl F_GETPIPE_SZ): %d bytes; waiting for the child to exit BEFORE reading "
           "(timeout %.1f s)\n",
           size, (long)getpid(), capacity, opt.timeout);
    pid_t pid = start_writer(crew, fds, sentinel, size);
    bool ended = join_with_timeout(crew, sentinel[0], opt.timeout);
    int queued = 0;
    if (ioctl(fds[0], FIONREAD, &queued) != 0)
        die("ioctl FIONREAD");
    char how[64];
    if (ended) {
        crew_join(crew, pid, how, sizeof how);
        printf("[parent %ld] child %ld %s, nobody read: its %zu bytes fit in the pipe, which "
               "still holds %d\n",
               (long)getpid(), (long)pid, how, size, queued);
    } else {
        printf("[parent %ld] timed out: child %ld is still alive (state %c), the pipe holds %d "
               "of %d bytes: it waits for us to read, we wait for it to exit\n",
               (long)getpid(), (long)pid, process_state(pid), queued, capacity);
        if (kill(pid, SIGKILL) != 0) /* a hung child must not outlive the demo */
            die("kill");
        crew_join(crew, pid, how, sizeof how);
        printf("[parent %ld] deadlock: sent SIGKILL, child %ld %s\n", (long)getpid(), (long)pid,
               how);
    }
    close(fds[0]);
    close(sentinel[0]);
    return !ended;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    setvbuf(stdout, NULL, _IOLBF, 0); /* lines leave in the order printed */
    const char *timeout = "1.0";
    const struct flag flags[] = {
        {0, FLAG_TEXT, "timeout", "S", "how long to let the deadlock hang (default 1.0)", 0, 0,
         &timeout},
        {'q', FLAG_SWITCH, "quiet", NULL, "no lines from the child", 0, 0, &opt.quiet},
        OPTS_END_EXITS("--timeout 0.2\n-q", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, "[--timeout SECONDS] [-q]",
               "The pipe deadlock: joining a writer before reading what it wrote.", flags);
    opt.timeout = cli_parse_real("--timeout", timeout, 0.01, 60, 0);
    interrupt_install(); /* Ctrl-C and SIGTERM now only set a flag */
    struct crew crew = crew_create(1);
    bool small_hung = join_before_reading(&crew, false);
    bool hung = join_before_reading(&crew, true);
    crew_check(&crew); /* a signal after the last wait still counts */
    crew_destroy(&crew);
    printf("\n[parent %ld] summary: 100 bytes did%s hang; join before reading hung%s\n",
           (long)getpid(), small_hung ? "" : " not", hung ? "" : " NOT");
    return !small_hung && hung ? 0 : 1;
}
