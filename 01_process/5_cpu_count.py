#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""5_cpu_count.py - the mirror of 5_cpu_count.c: os.cpu_count(), the
affinity mask, os.process_cpu_count() (3.13+), the cgroup quota, and
Pool()'s default size. Usage: 5_cpu_count.py

Lib/multiprocessing/pool.py sizes Pool() by os.cpu_count() up to 3.12 and by
os.process_cpu_count() from 3.13: the affinity mask, never the cgroup quota.
"""
import math
import os


def cpu_quota():
    """The cgroup CPU limit in CPUs, or 0 when none is set (as cpus.c)."""
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()
        return 0 if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        with open("/sys/fs/cgroup/cpu/cpu.cfs_quota_us") as f:
            quota = int(f.read())
        with open("/sys/fs/cgroup/cpu/cpu.cfs_period_us") as f:
            period = int(f.read())
        return quota / period if quota > 0 and period > 0 else 0
    except (OSError, ValueError):
        return 0


if __name__ == "__main__":
    online = os.cpu_count()
    usable = len(os.sched_getaffinity(0))
    # os.process_cpu_count() is new in 3.13; on Linux it is the affinity count
    process_cpus = getattr(os, "process_cpu_count", lambda: usable)()
    quota = cpu_quota()
    pool = min(usable, math.ceil(quota)) if quota > 0 else usable
    rows = [("online CPUs (os.cpu_count()):", online),
            ("CPUs this process may use (sched_getaffinity):", usable),
            ("cgroup CPU quota (cpu.max):",
             f"{quota:.2f} CPUs" if quota > 0 else "none"),
            ("workers for a CPU-bound pool (cpus_for_pool):", pool),
            ("Python's Pool() default, up to 3.12 (os.cpu_count()):", online),
            ("Python's Pool() default, from 3.13 (os.process_cpu_count()):",
             process_cpus)]
    for label, value in rows:
        print(f"[parent {os.getpid()}] {label:<62} {value}")
    print("  Size a pool by the CPUs you may use, not the CPUs the machine has: "
          "`taskset -c 0`\n  leaves 1 usable of all online, and a container's "
          "quota caps CPU time without hiding\n  any CPU: neither of Python's "
          "defaults looks at the quota. For work that also waits\n  (files, "
          "pipes, the network) more workers than CPUs can fill the gaps; for "
          "pure\n  computation, more workers than CPUs only add switching.")
