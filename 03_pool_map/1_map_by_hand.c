/* SPDX-License-Identifier: MIT */
/* 1_map_by_hand.c - pool.map(cube, range(1, 13)) by hand: child w of 3 cubes its share (4
 * items in a row: a chunk), writes (index, cube) pairs into one pipe; the parent puts each
 * at its own index. Usage: 1_map_by_hand (look for: arrival order is not input order; the list is)
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define W               3
#define N               12
#define CHECK(ok, call) ((ok) ? (void)0 : (perror(call), _exit(1)))

int main(void)
{
    long result[N] = {0}, pids[W], answer[2]; /* answer: (index, cube); pid_t fits in a long */
    int fd[2];
    CHECK(pipe(fd) == 0, "pipe");
    for (long w = 0; w < W; w++) {
        CHECK((pids[w] = fork()) >= 0, "fork");
        if (pids[w] == 0) { /* child w: items 4w .. 4w+3; the later children start sooner */
            usleep((useconds_t)(W - w) * 30000);
            for (long i = w * N / W; i < (w + 1) * N / W; i++) {
                long pair[2] = {i, (i + 1) * (i + 1) * (i + 1)}; /* x = i + 1 */
                CHECK(write(fd[1], pair, sizeof pair) == sizeof pair,
                      "write"); /* 16 B: never split */
            }
            _exit(0);
        }
    }
    CHECK(close(fd[1]) == 0, "close"); /* read() sees end-of-file once every child is done */
    printf("[parent %ld] 3 children, 4 items each; x arrived in this order:", (long)getpid());
    while (read(fd[0], answer, sizeof answer) == sizeof answer) {
        printf(" %ld", answer[0] + 1);
        result[answer[0]] = answer[1]; /* slot i, whatever the order */
    }
    for (int w = 0; w < W; w++)
        CHECK(waitpid((pid_t)pids[w], NULL, 0) == pids[w], "waitpid");
    for (int i = 0; i < N; i++)
        printf("%s%ld%s", i ? ", " : "\n[", result[i], i == N - 1 ? "]\n" : "");
}
