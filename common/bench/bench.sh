#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench.sh - make bench: the common library against the floors the machine
# allows (bare fork, bare pipes, OpenMP) and against Python's multiprocessing,
# all measured in one run of REPEATS rounds: each round runs every
# measurement once, the two sides of each comparison back to back, and every
# ratio is taken round by round (median and smallest of the per-round
# ratios), so a burst of load from elsewhere hits both sides of a ratio.
#
# Usage: bash common/bench/bench.sh
#   BUILD=dir    the build folder (default build; make bench passes it)
#   REPEATS=N    rounds (default 5, at least 3); figures are medians
#   QUICK=1      tiny sizes and one round, for the tests: checks that
#                everything runs (the numbers then mean nothing)
#   OUT=dir      where bench.md, bench.png and the raw data go (default results)
# Writes OUT/bench.md and OUT/bench.png, and prints the table. A measurement
# that fails is reported, leaves "-" in the table, and makes the exit status 1.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
OUT=${OUT:-$top/results}
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
    repeats=${REPEATS:-1} # the tests check the table, not the numbers
else
    repeats=${REPEATS:-5}
    [ "$repeats" -ge 3 ] || repeats=3 # a median needs at least 3
fi
bench=$BUILD/bench
bin=$BUILD/bin
for prog in "$bench/bare_fork" "$bench/bare_pipe" "$bench/forklore_bench" "$bench/pi_floor" \
    "$bench/payload_bench" "$bin/4_pi_timed"; do
    if [ ! -x "$prog" ]; then
        echo "bench.sh: $prog is missing: build first (make BUILD=$BUILD)" >&2
        exit 1
    fi
done
mkdir -p "$OUT"
cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
[ -n "$cpu" ] || cpu=$(uname -m)

have_python=0
if command -v python3 >/dev/null 2>&1; then
    have_python=1
else
    echo "bench.sh: python3 is not installed: the Python column stays empty" >&2
fi
py() { python3 "$here/bench.py" "$@"; }

# The OpenMP build of chapter 08's kernel: the Makefile's flags plus -fopenmp.
omp=$bench/pi_openmp
have_omp=0
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
# shellcheck disable=SC2086
if $CC -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$top/common" \
    -std=c11 -Wall -Wextra -Wpedantic -Werror $CFLAGS -fopenmp \
    "$top/08_pi_montecarlo/openmp/pi_openmp.c" "$BUILD/lib/libcommon.a" \
    ${LDFLAGS:-} -lm -pthread -o "$omp" 2>"$OUT/pi_openmp.log"; then
    have_omp=1
else
    echo "bench.sh: could not build pi_openmp with $CC -fopenmp (see $OUT/pi_openmp.log): OpenMP column empty" >&2
fi

# Sizes. A comparison runs the same work on both sides: where Python is
# compared, C runs Python's size (so C's own start-up weighs in, as it
# would for a user who runs that much work); the C-only rows (floors,
# OpenMP) use bigger sizes. Each run takes a few tenths of a second.
if [ "$QUICK" = 1 ]; then
    n_start=20 n_spawn=1 n_queue=2000 n_map1=2000 n_map=20000 n_apply=200
    n_count=20000 darts=2M pydarts=20000
    n_cqueue=2000 n_capply=200 n_ccount=10000 pay_bytes=1M
else
    n_start=100 n_spawn=4 n_queue=50000 n_map1=50000 n_map=1000000 n_apply=2000
    n_count=200000 darts=100M pydarts=4000000
    n_cqueue=200000 n_capply=20000 n_ccount=10000000 pay_bytes=64M
fi
# The payload sweep: item sizes in bytes, and how each is named.
pay_sizes="64 4096 65536 1048576 4194304"
# Python's payload total per item size (C runs it too): Queue moves 64 B
# items at about 10 MB/s, the rest at 200 MB/s or more, so each run takes
# a few tenths of a second.
py_pay_bytes() {
    if [ "$QUICK" = 1 ]; then
        [ "$1" = 64 ] && echo 262144 || echo 1048576
    else
        [ "$1" = 64 ] && echo 2097152 || echo 33554432
    fi
}
pay_name() {
    case $1 in
        4194304) echo "4 MiB" ;; 1048576) echo "1 MiB" ;; 65536) echo "64 KiB" ;;
        4096) echo "4 KiB" ;; *) echo "$1 B" ;;
    esac
}
half_queue=$((n_queue / 2)) half_cqueue=$((n_cqueue / 2))

