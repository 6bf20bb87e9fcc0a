#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - chapter 09's reading path (make run-09), one banner per step, each
# MPI program started by mpirun.sh with 2 ranks; then 1 and 2 ranks timed,
# best of 3 each, and a verdict. Without MPI it says how to get it and stops
# (exit 0: the rest of the tutorial does not need MPI).
# shellcheck source=../common/scripts/steps.sh disable=SC1091
. "$(dirname "$0")/../common/scripts/steps.sh"
# shellcheck source=../common/scripts/verdict.sh disable=SC1091
. "$STEPS_HERE/../common/scripts/verdict.sh"
launch="sh $STEPS_HERE/mpirun.sh"
pi=$STEPS_BIN/3_mpi_pi

if ! command -v mpirun >/dev/null 2>&1 || [ ! -x "$pi" ]; then
    if ! command -v mpirun >/dev/null 2>&1; then
        echo "MPI is not installed (no mpirun), so this chapter cannot run here."
    else
        echo "$pi is not built: the Makefile builds it only when mpicc exists."
    fi
    echo "Get Open MPI with 'make deps' (as root or with sudo), or"
    echo "  sudo apt-get install openmpi-bin libopenmpi-dev      (Debian, Ubuntu)"
    echo "  sudo dnf install openmpi openmpi-devel               (Fedora; then 'module load mpi')"
    echo "  brew install open-mpi                                (macOS)"
    echo "then 'make' and 'make run-09' again."
    exit 0
fi

# step_mpi PROGRAM [ARGS...]: banner, then PROGRAM on 2 ranks.
step_mpi() {
    program=$1
    shift
    step_banner "mpirun -np 2 $program${*:+ $*}"
    $launch -np 2 "$STEPS_BIN/$program" "$@"
}
step_mpi 1_mpi_hello
step_mpi 2_mpi_pi_reduce
step_mpi 3_mpi_pi -n 20M
step_mpi 4_mpi_reduce_cost

darts=${DARTS:-100M}
runs=${RUNS:-3}
step_banner "the same $darts darts with 1 and 2 ranks, best of $runs runs each"
# Alternate 1 and 2 ranks round by round, so that a burst of load from
# another program hits both; keep the fastest run of each (verdict.h's rule).
i=0
all=""
while [ $i -lt "$runs" ]; do
    for np in 1 2; do
        all="$all$($launch -np $np "$pi" --csv -n "$darts" | tail -n 1)
"
    done
    i=$((i + 1))
done
# workers(ranks),darts,seconds,estimate,error: the estimates must agree
best=$(printf '%s' "$all" | awk -F, '
    !($1 in t) || $3 < t[$1] { t[$1] = $3 } { e[$1 "," $4] = 1; n[$1]++; est = $4 }
    END { k = 0; for (x in e) k++
          printf "%.6f %.6f %s %d %d\n", t[1], t[2], est, k, n[1] }')
# shellcheck disable=SC2086 # three numbers, split on purpose
set -- $best
printf '1 rank : %.3f s, 2 ranks: %.3f s (best of %d each), pi ~ %.7f with both\n' "$1" "$2" "$5" "$3"
awk -v a="$1" -v b="$2" -v v="$(verdict_compare "$1" "$2" "2 ranks are faster" "2 ranks are slower")" \
    'BEGIN { printf "speedup %.2f, parallel efficiency %.2f (1.00 is perfect): %s\n", a / b, a / b / 2, v }'
if [ "$4" != 2 ]; then
    echo "the estimates differ: that is a bug"
    exit 1
fi
echo "the same estimate with 1 and 2 ranks: the blocks, not the ranks, choose the darts"
verdict_busy_note
