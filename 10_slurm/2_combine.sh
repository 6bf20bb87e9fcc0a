#!/bin/sh
# SPDX-License-Identifier: MIT
# 2_combine.sh - a job that waits for another: the array of step 1, then
# 2_combine.sbatch with --dependency=afterok:<array>, which adds the counts.
# Its estimate is, bit for bit, chapter 08's 4_pi_timed on one machine
# with the same seed and darts and one worker per array task.
#
# Usage: sh 10_slurm/2_combine.sh [-n DARTS] [--tasks T] [--seed S]
#   -n DARTS   darts of the whole job (default 40M)
#   --tasks T  array tasks (default 2)
#   --seed S   random seed (default 1)
# Python: results = pool.map(throw, blocks); pi = 4 * sum(results) / darts
# Look for: the combine job pending (Dependency), then two equal estimates.
# shellcheck source=jobs.sh disable=SC1091
. "$(dirname "$0")/jobs.sh"
TASKS=2
parse_options "$@"
need_cluster
make_work

array=$(submit 1_pi_array.sbatch --array=0-$((TASKS - 1)))
combine=$(submit 2_combine.sbatch --dependency=afterok:"$array")
echo "[submit] array job $array ($TASKS tasks), combine job $combine (afterok:$array)"
squeue -h -j "$combine" -o '[queue] job %i: %T (reason: %r)'
wait_job "$combine" || {
    report_job "$array"
    exit 1
}
echo "[log] logs/pi-combine-$combine.out:"
cat "$WORK/logs/pi-combine-$combine.out"
slurm=$(awk '/^combine:/ { print $NF }' "$WORK/logs/pi-combine-$combine.out")

# The same job on this one machine: chapter 08, one worker per array task.
one=$("$BIN/$PI_PROGRAM" -j "$TASKS" -n "$DARTS" --seed "$SEED" --csv | awk -F, 'NR == 2 { print $4 }')
printf '[compare] %-36s pi ~ %s\n' "Slurm array + combine:" "$slurm"
printf '[compare] %-36s pi ~ %s\n' "$PI_PROGRAM -j $TASKS on one machine:" "$one"
if [ "$slurm" = "$one" ]; then
    echo "[compare] the same estimate: the blocks, not the machines, choose the darts"
else
    echo "[compare] the estimates differ: that is a bug" >&2
    exit 1
fi
