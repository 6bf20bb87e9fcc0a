/* SPDX-License-Identifier: MIT */
/*
 * slurm_cpus.c - how many CPUs a job may use: the node's count against the
 * affinity mask the scheduler gave the job (libc only: this is what
 * common/cpus.h's cpus_usable() does, and chapter 01's 5_cpu_count shows).
 * Python: os.cpu_count() is the first count; len(os.sched_getaffinity(0))
 * and, from 3.13, os.process_cpu_count() the second. Pool() sizes itself by
 * the first up to 3.12, by the second from 3.13.
 *
 * Usage: slurm_cpus        (inside a job: sbatch --cpus-per-task=1 ...)
 * Look for: under --cpus-per-task=1 on a 2-CPU node, online 2, usable 1.
 */
#define _GNU_SOURCE /* sched_getaffinity and CPU_COUNT are Linux extensions */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    const char *granted = getenv("SLURM_CPUS_PER_TASK");
    long me = (long)getpid();
    cpu_set_t mask;
    if (sched_getaffinity(0, sizeof mask, &mask) != 0) {
        perror("sched_getaffinity");
        return 1;
    }
    printf("[job pid %ld] SLURM_CPUS_PER_TASK: %s\n", me, granted ? granted : "(not set)");
    printf("[job pid %ld] online CPUs (sysconf, os.cpu_count()): %ld\n", me,
           sysconf(_SC_NPROCESSORS_ONLN));
    printf("[job pid %ld] usable CPUs (affinity, os.process_cpu_count()): %d\n", me,
           CPU_COUNT(&mask));
    return 0;
}
