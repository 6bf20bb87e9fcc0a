#!/bin/sh
# SPDX-License-Identifier: MIT
# 1_job_array.sh - many copies of a program, the scheduler's way: one sbatch
# with --array=0-3 queues 4 tasks of 1_pi_array.sbatch, each throwing its own
# share of chapter 08's pi blocks and writing counts/task-<id>.txt.
#
# Usage: sh 10_slurm/1_job_array.sh [-n DARTS] [--tasks T] [--seed S]
#   -n DARTS   darts of the whole job (default 40M)
#   --tasks T  array tasks (default 4: --array=0-3)
#   --seed S   random seed (default 1)
# Python: the copies of chapter 01's "many copies" (prog &; prog &; wait),
# or pool.map over the tasks, with the queue of a cluster in between.
# Look for: 4 tasks, at most 2 at a time on 2 CPUs, each its own block range.
# shellcheck source=jobs.sh disable=SC1091
. "$(dirname "$0")/jobs.sh"
parse_options "$@"
need_cluster
make_work

array=$(submit 1_pi_array.sbatch --array=0-$((TASKS - 1)))
echo "[submit] sbatch --array=0-$((TASKS - 1)) 1_pi_array.sbatch: job $array, $DARTS darts, seed $SEED"
wait_job "$array"
echo "[files] what each task wrote, named by SLURM_ARRAY_TASK_ID:"
task=0
while [ $task -lt "$TASKS" ]; do
    echo "counts/task-$task.txt: $(cat "$WORK/counts/task-$task.txt")"
    task=$((task + 1))
done
