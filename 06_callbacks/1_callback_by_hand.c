/* SPDX-License-Identifier: MIT */
/* 1_callback_by_hand.c - a callback, underneath: children write results into one pipe; the parent
 * sleeps in read() until one arrives, then calls on_result() itself. Python: apply_async(f, (x,),
 * callback=on_result). Usage: 1_callback_by_hand. Look for: each callback shows the parent's pid */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_result(const long *r) /* the callback, in the parent: r = {task, x^2, child} */
{
    printf("[callback pid %ld] task %ld: %ld (child %ld)\n", (long)getpid(), r[0], r[1], r[2]);
}

int main(void)
{
    pid_t pids[3];
    int p[2];
    printf("[parent %ld] 3 tasks: x^2 for x = 3, 4, 5, taking 50, 30 and 10 ms\n", (long)getpid());
    if (fflush(stdout) != 0 || pipe(p) != 0)
        return perror("pipe"), 1;
    for (long i = 0; i < 3; i++) {
        if ((pids[i] = fork()) < 0)
            return perror("fork"), 1;
        if (pids[i] == 0) { /* child: "work" (sleep), then one write: 24 bytes arrive whole */
            usleep((useconds_t)(50 - 20 * i) * 1000);
            long r[3] = {i, (i + 3) * (i + 3), (long)getpid()};
            _exit(write(p[1], r, sizeof r) == sizeof r ? 0 : 1);
        }
    }
    close(p[1]); /* the parent only reads */
    for (int done = 0; done < 3; done++) {
        long r[3];
        if (read(p[0], r, sizeof r) != sizeof r) /* asleep until some child has written */
            return perror("read"), 1;
        on_result(r); /* called by the parent itself, in completion order */
    }
    for (int i = 0; i < 3; i++)
        if (waitpid(pids[i], NULL, 0) != pids[i])
            return perror("waitpid"), 1;
    return 0;
}
