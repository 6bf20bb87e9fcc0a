#!/bin/sh
# SPDX-License-Identifier: MIT
# bench.sh - darts per second of 4_pi_timed (a pool of processes) and of
# pi_openmp (OpenMP threads), side by side: the same kernel, the same blocks
# and random streams, compiled with the same flags (plus -fopenmp).
#
# Usage: sh 08_pi_montecarlo/openmp/bench.sh [DARTS]   (default 500M)
#   BUILD=dir   the build folder holding lib/libcommon.a and bin/ (default build)
#   CC, CFLAGS, LDFLAGS  as for make (default cc, -O2 -g; they must match the
#               library's: a sanitizer build needs the same -fsanitize flags)
#   REPEATS=N   runs per number, the fastest is kept (default 5, at least 3
#               for a verdict: common/scripts/verdict.sh; why the
#               fastest, not the median: the chapter README, "Why the fastest
#               run, not the median")
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$top/build}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
LDFLAGS=${LDFLAGS:-}
repeats=${REPEATS:-5}
# shellcheck source=../../common/scripts/verdict.sh disable=SC1091
. "$top/common/scripts/verdict.sh"
darts=${1:-500M}
lib=$BUILD/lib/libcommon.a
pi=$BUILD/bin/4_pi_timed
omp=$BUILD/bin/pi_openmp
if [ ! -f "$lib" ] || [ ! -x "$pi" ]; then
    echo "bench.sh: build first (make BUILD=$BUILD)" >&2
    exit 1
fi
# The Makefile's flags, word for word, plus -fopenmp.
# shellcheck disable=SC2086
if ! $CC -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$top/common" \
        -std=c11 -Wall -Wextra -Wpedantic -Werror $CFLAGS -fopenmp \
        "$here/pi_openmp.c" "$lib" $LDFLAGS -lm -pthread -o "$omp"; then
    echo "bench.sh: could not build pi_openmp with $CC (it needs -fopenmp, and CFLAGS/LDFLAGS like the library's)" >&2
    exit 1
fi

# One run's "Mdarts/s estimate"; $1 is "pi" or "omp", $2 the workers.
one() {
    if [ "$1" = pi ]; then
        "$pi" --csv -j "$2" -n "$darts"
    else
        OMP_NUM_THREADS=$2 "$omp" -n "$darts"
    fi | awk -F, 'NR == 2 { printf "%.1f %s\n", $2 / $3 / 1e6, $4 }'
}
# The highest of a column of rates: the run least slowed by other programs.
fastest() {
    sort -n | tail -n 1
}

usable=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
echo "== $darts darts, fastest of $repeats runs, $CC $CFLAGS (+ -fopenmp for OpenMP) =="
echo "workers  processes (Mdarts/s)  OpenMP threads (Mdarts/s)  ratio  same estimate"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for w in 1 "$usable"; do
    # alternate the two, so that a change in the machine's load hits both
    i=0
    : > "$tmp"
    while [ $i -lt "$repeats" ]; do
        echo "pi $(one pi "$w")" >> "$tmp"
        echo "omp $(one omp "$w")" >> "$tmp"
        i=$((i + 1))
    done
    a=$(awk '$1 == "pi" { print $2 }' "$tmp" | fastest)
    b=$(awk '$1 == "omp" { print $2 }' "$tmp" | fastest)
    estimates=$(awk '{ print $3 }' "$tmp" | sort -u)
    same=no
    [ "$(printf '%s\n' "$estimates" | wc -l)" -eq 1 ] && same=yes
    printf '%7d  %21s  %25s  %5.2f  %s (%s)\n' "$w" "$a" "$b" \
        "$(awk -v a="$a" -v b="$b" 'BEGIN { print a / b }')" "$same" "$(printf '%s\n' "$estimates" | head -n 1)"
    # the rule of verdict.h, on the time per dart (1 / rate: smaller is better)
    if [ "$repeats" -ge 3 ]; then
        echo "         $w worker(s): $(verdict_compare "$(awk -v a="$a" 'BEGIN { print 1 / a }')" \
            "$(awk -v b="$b" 'BEGIN { print 1 / b }')" "OpenMP threads are faster" "processes are faster")"
    else
        echo "         $w worker(s): $repeats run(s) only: no verdict (REPEATS=3 or more)"
    fi
    [ "$usable" -gt 1 ] || break
done
verdict_busy_note
