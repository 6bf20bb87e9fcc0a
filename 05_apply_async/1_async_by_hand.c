/* SPDX-License-Identifier: MIT */
/*
 * 1_async_by_hand.c - apply_async underneath: start every task now (a child
 * and a pipe each), collect the results later (read the pipe, reap the child).
 * Python: hs = [pool.apply_async(nap_square, (x,)) for x in range(4)]; [h.get() for h in hs]
 * Usage: 1_async_by_hand.  Look for: all four tasks are submitted before the first
 * result; the run takes about 0.4 s (the longest task), not 1.0 s (all four in turn).
 */
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    int fd[4][2], r;
    pid_t pid[4];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int x = 0; x < 4; x++) { /* apply_async: start it, keep a handle */
        if (pipe(fd[x]) != 0 || fflush(stdout) != 0 || (pid[x] = fork()) < 0)
            return perror("pipe/fork"), 1;
        if (pid[x] == 0) { /* child: the task, x^2 after (4 - x) x 100 ms */
            nanosleep(&(struct timespec){0, (4 - x) * 100000000L}, NULL);
            _exit(write(fd[x][1], &(int){x * x}, sizeof r) == sizeof r ? 0 : 1);
        }
        close(fd[x][1]); /* the parent only reads: end of file if the child dies */
        printf("[parent %ld] submitted task %d to child %ld\n", (long)getpid(), x, (long)pid[x]);
    }
    for (int x = 0; x < 4; x++) { /* get(): read blocks until the result is there */
        if (read(fd[x][0], &r, sizeof r) != sizeof r || waitpid(pid[x], NULL, 0) != pid[x])
            return fprintf(stderr, "task %d: no result\n", x), 1;
        printf("[parent %ld] get() task %d: %d^2 = %d (child %ld reaped)\n", (long)getpid(), x, x,
               r, (long)pid[x]);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("[parent %ld] 4 tasks of 400+300+200+100 ms took %.2f s\n", (long)getpid(),
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
