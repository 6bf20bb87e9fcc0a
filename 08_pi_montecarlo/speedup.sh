#!/bin/sh
# SPDX-License-Identifier: MIT
# speedup.sh - measure 4_pi_timed's speedup from 1 worker to 2 x the usable
# CPUs: strong scaling twice (as it is, and with --serial-fraction), and weak
# scaling (--weak: the darts grow with the workers); then fit Amdahl's law to
# the first two, Gustafson's to the third, and plot them with gnuplot
# (speedup.gp).
#
# Usage: sh 08_pi_montecarlo/speedup.sh [--mpi]
#   --mpi            a third series: the same darts thrown by W MPI ranks
#                    (chapter 09's 3_mpi_pi, started by 09_mpi/mpirun.sh), on
#                    the same plot as the pool's W workers
#   BIN=dir          where 4_pi_timed is (default: build/bin)
#   FULL=1           thorough: 200M darts, 8 runs per point (a minute or two)
#   DARTS=N          darts per run (default 60M; FULL: 200M)
#   REPEATS=N        runs per point (default 4; FULL: 8)
#   MAX_REPEATS=N    a point whose fastest run is not matched within 3 % by
#                    another (or, at the CPU count, is beaten by more workers;
#                    or, at 1 worker, is out of step with its twin) is
#                    measured again, up to N runs (default 2 x REPEATS)
#   STAT=median      fit the median run of each point instead of the fastest
#                    (both are in the table and the CSV; see "Why the fastest")
#   MAX_WORKERS=N    sweep 1 .. N (default 2 x usable CPUs)
#   SERIAL=F         the --serial-fraction of the second sweep (default 0.2)
#   WEAK=0           leave out the weak-scaling series (default 1: in; each
#                    worker throws DARTS / usable CPUs, so at W = CPUs the
#                    weak job is the strong one)
#   OUT=dir          where CSV and PNG go (default results/08_pi_montecarlo)
#   TITLE_NOTE=text  added to the plot's title
# Writes OUT/runs.csv (every run), OUT/speedup.csv, OUT/speedup-serial.csv and
# OUT/speedup-weak.csv (one line per worker count; with --mpi also
# OUT/speedup-mpi.csv), OUT/speedup.png;
# prints a table and a text rendering.
#
# Why the fastest run of each point, not the median: other programs (here,
# other virtual machines on the same host) can only slow a run down, never
# speed it up, and they hit a 2-worker run (which needs both CPUs) more often
# than a 1-worker run. The median of a few runs then drifts with the load;
# the fastest is the run least disturbed, the machine's own speed. The
# median is printed beside it, so the spread is visible.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
BIN=${BIN:-$top/build/bin}
prog=$BIN/4_pi_timed
if [ ! -x "$prog" ]; then
    echo "speedup.sh: $prog not found (run make first)" >&2
    exit 1
fi
mpi=0
weak=${WEAK:-1}
series_list="plain serial"
[ "$weak" = 0 ] || series_list="plain serial weak"
case ${1:-} in
    "") ;;
    --mpi)
        mpi=1
        series_list="$series_list mpi"
        if ! command -v mpirun >/dev/null 2>&1 || [ ! -x "$BIN/3_mpi_pi" ]; then
            echo "speedup.sh: --mpi needs mpirun and $BIN/3_mpi_pi (make deps, then make)" >&2
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
    darts=${DARTS:-200M}
    repeats=${REPEATS:-8}
else
    darts=${DARTS:-60M}
    repeats=${REPEATS:-4}
fi
max_workers=${MAX_WORKERS:-$((2 * usable))}
serial=${SERIAL:-0.2}
# The weak series: DARTS / usable CPUs per worker (-n takes 60M, 1e6, 300K).
weak_darts=$(awk -v n="$darts" -v cpus="$usable" 'BEGIN {
    scale = 1; u = toupper(substr(n, length(n)))
    if (u == "K") scale = 1e3; else if (u == "M") scale = 1e6; else if (u == "G") scale = 1e9
    if (scale > 1) n = substr(n, 1, length(n) - 1)
    d = int(n * scale / cpus); print d < 1 ? 1 : d }')
stat=${STAT:-min}

