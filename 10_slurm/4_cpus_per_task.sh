#!/bin/sh
# SPDX-License-Identifier: MIT
# 4_cpus_per_task.sh - ask for the CPUs you use, and use the ones you got:
# 4_cpus.sbatch is granted --cpus-per-task=1 on a node with more CPUs, and
# prints what slurm_cpus (C) and slurm_cpus.py see there.
#
# Usage: sh 10_slurm/4_cpus_per_task.sh
# Python: Pool() sizes itself with os.cpu_count() up to 3.12 (the node's
# CPUs: oversubscribed) and os.process_cpu_count() from 3.13 (the job's).
# Look for: online CPUs 2, usable CPUs 1, SLURM_CPUS_PER_TASK 1.
# shellcheck source=jobs.sh disable=SC1091
. "$(dirname "$0")/jobs.sh"
parse_options "$@"
need_cluster
make_work

job=$(submit 4_cpus.sbatch)
echo "[submit] sbatch --cpus-per-task=1 4_cpus.sbatch: job $job"
wait_job "$job"
echo "[log] logs/cpus-$job.out:"
cat "$WORK/logs/cpus-$job.out"
