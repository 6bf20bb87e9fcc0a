/* SPDX-License-Identifier: MIT */
/* 1_shared_counter_race.c - two children add 1 to one counter in shared
 * memory 200 million times each, no lock. Python: Value('l', 0, lock=False),
 * two Processes doing counter.value += 1 (mirror: 1_shared_counter_race.py)
 * Usage: 1_shared_counter_race      Look for: a total below 400000000. */
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET: Linux extensions */
#include <sched.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 200000000L

int main(void)
{
    volatile long *counter = /* MAP_SHARED, before fork: the children share our page */
        mmap(NULL, sizeof(long), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (counter == MAP_FAILED)
        return perror("mmap"), 1;
    printf("[parent %ld] 2 children each add 1 %ld times, no lock\n", (long)getpid(), N);
    for (int child = 0; child < 2; child++) {
        pid_t pid = fork(); /* the children _exit: no stdio buffer flushed twice */
        if (pid == 0) {
            cpu_set_t cpu; /* child 0 on CPU 0, child 1 on CPU 1: both at once */
            CPU_ZERO(&cpu);
            CPU_SET(child, &cpu);
            sched_setaffinity(0, sizeof cpu, &cpu); /* fails with 1 CPU: fine */
            for (long i = 0; i < N; i++)
                *counter = *counter + 1; /* load, add, store: three steps */
            _exit(0);
        }
        if (pid < 0)
            return perror("fork"), 1;
    }
    while (wait(NULL) > 0) /* reap both (this process has no other child) */
        ;
    printf("[parent %ld] counter = %ld, expected %ld: %ld updates lost\n", (long)getpid(), *counter,
           2 * N, 2 * N - *counter);
    return 0;
}
