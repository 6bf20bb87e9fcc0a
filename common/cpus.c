/* SPDX-License-Identifier: MIT */
/* cpus.c - CPU counts; see cpus.h. */
#define _GNU_SOURCE /* sched_getaffinity and CPU_COUNT are Linux extensions */
#include "cpus.h"

#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* The first line of a small file, or "" when it cannot be read. */
static void read_line(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    if (fgets(buf, (int)size, f) == NULL)
        buf[0] = '\0';
    fclose(f);
}

/* cgroup v2 writes "max 100000" or "150000 100000" (quota, period in µs);
 * returns -1 when there is no such file (not cgroup v2). */
static double quota_v2(void)
{
    char line[64];
    read_line("/sys/fs/cgroup/cpu.max", line, sizeof line);
    if (line[0] == '\0')
        return -1;
    if (strncmp(line, "max", 3) == 0) /* no limit */
        return 0;
    char *end;
    double quota = strtod(line, &end);
    double period = strtod(end, NULL);
    return quota > 0 && period > 0 ? quota / period : 0;
}

/* cgroup v1 has two files; a quota of -1 means no limit. */
static double quota_v1(void)
{
    char quota[32], period[32];
    read_line("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", quota, sizeof quota);
    read_line("/sys/fs/cgroup/cpu/cpu.cfs_period_us", period, sizeof period);
    double q = strtod(quota, NULL), p = strtod(period, NULL);
    return q > 0 && p > 0 ? q / p : 0;
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
