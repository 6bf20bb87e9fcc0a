#!/bin/sh
# SPDX-License-Identifier: MIT
# plots.sh - chapter 03's figures (make plots runs it, with BIN set):
#   results/03_pool_map/chunksize.png  throughput against chunksize, with a model
#   results/03_pool_map/timeline.png   the schedule of 40 uneven tasks, two chunksizes
# The data come from real runs of steps 4 and 5 (4_chunksize_sweep,
# 5_uneven_schedule); the gnuplot scripts beside this file draw them
# (sweep.gp, timeline.gp). When a run found the machine busy, the figure
# says so.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
BIN=${BIN:-$top/build/bin}

if ! command -v gnuplot >/dev/null 2>&1; then
    echo "03_pool_map: gnuplot is not installed: no plots (make deps installs it as root; without root, ask for the gnuplot package: nothing else needs it)"
    exit 0
fi
out=$top/results/03_pool_map
mkdir -p "$out"

# The machine, for the titles: CPU model and how many CPUs we may use.
model=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null | head -n 1)
machine="${model:-$(uname -m)}, $(nproc) CPUs"

"$BIN/4_chunksize_sweep" -n 1000000 >"$out/sweep.txt"
"$BIN/5_uneven_schedule" --timeline "$out/timeline.dat" >"$out/schedule.txt"
# The sweep table: "chunksize chunks seconds items/s" lines after its header.
awk '/^chunksize +chunks/ { on = 1; next }
     on && /^ *[0-9]+ +[0-9]+ / { print $1, $2, $3, $4; next }
     on { exit }' "$out/sweep.txt" >"$out/sweep.dat"
# verdict.h's busy note, if the run printed one ("" otherwise).
busy() { sed -n 's/^\[parent [0-9]*\] \(this machine is busy.*\)$/\1/p' "$1" | head -n 1; }

gnuplot -e "data='$out/sweep.dat'; out='$out/chunksize.png'; machine='$machine'; busy='$(busy "$out/sweep.txt")'" "$here/sweep.gp"
gnuplot -e "data='$out/timeline.dat'; out='$out/timeline.png'; machine='$machine'; busy='$(busy "$out/schedule.txt")'" "$here/timeline.gp"
echo "03_pool_map: wrote $out/chunksize.png and $out/timeline.png"
echo "03_pool_map: (the runs they come from: $out/sweep.txt, $out/schedule.txt)"