raw=$OUT/bench.raw
: > "$raw"
failures=0
round=0
# measure ID COMMAND...: run it once, append "ROUND ID value". A failure is
# reported and leaves a gap ("-" in the table), not a dead benchmark.
measure() {
    local id=$1 value
    shift
    if ! value=$("$@" 2>"$OUT/bench.err") || [ -z "$value" ]; then
        echo "bench.sh: $id failed: $* ($(head -n 1 "$OUT/bench.err"))" >&2
        failures=$((failures + 1))
        return 0
    fi
    echo "$round $id $value" >> "$raw"
}
# pi_rate ID WORKERS COMMAND...: a --csv run's darts/s per worker.
pi_rate() {
    local id=$1 w=$2 value
    shift 2
    value=$("$@" 2>"$OUT/bench.err" | awk -F, -v w="$w" 'NR == 2 { printf "%.0f\n", $2 / $3 / w }')
    if [ -z "$value" ]; then
        echo "bench.sh: $id failed: $* ($(head -n 1 "$OUT/bench.err"))" >&2
        failures=$((failures + 1))
        return 0
    fi
    echo "$round $id $value" >> "$raw"
}

echo "bench.sh: measuring, $repeats round(s), on $cores cores ($cpu)" >&2
t_start=$(date +%s)
for round in $(seq "$repeats"); do
    [ -t 2 ] && echo "  round $round of $repeats" >&2
    # Each comparison runs its two sides back to back in the same round, so
    # a ratio is taken from two runs that saw the same machine.
    measure start_c       "$bench/forklore_bench" start -n "$n_start"
    measure start_bare    "$bench/bare_fork" -n "$n_start"
    measure start_msg     "$bench/bare_fork" --message -n "$n_start"
    measure queue11_c     "$bench/forklore_bench" queue -p 1 -j 1 -n "$n_cqueue"
    measure queue11_bare  "$bench/bare_pipe" -p 1 -j 1 -n "$n_cqueue"
    measure queue22_c     "$bench/forklore_bench" queue -p 2 -j 2 -n "$half_cqueue"
    measure queue22_bare  "$bench/bare_pipe" -p 2 -j 2 -n "$half_cqueue"
    measure apply_c       "$bench/forklore_bench" apply -n "$n_capply"
    measure apply_bare    "$bench/bare_pipe" --ping-pong -n "$n_capply"
    measure mutex_c       "$bench/forklore_bench" mutex -j "$cores" -n "$n_ccount"
    measure atomic_c      "$bench/forklore_bench" atomic -j "$cores" -n "$n_ccount"
    for w in $(seq "$cores"); do
        pi_rate "pi${w}_c" "$w" "$bin/4_pi_timed" --csv -j "$w" -n "$darts"
        if [ "$w" = 1 ]; then # the kernel's floor: the fastest loop, same darts
            pi_rate pi_floor 1 "$bench/pi_floor" -n "$darts"
            pi_rate pi_kernel 1 "$bench/pi_floor" --chapter -n "$darts"
        fi
        if [ $have_omp = 1 ]; then
            pi_rate "pi${w}_omp" "$w" env OMP_NUM_THREADS="$w" "$omp" -n "$darts"
        fi
    done
    # Large items: the first map of a program, the same with the output
    # array written after the fork (--own), a repeated map, the queue, and
    # the bare stream, the same bytes each (payload_bench.c).
    for size in $pay_sizes; do
        measure "pay_first_$size" "$bench/payload_bench" first -s "$size" -b "$pay_bytes"
        measure "pay_own_$size" "$bench/payload_bench" first --own -s "$size" -b "$pay_bytes"
        measure "pay_repeat_$size" "$bench/payload_bench" repeat -s "$size" -b "$pay_bytes"
        measure "pay_stream_$size" "$bench/payload_bench" stream -s "$size" -b "$pay_bytes"
        measure "pay_queue_$size" "$bench/payload_bench" queue -s "$size" -b "$pay_bytes"
    done
    # What bounds a first map: the parent's first write to its output array.
    measure pay_write     "$bench/payload_bench" write -b "$pay_bytes"
    measure pay_write_own "$bench/payload_bench" write --own -b "$pay_bytes"
    [ $have_python = 1 ] || continue
    measure start_cp      "$bench/forklore_bench" start -n "$n_start"
    measure start_py      py start -n "$n_start" --method fork
    measure spawn_cp      "$bench/forklore_bench" start -n "$n_spawn"
    measure spawn_py      py start -n "$n_spawn" --method spawn
    measure queue11_cp    "$bench/forklore_bench" queue -p 1 -j 1 -n "$n_queue"
    measure queue11_py    py queue -p 1 -j 1 -n "$n_queue"
    measure queue22_cp    "$bench/forklore_bench" queue -p 2 -j 2 -n "$half_queue"
    measure queue22_py    py queue -p 2 -j 2 -n "$half_queue"
    measure pipe_py       py pipe -n "$n_queue"
    measure map1_c        "$bench/forklore_bench" map -j "$cores" -n "$n_map1" --chunksize 1
    measure map1_py       py map -j "$cores" -n "$n_map1" --chunksize 1
    measure map_c         "$bench/forklore_bench" map -j "$cores" -n "$n_map"
    measure map_py        py map -j "$cores" -n "$n_map"
    measure apply_cp      "$bench/forklore_bench" apply -n "$n_apply"
    measure apply_py      py apply -n "$n_apply"
    measure mutex_cp      "$bench/forklore_bench" mutex -j "$cores" -n "$n_count"
    measure atomic_cp     "$bench/forklore_bench" atomic -j "$cores" -n "$n_count"
    measure value_py      py value -j "$cores" -n "$n_count"
    for w in $(seq "$cores"); do
        pi_rate "pi${w}_cp" "$w" "$bin/4_pi_timed" --csv -j "$w" -n "$pydarts"
        measure "pi${w}_py" py pi -j "$w" -n "$pydarts"
    done
    # Large items in Python: one Pool(1).map of bytes items in a fresh
    # process, and Queue put/get, each beside C at the same size.
    for size in $pay_sizes; do
        b=$(py_pay_bytes "$size")
        measure "pay_first_cp_$size" "$bench/payload_bench" first -s "$size" -b "$b"
        measure "pay_first_py_$size" py paymap -s "$size" -b "$b"
        measure "pay_queue_cp_$size" "$bench/payload_bench" queue -s "$size" -b "$b"
        measure "pay_queue_py_$size" py payqueue -s "$size" -b "$b"
    done
