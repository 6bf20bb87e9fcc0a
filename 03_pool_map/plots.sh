#!/bin/sh
# SPDX-License-Identifier: MIT
# plots.sh - chapter 03's figures (make plots runs it, with BIN set):
#   results/03_pool_map/chunksize.png  throughput against chunksize, with a model
#   results/03_pool_map/timeline.png   the schedule of 40 uneven tasks, two chunksizes
# The data come from one real run of pool_map; the gnuplot scripts beside
# this file draw them (timeline.gp, sweep.gp).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
BIN=${BIN:-$top/build/bin}

if ! command -v gnuplot >/dev/null 2>&1; then
    echo "03_pool_map: gnuplot is not installed: no plots (make deps installs it)"
    exit 0
fi
out=$top/results/03_pool_map
mkdir -p "$out"

# The machine, for the titles: CPU model and how many CPUs we may use.
model=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null | head -n 1)
machine="${model:-$(uname -m)}, $(nproc) CPUs"

"$BIN/pool_map" -n 1000000 --timeline "$out/timeline.dat" >"$out/run.txt"
# The sweep table: "chunksize chunks seconds items/s" lines after its header.
awk '/^chunksize +chunks/ { on = 1; next }
     on && /^ *[0-9]+ +[0-9]+ / { print $1, $2, $3, $4; next }
     on { exit }' "$out/run.txt" >"$out/sweep.dat"

gnuplot -e "data='$out/sweep.dat'; out='$out/chunksize.png'; machine='$machine'" "$here/sweep.gp"
gnuplot -e "data='$out/timeline.dat'; out='$out/timeline.png'; machine='$machine'" "$here/timeline.gp"
echo "03_pool_map: wrote $out/chunksize.png and $out/timeline.png"
echo "03_pool_map: (the run they come from: $out/run.txt)"
