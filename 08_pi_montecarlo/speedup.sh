#!/bin/sh
# SPDX-License-Identifier: MIT
# speedup.sh - measure pi_montecarlo's speedup from 1 worker to 2 x the usable
# CPUs, twice (as it is, and with --serial-fraction), then fit Amdahl's law
# and plot it with gnuplot (speedup.gp).
#
# Usage: sh 08_pi_montecarlo/speedup.sh [--mpi]
#   --mpi            a third series: the same darts thrown by W MPI ranks
#                    (chapter 09's mpi_pi, started by 09_mpi/mpirun.sh), on
#                    the same plot as the pool's W workers
#   BIN=dir          where pi_montecarlo is (default: build/bin)
#   FULL=1           thorough: 1e9 darts, median of 5 (minutes, not seconds)
#   DARTS=N          darts per run (default 60M; FULL: 1e9)
#   REPEATS=N        runs per point, the median is kept (default 3; FULL: 5)
#   STAT=min         keep the fastest run instead of the median: on a machine
#                    shared with other jobs, the least disturbed one
#   MAX_WORKERS=N    sweep 1 .. N (default 2 x usable CPUs)
#   SERIAL=F         the --serial-fraction of the second sweep (default 0.2)
#   OUT=dir          where CSV and PNG go (default results/08_pi_montecarlo)
#   TITLE_NOTE=text  added to the plot's title
# Writes OUT/runs.csv (every run), OUT/speedup.csv and OUT/speedup-serial.csv
# (the medians; with --mpi also OUT/speedup-mpi.csv), OUT/speedup.png; prints a table and a text rendering.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
BIN=${BIN:-$top/build/bin}
prog=$BIN/pi_montecarlo
if [ ! -x "$prog" ]; then
    echo "speedup.sh: $prog not found (run make first)" >&2
    exit 1
fi
mpi=0
series_list="plain serial"
case ${1:-} in
    "") ;;
    --mpi)
        mpi=1
        series_list="plain serial mpi"
        if ! command -v mpirun >/dev/null 2>&1 || [ ! -x "$BIN/mpi_pi" ]; then
            echo "speedup.sh: --mpi needs mpirun and $BIN/mpi_pi (make deps, then make)" >&2
            exit 1
        fi
        ;;
    *) echo "speedup.sh: unknown argument '$1' (the only one is --mpi)" >&2; exit 2 ;;
esac

# ---- the machine: usable CPUs (affinity), logical CPUs, physical cores
usable=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
logical=$(getconf _NPROCESSORS_ONLN)
# A physical core is a distinct (physical id, core id) pair; hyperthreads
# share one. Without that information, count every CPU as a core.
physical=$(awk -F: '/^physical id/ { p = $2 } /^core id/ { seen[p "/" $2] = 1 }
                    END { n = 0; for (k in seen) n++; print n }' /proc/cpuinfo 2>/dev/null || echo 0)
[ "${physical:-0}" -gt 0 ] || physical=$logical
model=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$model" ] || model=$(uname -m)

if [ -n "${FULL:-}" ]; then
    darts=${DARTS:-1e9}
    repeats=${REPEATS:-5}
else
    darts=${DARTS:-60M}
    repeats=${REPEATS:-3}
fi
max_workers=${MAX_WORKERS:-$((2 * usable))}
serial=${SERIAL:-0.2}
stat=${STAT:-median}
case $stat in
    median | min) ;;
    *) echo "speedup.sh: STAT must be median or min, not '$stat'" >&2; exit 2 ;;
esac
out=${OUT:-$top/results/08_pi_montecarlo}
mkdir -p "$out"
runs=$out/runs.csv

