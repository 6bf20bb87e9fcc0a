/* SPDX-License-Identifier: MIT */
/*
 * 1_pipe_fifo.c - a pipe from child to parent: messages come out in the order
 * they went in. Python: r, w = Pipe(duplex=False); w.send() in the child,
 * r.recv() in the parent until EOFError.    Usage: 1_pipe_fifo
 * Look for: 1, 2, 3 in order, then end of file once no process holds the write end.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int fds[2]; /* fds[0] reads, fds[1] writes; fork copies both */
    if (pipe(fds) != 0)
        return perror("pipe"), 1;
    pid_t pid = fork();
    if (pid < 0)
        return perror("fork"), 1;
    if (pid == 0) {
        close(fds[0]);                                        /* the child only writes */
        dprintf(fds[1], "message 1\nmessage 2\nmessage 3\n"); /* Python: w.send(...) */
        _exit(0);                                             /* exiting closes its write end */
    }
    close(fds[1]); /* ours too, or we would never see end of file */
    FILE *in = fdopen(fds[0], "r");
    if (in == NULL)
        return perror("fdopen"), 1;
    char line[64];
    int lines = 0;
    for (; fgets(line, sizeof line, in) != NULL; lines++) /* NULL: end of file */
        printf("[parent %ld] got: %s", (long)getpid(), line);
    fclose(in);
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return perror("waitpid"), 1;
    printf("[parent %ld] end of file after %d lines: every write end is closed; child %ld "
           "exited with %d\n",
           (long)getpid(), lines, (long)pid, WEXITSTATUS(status));
    return 0;
}
