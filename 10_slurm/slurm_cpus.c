/* SPDX-License-Identifier: MIT */
/*
 * slurm_cpus.c - how many CPUs a job may use: the node's count against the
 * affinity mask the scheduler gave the job.
 *
 * Usage: slurm_cpus        (inside a job: sbatch --cpus-per-task=1 ...)
 *
 * Python: os.cpu_count() counts the CPUs the kernel runs; len(os.sched_
 * getaffinity(0)) and, from Python 3.13, os.process_cpu_count() count the
 * ones this process may run on. Pool() sizes itself with the first up to
 * 3.12 and with the second from 3.13. Look for: under --cpus-per-task=1 on
 * a 2-CPU node, online 2 and usable 1; a pool of 2 would fight over 1 CPU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cpus.h"

int main(void)
{
    const char *granted = getenv("SLURM_CPUS_PER_TASK");
    long me = (long)getpid();
    printf("[job pid %ld] SLURM_CPUS_PER_TASK: %s\n", me, granted ? granted : "(not set)");
    printf("[job pid %ld] online CPUs (sysconf, os.cpu_count()): %d\n", me, cpus_online());
    printf("[job pid %ld] usable CPUs (affinity, os.process_cpu_count()): %d\n", me, cpus_usable());
    printf("[job pid %ld] this library's default pool size (cpus_for_pool): %d\n", me,
           cpus_for_pool());
    return 0;
}