# ---- the sweep: every worker count, several rounds; keep the median time.
# Each round visits every point once (both series), so that a burst of load
# from another program spoils one round's points, not every run of one point.
echo "series,repeat,workers,darts,seconds,estimate,error" > "$runs"
total_runs=$(($(echo "$series_list" | wc -w) * max_workers * repeats))
done_runs=0
r=1
while [ $r -le "$repeats" ]; do
    w=1
    while [ $w -le "$max_workers" ]; do
        for series in $series_list; do
            if [ "$series" = serial ]; then fraction=$serial; else fraction=0; fi
            if [ -t 2 ]; then
                printf '\r[speedup.sh] round %d of %d: %d workers, %s (%d%% done) ' \
                    $r "$repeats" $w "$series" $((100 * done_runs / total_runs)) >&2
            fi
            if [ "$series" = mpi ]; then
                # the same CSV columns; the first one holds the rank count
                line=$(sh "$top/09_mpi/mpirun.sh" -np $w "$BIN/mpi_pi" --csv -n "$darts" | tail -n 1)
            else
                line=$("$prog" --csv -j $w -n "$darts" --serial-fraction "$fraction" | tail -n 1)
            fi
            echo "$series,$r,$line" >> "$runs"
            done_runs=$((done_runs + 1))
        done
        w=$((w + 1))
    done
    r=$((r + 1))
done
if [ -t 2 ]; then printf '\r%78s\r' '' >&2; fi

# The median (or fastest) time per worker count, then speedup S = T1 / TW, efficiency E = S / W
# and the Karp-Flatt serial fraction e = (1/S - 1/W) / (1 - 1/W).
medians() {
    awk -F, -v want="$1" -v stat="$stat" '
        NR > 1 && $1 == want { n[$3]++; t[$3, n[$3]] = $5; darts = $4 }
        END {
            print "workers,darts,seconds,speedup,efficiency,karp_flatt"
            for (w = 1; w in n; w++) {
                # insertion sort of this point'"'"'s times, then the middle one
                for (i = 2; i <= n[w]; i++)
                    for (j = i; j > 1 && t[w, j - 1] > t[w, j]; j--) {
                        x = t[w, j]; t[w, j] = t[w, j - 1]; t[w, j - 1] = x
                    }
                m = n[w] % 2 ? t[w, (n[w] + 1) / 2] \
                             : (t[w, n[w] / 2] + t[w, n[w] / 2 + 1]) / 2
                if (stat == "min") m = t[w, 1]
                if (w == 1) t1 = m
                s = t1 / m
                kf = w > 1 ? sprintf("%.4f", (1 / s - 1 / w) / (1 - 1 / w)) : "nan"
                printf "%d,%s,%.6f,%.4f,%.4f,%s\n", w, darts, m, s, s / w, kf
            }
        }' "$runs"
}
medians plain > "$out/speedup.csv"
medians serial > "$out/speedup-serial.csv"
[ $mpi = 0 ] || medians mpi > "$out/speedup-mpi.csv"

table() {
    awk -F, 'NR > 1 { printf "%7d %9.3f %8.2f %11.2f %11s\n", $1, $3, $4, $5, $6 }' "$1"
}
cpus_word=CPUs; [ "$usable" -gt 1 ] || cpus_word=CPU
if [ "$stat" = min ]; then kept="fastest of $repeats"; else kept="median of $repeats"; fi
echo "== speedup: $darts darts per run, $kept, $model, $physical cores, $usable usable $cpus_word =="
echo "workers   seconds  speedup  efficiency  karp-flatt"
table "$out/speedup.csv"
echo "== the same with --serial-fraction $serial =="
echo "workers   seconds  speedup  efficiency  karp-flatt"
table "$out/speedup-serial.csv"
if [ $mpi = 1 ]; then
    echo "== the same darts with MPI ranks instead of pool workers (09_mpi/mpi_pi) =="
    echo "  ranks   seconds  speedup  efficiency  karp-flatt"
    table "$out/speedup-mpi.csv"
fi

# ---- Amdahl's law fitted by gnuplot, drawn as PNG and as text
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "speedup.sh: gnuplot is not installed: no plot (the CSV files are in $out)"
    exit 0
fi
gnuplot -e "dir='$out'; model='$model'; physical=$physical; logical=$logical; \
            usable=$usable; serial=$serial; darts='$darts'; kept='$kept'; \
            note='${TITLE_NOTE:-}'; mpi=$mpi" "$here/speedup.gp"
echo "speedup.sh: wrote $out/speedup.png and the CSV files beside it"