# ---- the settings, checked as the programs check their options: one line
# on stderr naming the variable, exit 2, before any work.
bad_setting() { # variable value why
    value=$2
    [ ${#value} -le 40 ] || value="$(printf '%.32s' "$value")...(${#2} characters)"
    echo "speedup.sh: invalid value '$value' for $1: $3" >&2
    exit 2
}
whole() { # variable value min max
    case $2 in '' | *[!0-9]*) bad_setting "$1" "$2" "not a number" ;; esac
    if [ ${#2} -gt 9 ] || [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
        bad_setting "$1" "$2" "out of range ($3 to $4)"
    fi
}
whole REPEATS "$repeats" 1 1000
max_repeats=${MAX_REPEATS:-$((2 * repeats))}
whole MAX_REPEATS "$max_repeats" "$repeats" 10000
whole MAX_WORKERS "$max_workers" 1 4096
case $darts in
    '' | *[!0-9.eEkKmMgG]* | [!0-9]*) bad_setting DARTS "$darts" "not a number (examples: 1000, 250K, 1e9)" ;;
esac
echo "$serial" | grep -Eq '^(0|0?[.][0-9]+)$' || bad_setting SERIAL "$serial" "not a number from 0 to below 1"
case $weak in 0 | 1) ;; *) bad_setting WEAK "$weak" "not 0 or 1" ;; esac
case $stat in median | min) ;; *) bad_setting STAT "$stat" "not median or min" ;; esac
out=${OUT:-$top/results/08_pi_montecarlo}
mkdir -p "$out"
runs=$out/runs.csv

# ---- the sweep: every worker count, several rounds. Each round visits
# every point once (both series), so that a burst of load from another
# program spoils one round's points, not every run of one point.
echo "series,repeat,workers,darts,seconds,estimate,error" > "$runs"
measure() { # series workers round
    if [ "$1" = mpi ]; then
        # the same CSV columns; the first one holds the rank count
        line=$(sh "$top/09_mpi/mpirun.sh" -np "$2" "$BIN/3_mpi_pi" --csv -n "$darts" | tail -n 1)
    elif [ "$1" = weak ]; then
        # -n darts per worker: the job grows with the workers (Gustafson)
        line=$("$prog" --csv -j "$2" -n "$weak_darts" --serial-fraction 0 --weak | tail -n 1)
    else
        fraction=0
        [ "$1" = plain ] || fraction=$serial
        line=$("$prog" --csv -j "$2" -n "$darts" --serial-fraction "$fraction" | tail -n 1)
    fi
    echo "$1,$3,$line" >> "$runs"
}
progress() { # text
    if [ -t 2 ]; then printf '\r[speedup.sh] %-60s' "$1" >&2; fi
}
total_runs=$(($(echo "$series_list" | wc -w) * max_workers * repeats))
done_runs=0
r=1
while [ $r -le "$repeats" ]; do
    w=1
    while [ $w -le "$max_workers" ]; do
        for series in $series_list; do
            progress "round $r of $repeats: $w workers, $series ($((100 * done_runs / total_runs))% done)"
            measure "$series" $w $r
            done_runs=$((done_runs + 1))
        done
        w=$((w + 1))
    done
    r=$((r + 1))
done

# Is the fastest run of each point the machine's own speed, or a fluke? On a
# quiet machine it comes back: the second fastest run is within 3 % of it.
# When other programs took CPU time during most runs (on a virtual machine,
# other machines on the same host), it does not. A second sign: past the CPU
# count, more workers share the same CPUs, so they cannot finish sooner than
# as many workers as CPUs; when they do (by more than 3 %), the runs at the
# CPU count were all slowed. A third: 1 worker with --serial-fraction F
# throws 1 / (1 - F) times the darts of 1 worker without (the parent's share
# first, then the worker's), so it takes 1 / (1 - F) times as long; when
# the fastest runs of the two are further apart than that (by over 3 %),
# the slower one was slowed. unsettled prints one line per such point:
# "series workers unmatched gap%" (the two fastest differ),
# "series workers beaten gap% W" (W workers were that much faster), or
# "series 1 slow gap% ratio expected" (T1 with serial work / T1 without).
unsettled() {
    awk -F, -v series_list="$series_list" -v cpus="$usable" -v serial="$serial" '
        NR > 1 {
            k = $1 SUBSEP $3; n[k]++; t[k, n[k]] = $5
            if (!(k in best) || $5 < best[k]) best[k] = $5
        }
        END {
            split(series_list, names, " ")
            for (i = 1; i in names; i++)
                for (w = 1; (names[i], w) in n; w++) {
                    k = names[i] SUBSEP w; a = b = -1
                    for (j = 1; j <= n[k]; j++) {    # the two fastest: a, then b
                        x = t[k, j]
                        if (a < 0 || x < a) { b = a; a = x } else if (b < 0 || x < b) b = x
                    }
                    if (b > 0 && b / a - 1 > 0.03)
                        printf "%s %d unmatched %.1f\n", names[i], w, 100 * (b / a - 1)
                    if (w != cpus) continue
                    fastest = 0                       # the fastest point past the CPUs
                    for (v = w + 1; (names[i], v) in n; v++)
                        if (!fastest || best[names[i], v] < best[names[i], fastest]) fastest = v
                    if (fastest && a / best[names[i], fastest] - 1 > 0.03)
                        printf "%s %d beaten %.1f %d\n", names[i], w,
                               100 * (a / best[names[i], fastest] - 1), fastest
                }
            if (("plain", 1) in best && ("serial", 1) in best) {
                expected = 1 / (1 - serial)
                ratio = best["serial", 1] / best["plain", 1]
                if (ratio / expected - 1 > 0.03)
                    printf "serial 1 slow %.1f %.2f %.2f\n", 100 * (ratio / expected - 1), ratio, expected
                else if (expected / ratio - 1 > 0.03)
                    printf "plain 1 slow %.1f %.2f %.2f\n", 100 * (expected / ratio - 1), ratio, expected
            }
        }' "$runs"
}
# Such points are measured again, one more run per round, until none is
# left or MAX_REPEATS runs were made (max_repeats, set and checked above).
if [ "$stat" = min ]; then
    while [ $r -le "$max_repeats" ] && [ -n "$(unsettled)" ]; do
        # a point can be both unmatched and beaten: one more run each round
        unsettled | awk '!seen[$1, $2]++' | while read -r series w _; do
            progress "round $r of at most $max_repeats: $w workers, $series again"
            measure "$series" "$w" $r
        done
        r=$((r + 1))
    done
