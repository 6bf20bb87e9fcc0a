/* SPDX-License-Identifier: MIT */
/*
 * bare_pipe.c - the floors for messages between processes: one pipe shared
 * by P writers and C readers moving 64-byte messages, and a ping-pong over
 * two pipes (the smallest possible request and reply).
 *
 * Usage: bare_pipe [-p P] [-j C] [-n N]     messages/s, P writers, C readers
 *        bare_pipe --ping-pong [-n N]       microseconds per round trip
 *
 * Prints one number. A 64-byte write() to a pipe is atomic (it is below
 * PIPE_BUF), so several writers never interleave inside a message and a
 * 64-byte read() always gets exactly one whole message. The time runs from
 * the first fork to the last waitpid, as in forklore_bench's queue mode.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opts.h"
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

#define MESSAGE 64

static void reap(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) < 0)
        die("waitpid");
    if (wait_exitcode(status) != 0)
        die_msg("child %ld did not exit 0", (long)pid);
}

/* Write all of buf (a pipe write may be cut short by a signal). */
static void write_all(int fd, const void *buf, size_t size)
{
    const char *p = buf;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0)
            die("write");
        p += n;
        size -= (size_t)n;
    }
}

/* P writers put n messages each; C readers read until every writer is gone
 * (end of file). Returns messages per second. */
static double throughput(int writers, int readers, long long n)
{
    int fd[2];
    if (pipe(fd) < 0)
        die("pipe");
    pid_t pids[64];
    int count = 0;
    fflush(stdout);
    double t0 = timing_now();
    for (int w = 0; w < writers; w++) {
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            close(fd[0]);
            char msg[MESSAGE];
            memset(msg, 'w', sizeof msg);
            for (long long i = 0; i < n; i++) {
                memcpy(msg, &i, sizeof i);
                write_all(fd[1], msg, sizeof msg);
            }
            _exit(0);
        }
        pids[count++] = pid;
    }
    for (int r = 0; r < readers; r++) {
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            close(fd[1]); /* else this reader would never see end of file */
            char msg[MESSAGE];
            ssize_t got;
            while ((got = read(fd[0], msg, sizeof msg)) > 0)
                if (got != MESSAGE)
                    die_msg("read %zd bytes, not one message", got);
            if (got < 0)
                die("read");
            _exit(0);
        }
        pids[count++] = pid;
    }
    close(fd[0]);
    close(fd[1]);
    for (int i = 0; i < count; i++)
        reap(pids[i]);
    return (double)(n * writers) / (timing_now() - t0);
}

/* The parent sends 8 bytes, the child sends them back, n times. Returns
 * microseconds per round trip. */
static double ping_pong(long long n)
{
    int to_child[2], to_parent[2];
    if (pipe(to_child) < 0 || pipe(to_parent) < 0)
        die("pipe");
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        long long x;
        ssize_t got;
        while ((got = read(to_child[0], &x, sizeof x)) == sizeof x)
            write_all(to_parent[1], &x, sizeof x);
        _exit(got == 0 ? 0 : 1);
    }
    close(to_child[0]);
    close(to_parent[1]);
    double t0 = timing_now();
    for (long long i = 0; i < n; i++) {
        write_all(to_child[1], &i, sizeof i);
        long long back;
        if (read(to_parent[0], &back, sizeof back) != sizeof back || back != i)
            die_msg("ping-pong: lost message %lld", i);
    }
    double elapsed = timing_now() - t0;
    close(to_child[1]);
    close(to_parent[0]);
    reap(pid);
    return elapsed / (double)n * 1e6;
}

int main(int argc, char **argv)
{
    long long n = 100000, writers = 1, readers = 1;
    bool pingpong = false;
    const struct flag flags[] = {
        {'p', FLAG_INT, "producers", "P", "writer processes (default 1)", 1, 32, &writers},
        {'j', FLAG_INT, "workers", "C", "reader processes (default 1)", 1, 32, &readers},
        FLAG_N(&n, 1, 100000000, "messages (default 100000)"),
        {0, FLAG_SWITCH, "ping-pong", NULL, "round trips between two processes instead", 0, 0,
         &pingpong},
        OPTS_END("-p 2 -j 2 -n 1M\n--ping-pong -n 10000"),
    };
    opts_parse(argc, argv, "[-p P] [-j C] [-n N] | --ping-pong [-n N]",
               "Bare pipes, the baseline of make bench: messages per second, or round trips.",
               flags);
    if (pingpong)
        printf("%.2f\n", ping_pong(n));
    else
        printf("%.0f\n", throughput((int)writers, (int)readers, n));
    return 0;
}
