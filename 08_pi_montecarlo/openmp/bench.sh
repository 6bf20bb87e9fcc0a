#!/bin/sh
# SPDX-License-Identifier: MIT
# bench.sh - darts per second of pi_montecarlo (a pool of processes) and of
# pi_openmp (OpenMP threads), side by side: the same kernel, the same blocks
# and random streams, compiled with the same flags (plus -fopenmp).
#
# Usage: sh 08_pi_montecarlo/openmp/bench.sh [DARTS]   (default 500M)
#   BUILD=dir   the build folder holding lib/libcommon.a and bin/ (default build)
#   CC, CFLAGS, LDFLAGS  as for make (default cc, -O2 -g; they must match the
#               library's: a sanitizer build needs the same -fsanitize flags)
#   REPEATS=N   runs per number, the median is kept (default 3)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$top/build}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
LDFLAGS=${LDFLAGS:-}
repeats=${REPEATS:-3}
darts=${1:-500M}
lib=$BUILD/lib/libcommon.a
pi=$BUILD/bin/pi_montecarlo
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

# The median darts/s of REPEATS runs; $1 is "pi" or "omp", $2 the workers.
rate() {
    i=0
    while [ $i -lt "$repeats" ]; do
        if [ "$1" = pi ]; then
            "$pi" --csv -j "$2" -n "$darts"
        else
            OMP_NUM_THREADS=$2 "$omp" -n "$darts"
        fi | tail -n 1
        i=$((i + 1))
    done | awk -F, '{ r[NR] = $2 / $3 / 1e6; e = $4 }
        END { for (i = 2; i <= NR; i++)
                  for (j = i; j > 1 && r[j - 1] > r[j]; j--) { x = r[j]; r[j] = r[j - 1]; r[j - 1] = x }
              printf "%.1f %s\n", r[int((NR + 1) / 2)], e }'
}

usable=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
echo "== $darts darts, median of $repeats runs, $CC $CFLAGS (+ -fopenmp for OpenMP) =="
echo "workers  processes (Mdarts/s)  OpenMP threads (Mdarts/s)  ratio  same estimate"
for w in 1 "$usable"; do
    set -- $(rate pi "$w") $(rate omp "$w")
    same=no
    [ "$2" = "$4" ] && same=yes
    printf '%7d  %21s  %25s  %5.2f  %s (%s)\n' "$w" "$1" "$3" \
        "$(awk -v a="$1" -v b="$3" 'BEGIN { print a / b }')" "$same" "$2"
    [ "$usable" -gt 1 ] || break
done