fi
rounds=$((r - 1))
if [ -t 2 ]; then printf '\r%78s\r' '' >&2; fi

# Per worker count: the fastest and the median time, then (from the one
# STAT chose) speedup S = T1 / TW, efficiency E = S / W and the Karp-Flatt
# serial fraction e = (1/S - 1/W) / (1 - 1/W). The last two columns are the
# median time and the speedup the medians give, for comparison. For the weak
# series (W times the work in T_W) the speedup is the scaled one,
# S = W x T1 / TW, and Karp-Flatt (a strong-scaling measure) is nan.
points() {
    awk -F, -v want="$1" -v stat="$stat" -v scaled="$([ "$1" = weak ] && echo 1 || echo 0)" '
        NR > 1 && $1 == want { n[$3]++; t[$3, n[$3]] = $5; darts[$3] = $4 }
        END {
            print "workers,darts,seconds,speedup,efficiency,karp_flatt,median_seconds,median_speedup"
            for (w = 1; w in n; w++) {
                # insertion sort of this point'"'"'s times: fastest first
                for (i = 2; i <= n[w]; i++)
                    for (j = i; j > 1 && t[w, j - 1] > t[w, j]; j--) {
                        x = t[w, j]; t[w, j] = t[w, j - 1]; t[w, j - 1] = x
                    }
                median = n[w] % 2 ? t[w, (n[w] + 1) / 2] \
                                  : (t[w, n[w] / 2] + t[w, n[w] / 2 + 1]) / 2
                kept = stat == "min" ? t[w, 1] : median
                if (w == 1) { t1 = kept; t1_median = median }
                f = scaled ? w : 1
                s = f * t1 / kept
                kf = w > 1 && !scaled ? sprintf("%.4f", (1 / s - 1 / w) / (1 - 1 / w)) : "nan"
                printf "%d,%s,%.6f,%.4f,%.4f,%s,%.6f,%.4f\n", w, darts[w], kept, s, s / w, kf,
                       median, f * t1_median / median
            }
        }' "$runs"
}
points plain > "$out/speedup.csv"
points serial > "$out/speedup-serial.csv"
[ "$weak" = 0 ] || points weak > "$out/speedup-weak.csv"
[ $mpi = 0 ] || points mpi > "$out/speedup-mpi.csv"

table() {
    echo "$1   seconds  speedup  efficiency  karp-flatt   (median: seconds  speedup)"
    awk -F, 'NR > 1 { printf "%7d %9.3f %8.2f %11.2f %11s   %17.3f %8.2f\n", \
                      $1, $3, $4, $5, $6, $7, $8 }' "$2"
}
cpus_word=CPUs; [ "$usable" -gt 1 ] || cpus_word=CPU
if [ "$stat" = median ]; then
    kept="median of $repeats"
elif [ "$rounds" = "$repeats" ]; then
    kept="fastest of $repeats"
else
    kept="fastest of $repeats to $rounds"
fi
echo "== speedup: $darts darts per run, $kept, $model, $physical cores, $usable usable $cpus_word =="
table workers "$out/speedup.csv"
echo "== the same with --serial-fraction $serial =="
table workers "$out/speedup-serial.csv"
if [ "$weak" != 0 ]; then
    echo "== weak scaling (Gustafson): $weak_darts darts per worker, so W workers throw W times as many; speedup = W x T1 / TW =="
    table workers "$out/speedup-weak.csv"
