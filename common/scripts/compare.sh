#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# compare.sh - make compare: each chapter's C program and its Python mirror
# on the same work (same flags), one table: chapter, what was measured, C,
# Python, ratio. Each figure is the median of REPEATS runs, C and Python
# alternating, so that load from elsewhere hits both alike. Where a program
# prints a measurement of its own (us per process, round trip, increments/s,
# darts/s) that is the figure; otherwise it is the whole run's wall time,
# interpreter start included (that is what a Python user waits for too).
#
# Usage: bash common/scripts/compare.sh
#   BUILD=dir   the build folder (default build; make compare passes it)
#   REPEATS=N   runs per figure, the median is kept (default 3)
#   QUICK=1     tiny sizes and one run, for the tests (numbers mean nothing)
# Finishes within 2 minutes on 2 cores. Writes results/compare.md too.
# A run that fails is reported, leaves "-" in the table, and makes the exit
# status 1.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
bin=$BUILD/bin
OUT=${OUT:-$top/results}
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then repeats=${REPEATS:-1}; else repeats=${REPEATS:-3}; fi
if [ ! -x "$bin/4_chunksize_sweep" ]; then
    echo "compare.sh: $bin/4_chunksize_sweep is missing: build first (make BUILD=$BUILD)" >&2
    exit 1
fi
have_python=1
if ! command -v python3 >/dev/null 2>&1; then
    have_python=0
    echo "compare.sh: python3 is not installed: the Python column stays empty" >&2
fi
cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)

if [ "$QUICK" = 1 ]; then
    n_proc=2 n_queue=200 n_map=2000 n_star=2000 n_cb=500 n_sum=10K n_ops=100 darts=20000
else
    n_proc=20 n_queue=20000 n_map=200000 n_star=20000 n_cb=2000 n_sum=100K n_ops=1000 darts=2M
fi

