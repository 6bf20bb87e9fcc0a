# SPDX-License-Identifier: MIT
"""slurm_cpus.py - slurm_cpus.c in Python: the node's CPU count against the
CPUs this job may use.

Usage: python3 slurm_cpus.py        (inside a job: sbatch --cpus-per-task=1)

os.cpu_count() counts the CPUs the kernel runs (sysconf). os.sched_getaffinity(0)
is the affinity mask; os.process_cpu_count() (Python 3.13) is its size.
multiprocessing.Pool() with no size uses os.cpu_count() up to 3.12 and
os.process_cpu_count() from 3.13 (Lib/multiprocessing/pool.py).
"""
import os
import sys

me = os.getpid()
granted = os.environ.get("SLURM_CPUS_PER_TASK", "(not set)")
usable = len(os.sched_getaffinity(0))
print(f"[job pid {me}] SLURM_CPUS_PER_TASK: {granted}")
print(f"[job pid {me}] online CPUs (sysconf, os.cpu_count()): {os.cpu_count()}")
print(f"[job pid {me}] usable CPUs (affinity, os.process_cpu_count()): {usable}")
if hasattr(os, "process_cpu_count"):
    pool_size = os.process_cpu_count()
else:
    pool_size = os.cpu_count()
version = f"{sys.version_info.major}.{sys.version_info.minor}"
print(f"[job pid {me}] Python {version}'s default Pool() size: {pool_size}")
