#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - `make run-08`: one narrated run, the same estimate for any worker
# count, the fork + RNG bug, then a quick speedup sweep with its plot.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BIN=${BIN:-$here/../build/bin}
export BIN
pi=$BIN/pi_montecarlo

"$pi" -n 100M
echo
echo "== the same seed and darts, any worker count: the same estimate =="
for w in 1 2 3; do
    "$pi" -q -j $w -n 20M
done
echo
echo "== the fork + RNG bug: 5M darts per worker (--weak), own streams vs --same-seed =="
for w in 1 2 4; do
    "$pi" -q --weak -j $w -n 5M
    "$pi" -q --weak -j $w -n 5M --same-seed
done
echo
sh "$here/speedup.sh"
