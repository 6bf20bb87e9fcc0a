#!/bin/sh
# SPDX-License-Identifier: MIT
# many_copies.sh - the simplest parallelism there is: run the same program on
# several input files at once, from the shell, and time it against running
# them one after another.
#
# Usage: many_copies.sh [-j N] [-n FILES] [-q]
#
# It writes FILES text files into a temporary folder, then compresses each
# with `gzip -9` three ways: one after another (a loop), all at once with `&`
# and `wait`, and N at a time with `xargs -P N`. It prints the time each way
# took, checks that the three ways made the same compressed files, and
# removes the folder (also on Ctrl-C). Needs GNU date (for %N) and gzip.
set -u

prog=$(basename "$0")
usage() {
    cat <<EOF
Usage: $prog [-j N] [-n FILES] [-q]
Compress FILES generated files with gzip -9: one after another, with & + wait,
and with xargs -P N. Prints the time of each.

  -j N       jobs at a time for xargs -P (default: usable CPUs, from nproc)
  -n FILES   input files (default 4)
  -q         results only, no explanations
  -h         this text
EOF
}
usage_error() {
    echo "$prog: $1 (try '$prog -h')" >&2
    exit 2
}
# A whole number in [1, max], or a usage error naming the option.
whole() {
    case $2 in
        '' | *[!0-9]*) usage_error "$1: '$2' is not a whole number" ;;
    esac
    # no more than 6 digits, so the shell's arithmetic cannot overflow
    if [ ${#2} -gt 6 ] || [ "$2" -lt 1 ] || [ "$2" -gt "$3" ]; then
        usage_error "$1: $2 is out of range (1 to $3)"
    fi
}

jobs=$(nproc 2>/dev/null || echo 2)
files=4
quiet=
while getopts ':j:n:qh' opt; do
    case $opt in
        j) whole -j "$OPTARG" 64; jobs=$OPTARG ;;
        n) whole -n "$OPTARG" 64; files=$OPTARG ;;
        q) quiet=1 ;;
        h) usage; exit 0 ;;
        :) usage_error "option '-$OPTARG' needs a value" ;;
        *) usage_error "unknown option '-$OPTARG'" ;;
    esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage_error "unexpected argument '$1'"

