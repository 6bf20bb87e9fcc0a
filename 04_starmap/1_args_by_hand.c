/* SPDX-License-Identifier: MIT */
/*
 * 1_args_by_hand.c - several arguments per task, by hand, as under Python's
 * pool.starmap(pow, [(2, 3), (3, 4), (4, 5)]): child i gets the struct
 * pairs[i] (fork copies it) and writes (i, pow(x, y)) into one pipe.
 * Usage: 1_args_by_hand   (look for: results in input order, each from its own child)
 */
#include <math.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define W               3
#define CHECK(ok, call) ((ok) ? (void)0 : (perror(call), _exit(1)))

struct pair { /* Python's tuple (x, y): values, never pointers */
    long x, y;
};

int main(void)
{
    struct pair pairs[W] = {{2, 3}, {3, 4}, {4, 5}};
    long result[W], pids[W]; /* pid_t fits in a long */
    int fd[2];
    CHECK(pipe(fd) == 0, "pipe");
    for (long i = 0; i < W; i++) {
        CHECK((pids[i] = fork()) >= 0, "fork");
        if (pids[i] == 0) { /* child i: 16 bytes, one write (<= PIPE_BUF: never split) */
            long answer[2] = {i, (long)pow((double)pairs[i].x, (double)pairs[i].y)};
            CHECK(write(fd[1], answer, sizeof answer) == sizeof answer, "write");
            _exit(0);
        }
    }
    for (int c = 0; c < W; c++) { /* answers arrive in finishing order... */
        long answer[2];
        CHECK(read(fd[0], answer, sizeof answer) == sizeof answer, "read");
        result[answer[0]] = answer[1]; /* ...and land at their own index */
        CHECK(waitpid((pid_t)pids[answer[0]], NULL, 0) == pids[answer[0]], "waitpid");
    }
    for (int i = 0; i < W; i++)
        printf("[parent %ld] pow(%ld, %ld) = %ld (computed by child %ld)\n", (long)getpid(),
               pairs[i].x, pairs[i].y, result[i], pids[i]);
}
