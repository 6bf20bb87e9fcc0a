/* SPDX-License-Identifier: MIT */
/*
 * cpus.h - how many CPUs there are, and how many this process may use.
 *
 * Three different answers, and a pool should be sized by the smallest:
 *   cpus_online()  CPUs the kernel has running (os.cpu_count() in Python);
 *   cpus_usable()  CPUs this process may run on: its affinity mask, which
 *                  `taskset -c 0 prog` shrinks (os.sched_getaffinity(0));
 *   cpus_quota()   a container's CPU limit from cgroups ("cpu.max"), which
 *                  caps CPU *time* without hiding any CPU: the tightest
 *                  limit on this process's own cgroup (/proc/self/cgroup,
 *                  v1 or v2) or any cgroup above it.
 *
 *     int workers = cpus_for_pool();   // min(usable, ceil(quota))
 */
#ifndef FORKLORE_CPUS_H
#define FORKLORE_CPUS_H

/* sysconf(_SC_NPROCESSORS_ONLN); at least 1. */
int cpus_online(void);

/* CPUs in this process's affinity mask; at least 1. */
int cpus_usable(void);

/* The cgroup CPU limit in CPUs (e.g. 1.5), or 0 when none is set: the
 * smallest limit found from this process's own cgroup up to the root, in
 * the v2 hierarchy and in v1's cpu hierarchy. Tests only: the environment
 * variables FORKLORE_CGROUP_ROOT (instead of /sys/fs/cgroup) and
 * FORKLORE_PROC_CGROUP (instead of /proc/self/cgroup) point at a fake tree. */
double cpus_quota(void);

/* The kernel's /proc/loadavg ("0.52 0.41 0.30 2/143 9876"): the one-minute
 * load average and the processes runnable at this moment (2 here, the
 * reader included), into whichever pointer is not NULL. 0, or -1 when it
 * cannot be read (no /proc). */
int cpus_load(double *one_minute, long *runnable);

/* The worker count a pool should default to: usable CPUs, lowered to the
 * cgroup quota (rounded up) when one is set. */
int cpus_for_pool(void);

#endif
