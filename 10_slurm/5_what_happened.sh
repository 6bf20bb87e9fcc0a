#!/bin/sh
# SPDX-License-Identifier: MIT
# 5_what_happened.sh - read what the scheduler did: squeue while the jobs
# wait, then each job's state, exit code and elapsed time (scontrol, and the
# job-completion log). One array task fails on purpose (5_flaky_array.sbatch),
# so the combine job, submitted with afterok, can never run: Slurm cancels it.
#
# Usage: sh 10_slurm/5_what_happened.sh [-n DARTS] [--tasks T] [--seed S]
#   -n DARTS   darts of the whole job (default 40M)
#   --tasks T  array tasks (default 2); the last one fails
#   --seed S   random seed (default 1)
# Python: pool.map raises when one task raises, and no result comes back.
# Look for: the last task FAILED with exit code 3:0; the combine CANCELLED.
# Exit status 0 when that is what happened, 1 otherwise.
# shellcheck source=jobs.sh disable=SC1091
. "$(dirname "$0")/jobs.sh"
TASKS=2
parse_options "$@"
need_cluster
make_work
FAIL_TASK=$((TASKS - 1))
export FAIL_TASK

array=$(submit 5_flaky_array.sbatch --array=0-$((TASKS - 1)))
combine=$(submit 2_combine.sbatch --dependency=afterok:"$array")
echo "[submit] array job $array ($TASKS tasks, task $FAIL_TASK fails), combine job $combine (afterok:$array)"
echo "[squeue] right after submitting:"
squeue -j "$array,$combine" -o '%.10i %.10j %.9T %r'
array_ok=0
wait_job "$array" || array_ok=$?
echo "[log] logs/pi-flaky-${array}_$FAIL_TASK.out:"
cat "$WORK/logs/pi-flaky-${array}_$FAIL_TASK.out"
combine_ok=0
wait_job "$combine" || combine_ok=$?

# The job-completion log (JobCompType=jobcomp/filetxt): one line per job.
log=$(scontrol show config | awk '$1 == "JobCompLoc" { print $3 }')
if [ -r "$log" ]; then
    echo "[jobcomp] the job-completion log (JobCompLoc), the lines of these jobs:"
    awk -v array="$array" -v combine="$combine" '
        { delete f
          for (i = 1; i <= NF; i++) { k = $i; sub(/=.*/, "", k); v = $i; sub(/^[^=]*=/, "", v); f[k] = v } }
        f["ArrayJobId"] == array || f["JobId"] == combine {
          line = sprintf("%s: %s, exit code %s, from %s to %s", f["Name"], f["JobState"],
                         f["ExitCode"], substr(f["StartTime"], 12), substr(f["EndTime"], 12))
          if (f["JobId"] == combine) last = "[jobcomp] job " combine " " line
          else task[f["ArrayTaskId"]] = "[jobcomp] job " array "_" f["ArrayTaskId"] " " line }
        END { for (t = 0; t in task; t++) print task[t]; if (last != "") print last }' "$log"
fi
state=$(squeue -h -j "$combine" -o %T 2>/dev/null || true)
state=${state:-$(scontrol show job -o "$combine" | grep -oE 'JobState=[A-Z_]+' | cut -d= -f2)}
if [ "$array_ok" != 0 ] && [ "$combine_ok" != 0 ] && [ "$state" = CANCELLED ]; then
    echo "[verdict] task $FAIL_TASK failed, so afterok:$array can never be met: Slurm cancelled job $combine"
else
    echo "[verdict] not what this step expects: array status $array_ok, combine $state" >&2
    exit 1
fi