fi
if [ $mpi = 1 ]; then
    echo "== the same darts with MPI ranks instead of pool workers (09_mpi/3_mpi_pi) =="
    table "  ranks" "$out/speedup-mpi.csv"
fi

# ---- Was the machine ours? Signs that it was not: points still unsettled
# after MAX_REPEATS runs (a fastest run never matched, a point beaten by
# more workers than CPUs, 1-worker times out of step with each other), and
# the control series (no serial work added) falling short of the ideal
# speedup at the CPU count, which this job reaches within a few per cent on
# CPUs of its own. Any one: say so.
indent() { # text: folded to 76 columns, each line indented by two spaces
    echo "$1" | fold -s -w 76 | sed 's/ *$//; s/^/  /'
}
busy_note() {
    [ "$stat" = min ] || return 0
    cores=$usable
    [ "$cores" -le "$max_workers" ] || cores=$max_workers
    short=$(awk -F, -v w="$cores" 'NR > 1 && $1 == w && w > 1 && $5 < 0.9 {
                printf "with no serial work, %d workers were only %.2f times as fast as 1 (efficiency %.2f)", w, $4, $5 }' \
                "$out/speedup.csv")
    points_left=$(unsettled)
    spread=$(printf '%s\n' "$points_left" | awk '
        $3 == "unmatched" {
            what = $1 == "mpi" ? "rank" : "worker"
            list = list sprintf("%s%d %s%s%s (%s%%)", list == "" ? "" : ", ", $2, what,
                                $2 == 1 ? "" : "s", $1 == "serial" ? " with --serial-fraction" : \
                                $1 == "weak" ? " (weak scaling)" : "", $4)
        }
        END { if (list != "") print list }')
    beaten=$(printf '%s\n' "$points_left" | awk '
        $3 == "beaten" {
            list = list sprintf("%s%s%d %s beat %d by %s%%", list == "" ? "" : "; ",
                                $1 == "serial" ? "with --serial-fraction, " : \
                                $1 == "weak" ? "in weak scaling, " : "", $5,
                                $1 == "mpi" ? "ranks" : "workers", $2, $4)
        }
        END { if (list != "") print list }')
    slow=$(printf '%s\n' "$points_left" | awk -v serial="$serial" '
        $3 == "slow" {
            printf "1 worker with --serial-fraction %s throws %s times the darts of 1 worker without, but took %s times as long: the runs %s serial work were slowed", serial, $6, $5, $1 == "serial" ? "with" : "without"
        }')
    [ -n "$short$spread$beaten$slow" ] || return 0
    echo "speedup.sh: the machine was busy during this sweep (other programs took CPU time):"
    [ -z "$short" ] || echo "  $short;"
    [ -z "$spread" ] ||
        indent "after up to $max_repeats runs, the two fastest runs still differ by more than 3% at $spread;"
    [ -z "$beaten" ] ||
        indent "past the $usable $cpus_word: $beaten. More workers than CPUs cannot finish sooner than one per CPU, so the runs with one per CPU were slowed;"
    [ -z "$slow" ] || indent "$slow;"
    echo "  the fitted p can be off by more than usual. Run it again when the machine is"
    echo "  quieter, or with more runs: REPEATS=15 sh 08_pi_montecarlo/speedup.sh"
}

# The load average too, by verdict.h's rule (common/scripts/verdict.sh).
# shellcheck source=../common/scripts/verdict.sh disable=SC1091
. "$top/common/scripts/verdict.sh"
notes=$(busy_note)
load_note=$(verdict_busy_note)
# On the PNG as well as in the terminal: one line under the title.
plot_note=""
[ -z "$notes" ] || plot_note="the machine was busy during this sweep (see the terminal): the fitted p can be off"
[ -z "$load_note" ] || plot_note="${plot_note:+$plot_note; }$load_note"

# ---- Amdahl's law fitted by gnuplot, drawn as PNG and as text
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "speedup.sh: gnuplot is not installed: no plot (the CSV files are in $out)"
    [ -z "$notes" ] || echo "$notes"
    [ -z "$load_note" ] || echo "speedup.sh: $load_note"
    exit 0
fi
gnuplot -e "dir='$out'; model='$model'; physical=$physical; logical=$logical; \
            usable=$usable; serial=$serial; darts='$darts'; kept='$kept'; \
            note='${TITLE_NOTE:-}'; mpi=$mpi; weak=$([ "$weak" = 0 ] && echo 0 || echo 1); \
            weak_darts=$weak_darts; busy='$plot_note'" "$here/speedup.gp"
[ -z "$notes" ] || echo "$notes"
[ -z "$load_note" ] || echo "speedup.sh: $load_note"
echo "speedup.sh: wrote $out/speedup.png and the CSV files beside it"