done
rm -f "$OUT/bench.err"
elapsed=$(($(date +%s) - t_start))

# The table: awk takes the medians and the per-round ratios.
# Each row: what | unit | forklore id vs the floor | floor id |
#           forklore id vs Python | Python id | goal | chart label,
# where goal is "base>=X", "base<=X", "py>=X" (several joined by ",").
rows=$(cat <<ROWS
process start + join: pool_create(1)+close+join / fork+waitpid / Process fork|us|start_c|start_bare|start_cp|start_py|base<=1.5|start + join
process start + join, the child told to exit over a pipe (bare_fork --message)|us|start_c|start_msg|-|-|
process start + join, Python with spawn|us|-|-|spawn_cp|spawn_py|
queue 1P/1C, 64 B: queue / pipe / Queue|msg/s|queue11_c|queue11_bare|queue11_cp|queue11_py|py>=10,base>=0.5|queue 1P/1C
queue 2P/2C, 64 B: queue / pipe / Queue|msg/s|queue22_c|queue22_bare|queue22_cp|queue22_py|py>=10,base>=0.5|queue 2P/2C
queue 1P/1C, 64 B, Python with Pipe|msg/s|-|-|queue11_cp|pipe_py|
pool map, chunksize 1, square|items/s|-|-|map1_c|map1_py|py>=10|map chunksize 1
pool map, automatic chunksize, square|items/s|-|-|map_c|map_py|py>=20|map auto chunksize
apply_async + get round trip / pipe ping-pong|us|apply_c|apply_bare|apply_cp|apply_py|base<=3|apply round trip
shared counter: mutex / C11 atomic / Value + lock|incr/s|mutex_c|atomic_c|mutex_cp|value_py|
shared counter: C11 atomic / - / Value + lock|incr/s|-|-|atomic_cp|value_py|
pi kernel: 4_pi_timed -j 1 / the fastest single-core loop, same darts (pi_floor)|darts/s|pi1_c|pi_floor|-|-|base>=1|pi kernel vs floor
pi kernel alone: darts.h throw_darts / pi_floor, same harness (pi_floor --chapter)|darts/s|pi_kernel|pi_floor|-|-|
payload: the parent's memcpy into its output array, pages shared copy-on-write with a live child (a first map) / its own (a repeated map)|MB/s|pay_write|pay_write_own|-|-|
ROWS
)
for size in $pay_sizes; do
    name=$(pay_name "$size") queue_goal=""
    [ "$size" != 65536 ] && [ "$size" != 1048576 ] || queue_goal="base>=0.5"
    rows="$rows
