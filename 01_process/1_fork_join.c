/* SPDX-License-Identifier: MIT */
/*
 * 1_fork_join.c - fork() copies this process, _exit() ends the copy, waitpid()
 * waits for it: the bare mechanism of p = Process(target=f); p.start(); p.join()
 * Usage: 1_fork_join. Look at the pids: each child has its own and names the
 * same parent; hello lines come in any order, joined lines in start order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    pid_t pids[3];
    printf("[parent %ld] starting 3 children\n", (long)getpid());
    for (int i = 0; i < 3; i++) {
        fflush(stdout);   /* or the child prints the parent's buffer again */
        pids[i] = fork(); /* p.start(): both processes return from fork */
        if (pids[i] < 0) {
            perror("fork");
            exit(1);
        }
        if (pids[i] == 0) { /* the child: fork returned 0 */
            printf("[child %d pid %ld] hello; my parent is %ld\n", i + 1, (long)getpid(),
                   (long)getppid());
            fflush(stdout);
            _exit(0); /* not exit(): the parent's atexit handlers are not ours */
        }
    }
    for (int i = 0; i < 3; i++) {
        int status;
        if (waitpid(pids[i], &status, 0) < 0) { /* p.join() */
            perror("waitpid");
            exit(1);
        }
        printf("[parent %ld] joined child %d (pid %ld): exit code %d\n", (long)getpid(), i + 1,
               (long)pids[i], WEXITSTATUS(status));
    }
    return 0;
}
