#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - `make run-09`: one narrated MPI run with 2 ranks, then the same
# job with 1 and 2 ranks, timed, and the speedup. Without MPI it says how to
# get it and stops (exit 0: the rest of the tutorial does not need MPI).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BIN=${BIN:-$here/../build/bin}
pi=$BIN/mpi_pi
launch="sh $here/mpirun.sh"

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

$launch -np 2 "$pi" -n 100M
echo
darts=${DARTS:-200M}
echo "== the same $darts darts with 1 and 2 ranks (mpirun -np 1, -np 2) =="
one=$($launch -np 1 "$pi" --csv -n "$darts" | tail -n 1)
two=$($launch -np 2 "$pi" --csv -n "$darts" | tail -n 1)
# workers(ranks),darts,seconds,estimate,error: the estimates must agree
echo "$one
$two" | awk -F, '
    { printf "%d rank%s: %.3f s, pi ~ %.7f\n", $1, $1 == 1 ? " " : "s", $3, $4
      t[NR] = $3; e[NR] = $4 }
    END {
        s = t[1] / t[2]
        printf "speedup %.2f, parallel efficiency %.2f (1.00 is perfect; other jobs on the machine disturb both runs, so it varies)\n", s, s / 2
        if (e[1] != e[2]) { print "the estimates differ: that is a bug"; exit 1 }
        print "the same estimate with 1 and 2 ranks: the blocks, not the ranks, choose the darts"
    }'