# Each row: chapter | what | unit | how | C command | Python command
# how is "wall" (elapsed seconds of the whole run) or an extended regular
# expression whose first number, in the output, is the figure.
rows=$(cat <<ROWS
01_process|start + join, fork, per process|us|\\(Python's "fork"\\)|Process, "fork"|7_fork_vs_spawn -q -n $n_proc|01_process/7_fork_vs_spawn.py -q -n $n_proc
01_process|start + join, fork+exec vs spawn, per process|us|\\(Python's "spawn"\\)|Process, "spawn"|7_fork_vs_spawn -q -n $n_proc|01_process/7_fork_vs_spawn.py -q -n $n_proc
02_queue|2 producers, 2 consumers, $n_queue items each|s wall|wall|wall|5_queue_workers -q -p 2 -j 2 -n $n_queue|02_queue/5_queue_workers.py -q -p 2 -j 2 -n $n_queue
03_pool_map|map(square) over $n_map items (-q)|s wall|wall|wall|4_chunksize_sweep -q -j $cores -n $n_map|03_pool_map/4_chunksize_sweep.py -q -j $cores -n $n_map
04_starmap|chunked parallel-for, n $n_star (-q)|s wall|wall|wall|3_parallel_for -q -j $cores -n $n_star|04_starmap/3_parallel_for.py -q -j $cores -n $n_star
05_apply_async|apply_async + get round trip|us|round trip|round trip|8_round_trip -q -j $cores|05_apply_async/8_round_trip.py -q -j $cores
06_callbacks|$n_cb tiny tasks, result by callback|us/result|by callback:[^,]*,|by callback:[^,]*,|7_callback_or_queue -q -j $cores -n $n_cb|06_callbacks/7_callback_or_queue.py -q -j $cores -n $n_cb
07_shared_memory|shared counter under a lock|M incr/s|with a lock:.*exact,[^,]*,|with a lock:.*exact,[^,]*,|2_shared_counter_lock -q -j $cores -n $n_sum|07_shared_memory/2_shared_counter_lock.py -q -j $cores -n $n_sum
07_shared_memory|server process, requests|ops/s|server: [0-9.]+ s,|server: [0-9.]+ s,|8_server_vs_shared_memory -q -j $cores --ops $n_ops|07_shared_memory/8_server_vs_shared_memory.py -q -j $cores --ops $n_ops
08_pi_montecarlo|Monte Carlo pi, $darts darts, $cores workers|Mdarts/s|csv|csv|4_pi_timed --csv -j $cores -n $darts|08_pi_montecarlo/4_pi_timed.py --csv -j $cores -n $darts
ROWS
)

raw=$(mktemp)
out=$(mktemp)
failed=$(mktemp)
trap 'rm -f "$raw" "$out" "$failed"' EXIT

# figure HOW FILE ELAPSED: the figure of one run from its output.
figure() {
    case $1 in
        wall) echo "$3" ;;
        csv) awk -F, 'NR == 2 { printf "%.3f\n", $2 / $3 / 1e6 }' "$2" ;;
        *) grep -E -- "$1" "$2" | head -n 1 | sed -E "s/.*$1[^0-9]*([0-9]+([.][0-9]+)?).*/\\1/" ;;
    esac
}
# run ID HOW COMMAND...: run once, record "ID figure"; a failure is reported.
run() {
    local id=$1 how=$2 t0 t1 value
    shift 2
    t0=$EPOCHREALTIME
    if ! "$@" > "$out" 2>&1 3>&-; then
        echo "compare.sh: failed: $* ($(tail -n 1 "$out"))" >&2
        echo "$id" >> "$failed"
        return 0
    fi
    t1=$EPOCHREALTIME
    value=$(figure "$how" "$out" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
    [ -n "$value" ] && echo "$id $value" >> "$raw"
    return 0
}

t_start=$(date +%s)
for round in $(seq "$repeats"); do
    [ -t 2 ] && echo "compare.sh: round $round of $repeats" >&2
    i=0
    while IFS='|' read -r _ _ _ how_c how_py c_cmd py_cmd; do
        i=$((i + 1))
        # shellcheck disable=SC2086 # the commands are split into words on purpose
        run "c$i" "$how_c" $bin/$c_cmd
        if [ $have_python = 1 ]; then
            # shellcheck disable=SC2086
            (cd "$top" && run "py$i" "$how_py" python3 $py_cmd)
        fi
    done <<< "$rows"
done
elapsed=$(($(date +%s) - t_start))

mkdir -p "$OUT"
printf '%s\n' "$rows" | awk -F'|' -v raw="$raw" -v repeats="$repeats" -v cores="$cores" \
    -v elapsed="$elapsed" -v quick="$QUICK" '
function median(id,    n, i, j, t, v) {
    n = cnt[id]
    if (n == 0) return ""
    for (i = 1; i <= n; i++) v[i] = val[id, i]
    for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
BEGIN {
    while ((getline line < raw) > 0) { split(line, f, " "); val[f[1], ++cnt[f[1]]] = f[2] }
    printf "# make compare: each chapter in C and in Python, same flags\n\n"
    printf "%d cores, median of %d runs per figure, C and Python alternating (%d s).%s\n\n", \
        cores, repeats, elapsed, quick == 1 ? " QUICK=1: tiny sizes, the numbers mean nothing." : ""
    printf "| chapter | what was measured | unit | C | Python | ratio |\n|---|---|---|---|---|---|\n"
}
{
    c = median("c" NR); p = median("py" NR)
    # the ratio says how many times better C did: time Python/C, rate C/Python
    better = ""
    if (c != "" && p != "" && c > 0 && p > 0)
        better = ($3 ~ /^(us|s)/) ? sprintf("%.1fx faster", p / c) : sprintf("%.1fx faster", c / p)
    printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, c == "" ? "-" : c, p == "" ? "-" : p, better == "" ? "-" : better
}
END {
    printf "\nratio: how many times faster C is (Python time / C time, or C rate / Python rate). "
    printf "s wall: the whole program run, start-up included. Sizes are small so that this ends within 2 minutes: "
    printf "run the chapters with bigger -n to see the ratios away from start-up costs.\n"
}' > "$OUT/compare.md"
cat "$OUT/compare.md"
# A run that failed leaves a gap in the table, and fails make compare.
if [ -s "$failed" ]; then
    echo "compare.sh: $(wc -l < "$failed") run(s) failed (see above)" >&2
    exit 1
fi