me="[shell $$]"
rounds=3 # every timing is the best of 3 runs
note() { [ -n "$quiet" ] || printf '  %s\n' "$*"; }
now() { date +%s.%N; }
# seconds between two `now` readings, with 2 decimals
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# The temporary folder goes away however the script ends. On Ctrl-C or
# kill, stop the background jobs too, then die of the same signal so the
# caller sees it (status 130 or 143).
tmp=$(mktemp -d "${TMPDIR:-/tmp}/many_copies.XXXXXX") || exit 1
pids=
cleanup() {
    # shellcheck disable=SC2086 # $pids is a list of pids: split on purpose
    [ -z "$pids" ] || kill $pids 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
for sig in INT TERM HUP; do
    # shellcheck disable=SC2064 # $sig must expand now, once per signal
    trap "cleanup; trap - $sig EXIT; kill -$sig \$\$" $sig
done

echo "== many copies from the shell =="
# The inputs: numbers, one a line, about 0.6 MB per file, different per file.
i=1
while [ $i -le "$files" ]; do
    seq $i 100000 > "$tmp/input$i.txt" || exit 1
    i=$((i + 1))
done
size=$(du -k "$tmp/input1.txt" | awk '{ printf "%.1f", $1 / 1024 }')
echo "$me $files input files of about $size MB each; the job: gzip -9"

# The job one copy runs: compress one file into the folder of one way.
# (The & and xargs ways run exactly this, only several at a time.)
compress() { gzip -9 -c "$1" > "$2/$(basename "$1").gz"; }

# 1. One after another: a plain loop, the baseline.
way_serial() {
    for f in "$tmp"/input*.txt; do
        compress "$f" "$1" || return 1
    done
}

# 2. All at once: `&` starts each copy in the background (fork + exec),
# `wait PID` is join: it reaps that copy and gives its exit status.
way_background() {
    pids=
    for f in "$tmp"/input*.txt; do
        compress "$f" "$1" &
        pids="$pids $!"
    done
    failed=0
    for pid in $pids; do
        wait "$pid" || failed=1
    done
    pids=
    [ $failed -eq 0 ] || { echo "$prog: a background copy failed" >&2; return 1; }
}

# 3. N at a time: xargs starts a new copy whenever one ends, like a pool
# with N workers and chunksize 1. It exits 123 if any copy failed.
way_xargs() {
    # The single quotes are sh -c's script: $1 and $2 expand in that shell.
    # shellcheck disable=SC2016
    printf '%s\n' "$tmp"/input*.txt |
        xargs -P "$jobs" -I{} sh -c 'gzip -9 -c "$1" > "$2/$(basename "$1").gz"' \
            sh {} "$1" ||
        { echo "$prog: xargs: a copy failed" >&2; return 1; }
}

# best WAY: run WAY $rounds times into $tmp/WAY, print the best time (s).
best() {
    best_time=
    r=0
    while [ $r -lt $rounds ]; do
        rm -rf "${tmp:?}/$1" && mkdir "$tmp/$1" || exit 1
        t0=$(now)
        "way_$1" "$tmp/$1" || exit 1
        t=$(elapsed "$t0" "$(now)")
        best_time=$(awk -v a="$t" -v b="${best_time:-$t}" 'BEGIN { print (a < b ? a : b) }')
        r=$((r + 1))
    done
    echo "$best_time"
}

# speedup SERIAL PARALLEL: the ratio, and what it supports: as
# verdict_compare in common/verdict.c, closer than 5 % is too close to call.
speedup() {
    awk -v s="$1" -v p="$2" 'BEGIN {
        if (p <= 0) p = 0.005  # below the 0.01 s the times are printed to
        v = "too close to call on this machine"
        if (p < s * 0.95) v = "faster"
        else if (p > s * 1.05) v = "slower"
        printf "speedup %.1f x: %s", s / p, v
    }'
}

serial=$(best serial)
echo "$me one after another (for loop):   $serial s (best of $rounds)"
background=$(best background)
echo "$me all at once (& and wait):       $background s (best of $rounds; $(speedup "$serial" "$background"))"
xargs_time=$(best xargs)
echo "$me $jobs at a time (xargs -P $jobs):       $xargs_time s (best of $rounds; $(speedup "$serial" "$xargs_time"))"

# The same work must give the same result whichever way it ran.
same=yes
for f in "$tmp"/serial/*.gz; do
    name=$(basename "$f")
    cmp -s "$f" "$tmp/background/$name" && cmp -s "$f" "$tmp/xargs/$name" ||
        same=no
done
set -- "$tmp"/xargs/*.gz
count=$#
echo "$me each way made $count compressed files; identical: $same"
note "The copies share nothing, so running them side by side needs no code at all:"
note "this is embarrassingly parallel work. & starts every copy at once (fine for"
note "a few; for thousands it would swamp the machine); xargs -P keeps $jobs running."
cores=$(nproc 2>/dev/null || echo "$jobs")
# A speedup above the CPUs is not possible for this work: it means the
# machine's load changed between the runs.
over=$(awk -v s="$serial" -v a="$background" -v b="$xargs_time" -v c="$cores" \
    'BEGIN { m = a < b ? a : b; if (m <= 0) m = 0.005; print (s / m > c * 1.05 ? 1 : 0) }')
if [ "$over" = 1 ]; then
    echo "$me a speedup above $cores x on $cores usable CPUs is the load changing between runs, not the work"
fi
note "With $cores usable CPUs, $cores x is the most this work can gain."
# Busy when the one-minute load is at least the usable CPUs, as
# verdict_busy in common/verdict.c computes it.
awk -v c="$cores" -v me="$me" '{ if ($1 >= c) printf "%s this machine is busy (load %.2f on %d CPU%s): timings unreliable\n", me, $1, c, (c == 1 ? "" : "s") }' /proc/loadavg 2>/dev/null
[ "$same" = yes ]
