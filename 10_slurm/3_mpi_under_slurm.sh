#!/bin/sh
# SPDX-License-Identifier: MIT
# 3_mpi_under_slurm.sh - chapter 09's MPI pi as a batch job: 3_mpi_pi.sbatch
# asks for --ntasks ranks and starts them with srun --mpi=pmix. The estimate
# is chapter 08's, bit for bit, as it was with mpirun on one machine.
#
# Usage: sh 10_slurm/3_mpi_under_slurm.sh [-n DARTS] [--tasks T] [--seed S]
#   -n DARTS   darts in all (default 40M)
#   --tasks T  MPI ranks: sbatch --ntasks=T (default 2)
#   --seed S   random seed (default 1)
# Python: mpi4py under srun (srun --mpi=pmix python3 pi.py): the same job.
# Look for: the CSV line of the MPI job and chapter 08's, the same estimate.
# shellcheck source=jobs.sh disable=SC1091
. "$(dirname "$0")/jobs.sh"
TASKS=2
parse_options "$@"
if [ ! -x "$BIN/$MPI_PROGRAM" ]; then # as chapter 09's run.sh: MPI is optional
    echo "step 3 skipped: $BIN/$MPI_PROGRAM is not built (the Makefile builds it only where mpicc exists: make deps)"
    exit 0
fi
need_cluster
make_work

job=$(submit 3_mpi_pi.sbatch --ntasks="$TASKS")
echo "[submit] sbatch --ntasks=$TASKS 3_mpi_pi.sbatch: job $job, $DARTS darts, seed $SEED"
if ! wait_job "$job"; then
    cat "$WORK/logs/mpi-pi-$job.out" >&2
    exit 1
fi
echo "[log] logs/mpi-pi-$job.out:"
cat "$WORK/logs/mpi-pi-$job.out"
mpi=$(awk -F, 'NR == 2 { print $4 }' "$WORK/logs/mpi-pi-$job.out")
one=$("$BIN/$PI_PROGRAM" -j "$TASKS" -n "$DARTS" --seed "$SEED" --csv | awk -F, 'NR == 2 { print $4 }')
printf '[compare] %-36s pi ~ %s\n' "$MPI_PROGRAM, $TASKS ranks under srun:" "$mpi"
printf '[compare] %-36s pi ~ %s\n' "$PI_PROGRAM -j $TASKS on one machine:" "$one"
if [ "$mpi" = "$one" ]; then
    echo "[compare] the same estimate"
else
    echo "[compare] the estimates differ: that is a bug" >&2
    exit 1
fi
