/* SPDX-License-Identifier: MIT */
/*
 * 3_pipe_drain.c - the fix for the pipe deadlock of step 2: read until end
 * of file FIRST, join the child after. Python: data = conn.recv() (or
 * results = [q.get() for ...]) before p.join().
 *
 * Also r.poll(timeout) (Connection.poll, Lib/multiprocessing/connection.py):
 * pipe_poll() (pipe_poll.h) says whether a read would block, reading nothing.
 *
 * Usage: 3_pipe_drain
 *
 * Look for: the same child as in step 2 writes twice the pipe's capacity;
 * this time it writes it all and exits, and the parent has every byte. poll
 * says False on the empty pipe, True at end of file (a read returns 0).
 */
#define _GNU_SOURCE /* F_GETPIPE_SZ (the pipe's capacity) is Linux-only */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crew.h"
#include "interrupt.h"
#include "pipe_poll.h"
#include "report.h"

/* The child of step 2: write `size` bytes, then exit. */
static _Noreturn void writer(int fds[2], size_t size)
{
    char *data = calloc(size, 1);
    if (data == NULL)
        die("calloc");
    if (close(fds[0]) != 0)
        die("close");
    printf("[child pid %ld] writing %zu bytes, then exiting\n", (long)getpid(), size);
    if (write(fds[1], data, size) != (ssize_t)size) /* blocks while the pipe is full */
        die("write");
    printf("[child pid %ld] wrote all %zu bytes, exiting\n", (long)getpid(), size);
    free(data);
    _exit(0);
}

/* Read until end of file; then ask poll once more. */
static size_t drain(int fd, struct crew *crew)
{
    char buf[4096];
    size_t total = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0 && errno != EINTR)
            die("read");
        crew_check(crew); /* EINTR: Ctrl-C or SIGTERM came */
        total += n > 0 ? (size_t)n : 0;
    }
    /* At end of file poll is True too: a read would not block, it returns 0
     * at once (Python's recv() raises EOFError). */
    printf("[parent %ld] r.poll() at end of file: %s: the next read returns 0 at once\n",
           (long)getpid(), pipe_poll(fd, 0.0) == 1 ? "True" : "False");
    return total;
}

int main(int argc, char **argv)
{
    (void)argc;
    report_set_program(argv[0]);
    setvbuf(stdout, NULL, _IOLBF, 0); /* lines leave in the order printed */
    interrupt_install();              /* Ctrl-C: stop and reap the child (crew.h) */
    struct crew crew = crew_create(1);
    int fds[2];
    if (pipe(fds) != 0)
        die("pipe");
    int capacity = fcntl(fds[0], F_GETPIPE_SZ);
    if (capacity < 0)
        die("fcntl F_GETPIPE_SZ");
    size_t size = 2 * (size_t)capacity;
    printf("[parent %ld] pipe capacity (fcntl F_GETPIPE_SZ): %d bytes; the child will write %zu\n",
           (long)getpid(), capacity, size);
    /* Python: r.poll(0.1): anything to read within 0.1 s? Nobody wrote yet. */
    int ready = pipe_poll(fds[0], 0.1);
    if (ready < 0) {
        crew_check(&crew); /* EINTR: Ctrl-C or SIGTERM came */
        die("pipe_poll");
    }
    printf("[parent %ld] r.poll(0.1) on the empty pipe: %s\n", (long)getpid(),
           ready ? "True" : "False");

    pid_t pid = crew_fork(&crew);
    if (pid == 0)
        writer(fds, size);
    close(fds[1]); /* ours, or read() would never return 0 */

    size_t total = drain(fds[0], &crew); /* Python: data = conn.recv() first ... */
    close(fds[0]);
    /* ... p.join() after. */
    char how[64];
    int status = crew_join(&crew, pid, how, sizeof how);
    printf("[parent %ld] read %zu bytes until end of file, THEN waited: child %ld %s\n",
           (long)getpid(), total, (long)pid, how);
    crew_destroy(&crew);
    bool ok = total == size && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    printf("\n[parent %ld] summary: drain before joining %s\n", (long)getpid(),
           ok ? "finished" : "FAILED");
    return ok ? 0 : 1;
}
