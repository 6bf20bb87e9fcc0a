/* SPDX-License-Identifier: MIT */
/*
 * 1_pi_by_hand.c - Monte Carlo pi by hand: 4 forked children each throw darts with a generator
 * of their own and send the hits through one pipe; the parent sums: Pool(4).map(throw, range(4))
 * Usage: 1_pi_by_hand (4 x 250000 darts, fixed).  Look for: four hit counts, one sum.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

enum { CHILDREN = 4, DARTS = 250000 }; /* UNIFORM: a toy, Knuth's MMIX LCG, top 53 bits */
#define UNIFORM(s)                                                                                 \
    ((double)(((s) = (s)*6364136223846793005u + 1442695040888963407u) >> 11) / 0x1p53)

static void child(int c, int out) /* seed c + 1: darts of its own; fflush, as _exit won't */
{
    unsigned long long s = (unsigned long long)c + 1, hits = 0;
    for (int i = 0; i < DARTS; i++) {
        double x = UNIFORM(s), y = UNIFORM(s);
        hits += x * x + y * y < 1.0;
    }
    printf("[child %d pid %ld] %llu of %d darts inside\n", c, (long)getpid(), hits, DARTS);
    _exit(fflush(stdout) == 0 && write(out, &hits, sizeof hits) == sizeof hits ? 0 : 1);
}

int main(void)
{
    int fd[2], status, failed = 0;
    unsigned long long hits, inside = 0;
    for (int c = 0; c < CHILDREN; c++) /* one pipe first, then the children */
        switch ((c > 0 || pipe(fd) == 0) && fflush(stdout) == 0 ? fork() : -1) {
        case -1: return perror("pipe or fork"), 1;
        case 0: child(c, fd[1]);
        }
    close(fd[1]); /* read() returns 0 (end of file) once every child wrote 8 bytes and left */
    while (read(fd[0], &hits, sizeof hits) == sizeof hits)
        inside += hits;
    while (wait(&status) > 0)
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    printf("[parent %ld] %llu of %d darts inside: pi ~ %.7f\n", (long)getpid(), inside,
           CHILDREN * DARTS, 4.0 * (double)inside / (CHILDREN * DARTS));
    return failed;
}