payload $name items: first pool_map / bare socketpair stream / Python Pool(1).map, each way|MB/s|pay_first_$size|pay_stream_$size|pay_first_cp_$size|pay_first_py_$size|base>=0.5|first map $name vs stream, Python
payload $name items: first pool_map, output array written after the fork (--own) / the same map repeated|MB/s|pay_own_$size|pay_repeat_$size|-|-|base>=0.67|first map $name (--own) vs repeated
payload $name items: first pool_map / the same map repeated (the first copies the caller's output array: copy-on-write)|MB/s|pay_first_$size|pay_repeat_$size|-|-|
payload $name items: queue / bare socketpair stream / Python Queue|MB/s|pay_queue_$size|pay_stream_$size|pay_queue_cp_$size|pay_queue_py_$size|$queue_goal|queue $name vs stream, Python"
done
for w in $(seq "$cores"); do
    rows="$rows
pi, $w worker(s): darts/s per worker, processes / OpenMP / Python random.random()|darts/s|pi${w}_c|pi${w}_omp|pi${w}_cp|pi${w}_py|base>=0.9|pi, $w worker(s)
pi, $w worker(s): efficiency vs 1 worker|%|eff${w}_c|eff${w}_omp|eff${w}_cp|eff${w}_py|"
done

md=$OUT/bench.md
data=$OUT/bench.dat
printf '%s\n' "$rows" | awk -F'|' -v raw="$raw" -v data="$data" \
    -v cpu="$cpu" -v cores="$cores" -v repeats="$repeats" -v quick="$QUICK" \
    -v when="$(date -u '+%Y-%m-%d %H:%M UTC')" -v elapsed="$elapsed" \
    -v pay_bytes="$pay_bytes" -v py_pay_small="$(py_pay_bytes 64)" -v py_pay_large="$(py_pay_bytes 4096)" \
    -v load="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)" '
function sort_list(v, n,    i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
}
function median(v, n) { return n == 0 ? "" : (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) }
# the median of one measurement over the rounds
function med(id,    n, r, v) {
    n = 0
    for (r = 1; r <= repeats; r++) if ((r, id) in val) v[++n] = val[r, id]
    sort_list(v, n)
    return median(v, n)
}
# a over b round by round (rounds where both ran); sets rmed and rmin
function ratios(a, b,    n, r, v) {
    n = 0; rmed = ""; rmin = ""
    if (a == "-" || b == "-") return
    for (r = 1; r <= repeats; r++)
        if ((r, a) in val && (r, b) in val && val[r, b] > 0) v[++n] = val[r, a] / val[r, b]
    sort_list(v, n)
    rmed = median(v, n); rmin = n ? v[1] : ""
}
function fmt(x) {
    if (x == "" || x == "-") return "-"
    if (x >= 1e6) return sprintf("%.2fM", x / 1e6)
    if (x >= 1e4) return sprintf("%.0fk", x / 1e3)
    if (x >= 100) return sprintf("%.0f", x)
    return sprintf("%.1f", x)
}
function fmt_ratio(m, lo) { return m == "" ? "-" : sprintf("%.2f (%.2f)", m, lo) }
BEGIN {
    while ((getline line < raw) > 0) {
        split(line, f, " ")
        val[f[1], f[2]] = f[3]
    }
    # efficiency at w workers, round by round: per-worker rate / 1 worker
    split("c omp cp py", kinds, " ")
    for (r = 1; r <= repeats; r++) for (w = 1; w <= cores; w++) for (k = 1; k <= 4; k++)
        if ((r, "pi" w "_" kinds[k]) in val && (r, "pi1_" kinds[k]) in val)
            val[r, "eff" w "_" kinds[k]] = 100 * val[r, "pi" w "_" kinds[k]] / val[r, "pi1_" kinds[k]]
    printf "# make bench: forklore against the floors and Python\n\n"
    printf "CPU: %s, %d cores, load %s. %s, %d paired rounds, measured in one run (%d s).%s\n\n", \
        cpu, cores, load, when, repeats, elapsed, quick == 1 ? " QUICK=1: tiny sizes, the numbers mean nothing." : ""
    printf "| what | unit | forklore | baseline (floor) | forklore (Python size) | Python | vs baseline: median (min) | vs Python: median (min) | goal | met? |\n"
    printf "|---|---|---|---|---|---|---|---|---|---|\n"
    print "# label base_speedup py_speedup target_base target_py" > data
}
{
    what = $1; unit = $2; goal = $7
    c = ($3 == "-") ? "" : med($3); b = ($4 == "-") ? "" : med($4)
    cp = ($5 == "-") ? "" : med($5); p = ($6 == "-") ? "" : med($6)
    ratios($3, $4); rb = rmed; rb_min = rmin
    ratios($5, $6); rp = rmed; rp_min = rmin
    verdict = ""; tb = "-"; tp = "-"; text = ""
    nt = split(goal, ts, ",")
    for (i = 1; i <= nt; i++) {
        side = substr(ts[i], 1, index(ts[i], ">") + index(ts[i], "<") - 1)
        op = substr(ts[i], length(side) + 1, 2); x = substr(ts[i], length(side) + 3) + 0
        r = side == "base" ? rb : rp
        text = text (text == "" ? "" : ", ") op " " x "x " (side == "base" ? "baseline" : "Python")
        if (r == "") ok = "not measured"
        else ok = (op == ">=" ? r >= x : r <= x) ? "yes" : "no"
        if (ok == "no") verdict = verdict (verdict == "" ? "" : ", ") "no (" (side == "base" ? "baseline" : "Python") ")"
        else if (ok != "yes" && verdict !~ /not measured/) verdict = verdict (verdict == "" ? "" : ", ") ok
        # the chart shows speed ratios: higher is better for forklore
        if (side == "base") tb = (unit == "us") ? 1 / x : x
        else tp = (unit == "us") ? 1 / x : x
    }
    if (nt > 0 && verdict == "") verdict = "yes"
    if (nt == 0) { verdict = "-"; text = "-" }
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", what, unit, fmt(c), fmt(b), fmt(cp), fmt(p), \
        fmt_ratio(rb, rb_min), fmt_ratio(rp, rp_min), text, verdict
    if (nt > 0) {
        sb = (rb == "") ? "NaN" : (unit == "us" ? 1 / rb : rb)
        sp = (rp == "") ? "NaN" : (unit == "us" ? 1 / rp : rp)
        printf "\"%s\" %s %s %s %s\n", $8, sb, sp, tb == "-" ? "NaN" : tb, tp == "-" ? "NaN" : tp > data
    }
}
END {
    printf "\nRatios are forklore / the other, in the row'"'"'s unit (for us, a time, lower is better; for rates higher), "
    printf "taken round by round from two runs made back to back, then the median and the smallest of those per-round ratios. "
    printf "Against Python, C runs the same size as Python (the forklore (Python size) column), so its start-up counts as it would for that much work; "
    printf "the floors and OpenMP run bigger sizes. The Python pi kernel is what a Python user writes (random.random(), two draws per dart); "
    printf "the baseline of the mutex row is the C11 atomic (the floor for one shared counter). "
    printf "Python runs with the fork start method unless the row says spawn. "
    printf "The payload rows move %s bytes each way against the bare stream, less against Python (%s bytes of 64 B items, %s of the others; C runs that total too).\n", pay_bytes, py_pay_small, py_pay_large
}' > "$md"
cat "$md"

# The chart: forklore's speed relative to each comparison (higher is better;
# for the us rows the ratio is turned over), with the target beside it.
if command -v gnuplot >/dev/null 2>&1; then
    gnuplot -e "data='$data'; out='$OUT/bench.png'; machine='$cpu, $cores cores'" "$here/bench.gp" \
        && echo "bench.sh: wrote $md and $OUT/bench.png" >&2
else
    echo "bench.sh: wrote $md (gnuplot is missing: no chart)" >&2
fi
# The payload sweep's plot: MB/s against item size, log-log, the medians.
pay_data=$OUT/bench_payload.dat
awk -v repeats="$repeats" -v sizes="$pay_sizes" '
function med(id,    n, r, v, i, j, t) {
    n = 0
    for (r = 1; r <= repeats; r++) if ((r, id) in val) v[++n] = val[r, id]
    for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return n == 0 ? "NaN" : (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2)
}
{ val[$1, $2] = $3 }
END {
    print "# bytes first_map repeated_map queue bare_stream first_map_own python_first_map python_queue (MB/s each way, medians)"
    ns = split(sizes, sz, " ")
    for (i = 1; i <= ns; i++)
        print sz[i], med("pay_first_" sz[i]), med("pay_repeat_" sz[i]), med("pay_queue_" sz[i]), med("pay_stream_" sz[i]), med("pay_own_" sz[i]), med("pay_first_py_" sz[i]), med("pay_queue_py_" sz[i])
}' "$raw" > "$pay_data"
if command -v gnuplot >/dev/null 2>&1; then
    gnuplot -e "data='$pay_data'; out='$OUT/bench_payload.png'; machine='$cpu, $cores cores'" \
        "$here/bench_payload.gp" && echo "bench.sh: wrote $OUT/bench_payload.png" >&2
fi
# A measurement that failed leaves a gap in the table, and fails make bench.
if [ "$failures" -gt 0 ]; then
    echo "bench.sh: $failures measurement(s) failed (see above)" >&2
    exit 1
fi
