/* SPDX-License-Identifier: MIT */
/*
 * bare_fork.c - the floor for starting and joining a process: fork() a child
 * that _exits at once, waitpid() it, N times in a row.
 *
 * Usage: bare_fork [-n N] [--message]
 *
 * Prints one line, the mean microseconds per fork + waitpid, for bench.sh
 * to set beside pool_create(1 worker) + pool_close + pool_join (forklore)
 * and Process(target=...).start() + join() (Python). With --message the
 * child first waits for one byte from the parent over a pipe, as a pool
 * worker waits for its "exit" message: the floor for a worker that is told
 * when to end.
 */
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opts.h"
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

int main(int argc, char **argv)
{
    long long n = 200;
    bool message = false;
    const struct flag flags[] = {
        FLAG_N(&n, 1, 1000000, "processes to start and reap (default 200)"),
        {0, FLAG_SWITCH, "message", NULL, "each child sends one byte back through a pipe", 0, 0,
         &message},
        OPTS_END("-n 1000\n--message"),
    };
    opts_parse(argc, argv, NULL, "Bare fork + waitpid, the baseline of make bench.", flags);

    fflush(stdout); /* nothing buffered may be written twice by a child */
    double t0 = timing_now();
    for (long long i = 0; i < n; i++) {
        int fd[2] = {-1, -1};
        if (message && pipe(fd) < 0)
            die("pipe");
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            char byte;
            if (message && read(fd[0], &byte, 1) != 1)
                _exit(1);
            _exit(0);
        }
        if (message) {
            if (write(fd[1], "x", 1) != 1)
                die("write");
            close(fd[0]);
            close(fd[1]);
        }
        int status;
        if (waitpid(pid, &status, 0) < 0)
            die("waitpid");
        if (wait_exitcode(status) != 0)
            die_msg("child %ld did not exit 0", (long)pid);
    }
    printf("%.2f\n", (timing_now() - t0) / (double)n * 1e6);
    return 0;
}
