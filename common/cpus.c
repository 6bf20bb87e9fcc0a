/* SPDX-License-Identifier: MIT */
/* cpus.c - CPU counts; see cpus.h. */
#define _GNU_SOURCE /* sched_getaffinity and CPU_COUNT are Linux extensions */
#include "cpus.h"

#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

int cpus_online(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int cpus_usable(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return cpus_online(); /* no affinity support: assume all */
    int n = CPU_COUNT(&set);
    return n > 0 ? n : 1;
}

/* cgroup v2 writes "max 100000" or "150000 100000" (quota, period in µs). */
static double quota_v2(void)
{
    FILE *f = fopen("/sys/fs/cgroup/cpu.max", "r");
    if (f == NULL)
        return -1;
    char quota[32];
    long period = 0;
    int fields = fscanf(f, "%31s %ld", quota, &period);
    fclose(f);
    if (fields != 2 || period <= 0)
        return -1;
    if (quota[0] == 'm') /* "max": no limit */
        return 0;
    double q = 0;
    if (sscanf(quota, "%lf", &q) != 1 || q <= 0)
        return 0;
    return q / (double)period;
}

/* cgroup v1 has two files; a quota of -1 means no limit. */
static double quota_v1(void)
{
    long quota = -1, period = 0;
    FILE *f = fopen("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "r");
    if (f == NULL)
        return 0;
    int ok = fscanf(f, "%ld", &quota) == 1;
    fclose(f);
    f = fopen("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "r");
    if (f == NULL)
        return 0;
    ok = ok && fscanf(f, "%ld", &period) == 1;
    fclose(f);
    if (!ok || quota <= 0 || period <= 0)
        return 0;
    return (double)quota / (double)period;
}

double cpus_quota(void)
{
    double q = quota_v2();
    return q >= 0 ? q : quota_v1();
}

int cpus_for_pool(void)
{
    int usable = cpus_usable();
    double quota = cpus_quota();
    if (quota > 0 && ceil(quota) < usable)
        return (int)ceil(quota);
    return usable;
}
