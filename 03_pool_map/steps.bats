#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Tests of 03_pool_map, step by step: 1_map_by_hand, 2_map_cube,
# 3_chunk_trace, 4_chunksize_sweep, 5_uneven_schedule, 6_word_count,
# 7_map_speedup, 8_crashed_map; their README blocks, their Python mirrors,
# --help and bad input.

setup() {
    load ../common/tests/helper
    README=$ROOT/03_pool_map/README.md
}

# One run of each step with pools, shared by the tests that read it.
setup_file() {
    load ../common/tests/helper
    mkdir -p "$BATS_FILE_TMPDIR/tmp"
    local step status
    while read -r step args; do
        status=0
        # shellcheck disable=SC2086
        TMPDIR=$BATS_FILE_TMPDIR/tmp bounded 60 "$BIN/$step" $args \
            >"$BATS_FILE_TMPDIR/$step.out" 2>&1 3>&- || status=$?
        echo "$status" >"$BATS_FILE_TMPDIR/$step.status"
    done <<RUNS
2_map_cube -j 2
3_chunk_trace -j 2
4_chunksize_sweep -j 2 -n 1000
5_uneven_schedule -j 2 --timeline $BATS_FILE_TMPDIR/timeline.dat
6_word_count -j 2
7_map_speedup -j 2
RUNS
}

# Load a step's shared run into $status and $output, as `run` would.
shared_run() {
    status=$(cat "$BATS_FILE_TMPDIR/$1.status")
    output=$(cat "$BATS_FILE_TMPDIR/$1.out")
    mapfile -t lines <<<"$output"
}

# The item ranges of the "  chunk N: items A-B ..." lines of one trace of
# 3_chunk_trace (the first trace is set 1, the second set 2), "A B" a line.
trace_ranges() {
    printf '%s\n' "$output" | awk -v want="$1" '
        /Python.s rule: chunksize|\] chunksize = / { set++ }
        set == want && /^  chunk [0-9]+: items/ {
            split($4, r, "-"); print r[1], r[2]
        }'
}

# Do the ranges on stdin cover 0..$1-1, each index exactly once?
covers_once() {
    awk -v n="$1" '
        { for (i = $1; i <= $2; i++) seen[i]++ }
        END {
            for (i = 0; i < n; i++) if (seen[i] != 1) { print "index " i ": " seen[i] + 0; bad = 1 }
            for (i in seen) if (i + 0 < 0 || i + 0 >= n) { print "stray index " i; bad = 1 }
            exit bad
        }'
}

# The sweep table's "chunksize chunks" columns.
sweep_rows() {
    printf '%s\n' "$output" | awk '/^chunksize +chunks/ { on = 1; next }
        on && /^ *[0-9]+ +[0-9]+ / { print $1, $2; next } on { exit }'
}

# ---------------------------------------------------------------- step 1

@test "1_map_by_hand: 3 children cube 1..12, the list is in input order" {
    run bounded 10 "$BIN/1_map_by_hand" 3>&-
    assert_success
    assert_equal "${#lines[@]}" 2
    assert_line --index 0 --regexp '^\[parent [0-9]+\] 3 children, 4 items each; x arrived in this order:( [0-9]+){12}$'
    assert_line --index 1 '[1, 8, 27, 64, 125, 216, 343, 512, 729, 1000, 1331, 1728]'
    # every x arrived once
    assert_equal "$(printf '%s\n' "${lines[0]}" | sed 's/.*order://' | tr ' ' '\n' | sed '/^$/d' | sort -n | tr '\n' ' ')" "1 2 3 4 5 6 7 8 9 10 11 12 "
}

@test "1_map_by_hand: README block matches a real run" {
    run bounded 10 "$BIN/1_map_by_hand" 3>&-
    assert_success
    readme_matches "$README" map_by_hand
}

# ---------------------------------------------------------------- step 2

@test "2_map_cube: the classic prints exactly [1, 8, 27, 64, 125, 216]" {
    shared_run 2_map_cube
    assert_success
    assert_line '[1, 8, 27, 64, 125, 216]'
    assert_line --regexp '^\[parent [0-9]+\] finished in this order:( [1-6]){6}$'
}

@test "2_map_cube: results stay in input order, whatever order the tasks finish in" {
    # 6 workers, one item each: cube(6) sleeps 30 ms, cube(1) 180 ms, so on
    # a quiet machine they finish 6 5 4 3 2 1. That order is not pinned: on
    # a busy one a worker woken 30 ms late swaps two (as in 04's
    # 2_starmap_pairs). Every item finishes once, whatever the order, and
    # the results are in input order.
    run bounded 30 "$BIN/2_map_cube" -j 6 3>&-
    assert_success
    local order
    order=$(sed -n 's/^\[parent [0-9]*\] finished in this order: //p' <<<"$output")
    assert_equal "$(tr ' ' '\n' <<<"$order" | sort -n | tr '\n' ' ')" "1 2 3 4 5 6 "
    assert_line '[1, 8, 27, 64, 125, 216]'
}

@test "2_map_cube: README block matches a real run" {
    run bounded 30 "$BIN/2_map_cube" -j 2 3>&-
    assert_success
    readme_matches "$README" map_cube
}

# ---------------------------------------------------------------- step 3

@test "3_chunk_trace: -j 3: Python's rule gives chunksize 2; --chunksize 7 gives 0-6, 7-13, 14-19" {
    run bounded 30 "$BIN/3_chunk_trace" -j 3 --chunksize 7 3>&-
    assert_success
    assert_line --regexp "Python's rule: chunksize = ceil\(20 / \(4 x 3 workers\)\) = 2, so 10 chunks$"
    [ "$(trace_ranges 1 | wc -l)" -eq 10 ]
    trace_ranges 1 | covers_once 20
    assert_line --regexp '^\[parent [0-9]+\] chunksize = 7, from --chunksize, so 3 chunks$'
    [ "$(trace_ranges 2)" = "$(printf '0 6\n7 13\n14 19')" ]
}

@test "3_chunk_trace: both chunk traces cover every index exactly once" {
    shared_run 3_chunk_trace
    assert_success
    trace_ranges 1 | covers_once 20
    trace_ranges 2 | covers_once 20
    [ "$(trace_ranges 1 | wc -l)" -eq 7 ]   # chunksize 3
    [ "$(trace_ranges 2 | wc -l)" -eq 2 ]   # one chunk per worker
    [ "$(grep -c 'every item 0-19 was in exactly one chunk: yes$' <<<"$output")" -eq 2 ]
}

@test "3_chunk_trace: README block matches a real run" {
    run bounded 30 "$BIN/3_chunk_trace" -j 2 3>&-
    assert_success
    readme_matches "$README" chunk_trace
}

# ---------------------------------------------------------------- step 4

@test "4_chunksize_sweep: chunksizes 1, 2, 4 ... n/workers with ceil(n/c) chunks, best of 3" {
    shared_run 4_chunksize_sweep
    assert_success
    local rows
    rows=$(sweep_rows)
    # 1 .. 256 by doubling, 125 (Python's rule), 500 (n / workers)
    [ "$(printf '%s\n' "$rows" | awk '{ print $1 }' | tr '\n' ' ')" = "1 2 4 8 16 32 64 125 128 256 500 " ]
    printf '%s\n' "$rows" | awk '{ if ($2 != int((1000 + $1 - 1) / $1)) exit 1 }'
    assert_line --regexp 'best of 3 runs each'
    assert_line --regexp 'every chunksize gave the same results: yes$'
}

@test "4_chunksize_sweep: the verdicts name chunksize 1, Python's rule and the fastest, as the times say" {
    shared_run 4_chunksize_sweep
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] chunksize 1 against the fastest, chunksize [0-9]+: [0-9.]+ s against [0-9.]+ s \([0-9]+x\): (bigger chunks are faster|too close to call on this machine)$'
    assert_line --regexp "^\[parent [0-9]+\] Python's rule, chunksize 125, against the fastest: [0-9.]+ s against [0-9.]+ s: "
    local line
    line=$(grep 'chunksize 1 against the fastest' <<<"$output")
    verdict_follows "${line##*): }" "bigger chunks are faster" "chunksize 1 is faster" \
        "$(sed -n 's/.*: \([0-9.]*\) s against [0-9.]* s (.*/\1/p' <<<"$line")" \
        "$(sed -n 's/.* s against \([0-9.]*\) s (.*/\1/p' <<<"$line")" || fail "$line"
    # the fastest named is a row with the smallest time (the table prints
    # microseconds: two rows may show the same time, and either is right)
    local named smallest named_time
    named=$(printf '%s\n' "$output" | sed -n 's/.*against the fastest, chunksize \([0-9]*\):.*/\1/p')
    smallest=$(printf '%s\n' "$output" | awk '/^chunksize +chunks/ { on = 1; next }
        on && /^ *[0-9]+ +[0-9]+ / { if (best == "" || $3 < best) best = $3 } END { print best }')
    named_time=$(printf '%s\n' "$output" | awk -v c="$named" '/^chunksize +chunks/ { on = 1; next }
        on && /^ *[0-9]+ +[0-9]+ / && $1 == c { print $3 }')
    [ -n "$named" ] && [ -n "$smallest" ]
    assert_equal "$named_time" "$smallest"
}

@test "4_chunksize_sweep -q prints one line, the item count and the checksum" {
    run bounded 20 "$BIN/4_chunksize_sweep" -q -j 2 -n 2000 3>&-
    assert_success
    # sum of i^2 for i < n is (n-1) n (2n-1) / 6
    assert_output "map(square, range(2000)): 2000 items, checksum $((1999 * 2000 * 3999 / 6))"
    run bounded 20 "$BIN/4_chunksize_sweep" -q -j 3 -n 2M --chunksize 1000 3>&-
    assert_success
    assert_output "map(square, range(2000000)): 2000000 items, checksum 2666664666667000000"
}

@test "4_chunksize_sweep: README blocks (the sweep, -q) match real runs" {
    run bounded 30 "$BIN/4_chunksize_sweep" -j 2 3>&-
    assert_success
    readme_matches_any_verdict "$README" sweep
    run bounded 20 "$BIN/4_chunksize_sweep" -j 2 -n 2000000 -q 3>&-
    assert_success
    readme_matches "$README" quiet
}

# ---------------------------------------------------------------- step 5

@test "5_uneven_schedule: --timeline FILE records every chunk of both best maps" {
    local file=$BATS_FILE_TMPDIR/timeline.dat
    shared_run 5_uneven_schedule
    assert_success
    assert_line --partial "timeline written to $file"
    # data set 1: chunksize 1, 40 chunks; data set 2: chunksize 20, 2 chunks
    [ "$(awk '$1 == 1' "$file" | wc -l)" -eq 40 ]
    [ "$(awk '$1 == 20' "$file" | wc -l)" -eq 2 ]
    awk '$1 == 1 { print $5, $5 + $6 - 1 }' "$file" | covers_once 40
    awk '$1 == 20 { print $5, $5 + $6 - 1 }' "$file" | covers_once 40
    # every chunk ends after it starts, on worker 0 or 1
    awk '/^[0-9]/ { if ($8 < $7 || ($2 != 0 && $2 != 1)) exit 1 }' "$file"
}

@test "5_uneven_schedule: best of 3 per chunksize; the straggler verdict follows the printed times" {
    shared_run 5_uneven_schedule
    assert_success
    assert_line --regexp '^chunksize  1: 40 chunks, done in [0-9.]+ s \(best of 3\); busiest worker [0-9.]+ s, least busy [0-9.]+ s$'
    assert_line --regexp '^chunksize 20:  2 chunks, done in [0-9.]+ s \(best of 3\); '
    printf '%s\n' "$output" | awk '
        /^chunksize +1:/ { t1 = $7 } /^chunksize 20:/ { t20 = $7 }
        /chunksize 1 against chunksize 20:/ { v = $0 }
        END {   # the times are printed rounded: near the 5 % margin, any verdict
            want = t1 < t20 * 0.94 ? "chunksize 1 was faster" : t1 > t20 * 1.06 ? "chunksize 1 was slower" : ""
            if (t1 == "" || t20 == "" || index(v, want) == 0) { print "times " t1 " " t20 ", verdict: " v; exit 1 }
        }'
    printf '%s\n' "$output" | awk '
        /busiest minus least busy worker:/ {
            g1 = $8; g = $12   # rounded to the ms: near the 10 ms line, either
            want = g > g1 + 0.011 ? "left a straggler$" : g < g1 + 0.009 ? "no straggler" : ""
            if ($0 !~ want) { print; exit 1 }
        }'
}

@test "5_uneven_schedule --timeline BADPATH: named, exit 2, before any work" {
    run --separate-stderr bounded 10 "$BIN/5_uneven_schedule" --timeline "$BATS_TEST_TMPDIR/no/such/dir/t.dat" 3>&-
    assert_failure 2
    assert_output ""
    [[ "$stderr" == "5_uneven_schedule: invalid value '$BATS_TEST_TMPDIR/no/such/dir/t.dat' for --timeline: cannot write it: No such file or directory"* ]] ||
        [[ "$stderr" == "5_uneven_schedule: invalid value '"*"...("*" characters)' for --timeline: cannot write it: No such file or directory"* ]]
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
}

@test "5_uneven_schedule: README block matches a real run" {
    run bounded 30 "$BIN/5_uneven_schedule" -j 2 3>&-
    assert_success
    readme_matches_any_verdict "$README" schedule
}

# ---------------------------------------------------------------- step 6

@test "6_word_count: totals equal the sum of the files and a serial count" {
    shared_run 6_word_count
    assert_success
    assert_line --regexp 'a serial count in the parent agrees: yes$'
    local sums
    sums=$(printf '%s\n' "$output" | awk '/^  text-[0-9]+\.txt:/ { f++; l += $2; w += $4; b += $6 }
        END { print "totals: " f " files, " l " lines, " w " words, " b " bytes" }')
    assert_line "$sums"
    # the temporary directory is gone, and nothing else was left there
    [ -z "$(ls -A "$BATS_FILE_TMPDIR/tmp")" ]
}

@test "6_word_count: SIGTERM during the word count removes the temporary directory" {
    local out=$BATS_TEST_TMPDIR/out
    # 3000 files take a while to write: time enough to catch the directory.
    TMPDIR=$BATS_TEST_TMPDIR timeout -k 2 60 "$BIN/6_word_count" -j 2 --files 3000 >"$out" 3>&- &
    local pid=$! dir="" tries=0
    while [ -z "$dir" ] && [ $tries -lt 1500 ]; do
        dir=$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name 'pool_map.*' 2>/dev/null)
        sleep 0.01; tries=$((tries + 1))
    done
    [ -n "$dir" ]
    local program
    program=$(pgrep -P "$pid" -x 6_word_count)
    kill -TERM "$program"
    local status=0
    wait "$pid" || status=$?
    [ "$status" -eq 143 ]               # it died of SIGTERM, after cleaning up
    [ ! -e "$dir" ]
    [ -z "$(children_of "$program")" ]
}

@test "6_word_count: README block matches a real run" {
    run bounded 30 "$BIN/6_word_count" -j 2 3>&-
    assert_success
    readme_matches "$README" word_count
}

# ---------------------------------------------------------------- step 7

@test "7_map_speedup: the loop and every pool size computed the same, best of 3, verdicts as the times say" {
    shared_run 7_map_speedup
    assert_success
    assert_line --regexp 'best of 3 runs'
    assert_line --regexp '^map,  1 worker  +[0-9.]+ s   speedup [0-9.]+x: '
    assert_line --regexp '^map,  2 workers +[0-9.]+ s   speedup [0-9.]+x: '
    assert_line --regexp 'every run computed the same results: yes$'
    # each verdict against its speedup (the loop's time over the map's,
    # printed to 0.01): verdict_compare(loop, map) as verdict.h decides it
    local s verdict rows=0
    while IFS=$'\t' read -r s verdict; do
        verdict_follows "$verdict" "faster than the loop" "slower than the loop" "$s" 1 ||
            fail "speedup ${s}x, but: $verdict"
        rows=$((rows + 1))
    done < <(printf '%s\n' "$output" | sed -n 's/^map, .* speedup \([0-9.]*\)x: \(.*\)$/\1\t\2/p')
    [ "$rows" -ge 2 ]
}

@test "7_map_speedup: README block matches a real run" {
    run bounded 30 "$BIN/7_map_speedup" -j 2 3>&-
    assert_success
    readme_matches_any_verdict "$README" speedup
}

# ---------------------------------------------------------------- step 8

@test "8_crashed_map --crash-task 7 fails the map naming task 7 and SIGKILL, exit 1" {
    run --separate-stderr bounded 20 "$BIN/8_crashed_map" -j 2 -n 1000 --crash-task 7 3>&-
    assert_failure 1
    [[ "$stderr" == *"task 7 failed"* ]]
    [[ "$stderr" == *SIGKILL* ]]
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
    assert_line --regexp '^\[parent [0-9]+\] chunks completed before the map failed: [0-9]+ of 8$'
}

@test "8_crashed_map -q with a given chunksize, on the last item" {
    run --separate-stderr bounded 20 "$BIN/8_crashed_map" -q -j 2 -n 5000 --chunksize 64 --crash-task 4999 3>&-
    assert_failure 1
    assert_output ""
    [[ "$stderr" == "8_crashed_map: map failed: task 4999 failed: worker "*" was killed by SIGKILL" ]]
}

@test "8_crashed_map: --crash-task beyond -n is refused" {
    run --separate-stderr "$BIN/8_crashed_map" -n 100 --crash-task 100
    assert_failure 2
    assert_output ""
    [[ "$stderr" == *"--crash-task"*"(try '8_crashed_map --help')" ]]
}

@test "8_crashed_map: README block matches a real run" {
    run bounded 20 "$BIN/8_crashed_map" 3>&-
    assert_failure 1
    readme_matches "$README" crashed
}

# ---------------------------------------------------------------- every step

STEPS="2_map_cube 3_chunk_trace 4_chunksize_sweep 5_uneven_schedule 6_word_count 7_map_speedup 8_crashed_map"

@test "every step: --help prints usage on stdout, exit 0" {
    local step
    for step in $STEPS; do
        run --separate-stderr "$BIN/$step" --help
        assert_success
        assert_line --partial "Usage: $step"
        [ -z "$stderr" ]
    done
}

@test "every step: bad numbers give one line naming the option, exit 2" {
    local step option value
    for step_option in "2_map_cube -j" "3_chunk_trace -j" "3_chunk_trace --chunksize" \
        "4_chunksize_sweep -j" "4_chunksize_sweep -n" "4_chunksize_sweep --chunksize" \
        "5_uneven_schedule -j" "5_uneven_schedule --seed" "6_word_count -j" \
        "6_word_count --seed" "6_word_count --files" "7_map_speedup -j" "8_crashed_map -j" \
        "8_crashed_map -n" "8_crashed_map --chunksize" "8_crashed_map --crash-task"; do
        read -r step option <<<"$step_option"
        for value in 0 -1 abc 12abc 99999999999999999999 ''; do
            # 0 is a valid seed and a valid task index
            if [ "$value" = 0 ] && { [ "$option" = --seed ] || [ "$option" = --crash-task ]; }; then
                continue
            fi
            run --separate-stderr "$BIN/$step" "$option" "$value"
            [ "$status" -eq 2 ] || { echo "$step $option '$value': status $status"; return 1; }
            [ -z "$output" ] || { echo "$step $option '$value': stdout"; return 1; }
            [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
            [[ "$stderr" == "$step: invalid value '$value' for $option: "* ]] || { echo "$stderr"; return 1; }
            [[ "$stderr" == *"(try '$step --help')" ]]
        done
    done
}

@test "every step: unknown option, missing value, stray argument: exit 2, one line" {
    local step args
    for step in $STEPS; do
        for args in "--bogus" "-x" "-j" "stray" "-j 2 extra"; do
            # shellcheck disable=SC2086
            run --separate-stderr "$BIN/$step" $args
            [ "$status" -eq 2 ] || { echo "$step $args: status $status"; return 1; }
            [ -z "$output" ]
            [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
            [[ "$stderr" == *"(try '$step --help')" ]]
        done
    done
    for args in "3_chunk_trace --chunksize" "5_uneven_schedule --timeline" "8_crashed_map -q extra"; do
        # shellcheck disable=SC2086
        run --separate-stderr "$BIN"/$args
        [ "$status" -eq 2 ] && [ -z "$output" ] || { echo "$args: status $status"; return 1; }
        [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
    done
}

# ---------------------------------------------------------------- mirrors

# The lines a step and its mirror must print alike: results, the chunk
# rule, the word counts, the sweep's chunksize and chunk columns.
deterministic() {
    grep -E '^\[1, |Python.s rule: chunksize|^totals:|^top words:|serial count|every item|same results|^ *[0-9]+ +[0-9]+ |x arrived' |
        sed -E 's/\[parent [0-9]+\] //; s/^( *[0-9]+ +[0-9]+) .*/\1/; s/ x arrived in this order:.*/ x arrived/'
}

@test "Python mirrors print the same deterministic results as the steps" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    local step args c_out py_out
    while read -r step args; do
        # shellcheck disable=SC2086
        c_out=$(TMPDIR=$BATS_TEST_TMPDIR bounded 60 "$BIN/$step" $args 3>&- | deterministic)
        # shellcheck disable=SC2086
        py_out=$(TMPDIR=$BATS_TEST_TMPDIR bounded 120 python3 "$ROOT/03_pool_map/$step.py" $args 3>&- | deterministic)
        [ -n "$c_out" ] || { echo "$step: nothing to compare"; return 1; }
        [ "$c_out" = "$py_out" ] || { echo "$step $args:"; diff <(echo "$c_out") <(echo "$py_out"); return 1; }
    done <<'STEPS'
1_map_by_hand
2_map_cube -j 2
3_chunk_trace -j 3 --chunksize 7
4_chunksize_sweep -j 2 -n 1000
6_word_count -j 2
7_map_speedup -j 2
STEPS
    run bounded 60 python3 "$ROOT/03_pool_map/4_chunksize_sweep.py" -q -j 2 -n 20000 3>&-
    assert_success
    local want=$output
    run bounded 20 "$BIN/4_chunksize_sweep" -q -j 2 -n 20000 3>&-
    assert_output "$want"
}

@test "Python mirrors of steps 5 and 8: the schedule's timeline and the crash" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run bounded 60 python3 "$ROOT/03_pool_map/5_uneven_schedule.py" -j 2 --timeline "$BATS_TEST_TMPDIR/t.dat" 3>&-
    assert_success
    [ "$(awk '$1 == 1' "$BATS_TEST_TMPDIR/t.dat" | wc -l)" -eq 40 ]
    [ "$(awk '$1 == 20' "$BATS_TEST_TMPDIR/t.dat" | wc -l)" -eq 2 ]
    assert_line --regexp "task i burns about 2 \+ 6 i/39 ms of CPU, 0\.201 s in all"
    run --separate-stderr bounded 60 python3 "$ROOT/03_pool_map/8_crashed_map.py" -j 2 -n 1000 3>&-
    assert_failure 1
    [[ "$stderr" == *BrokenProcessPool* ]]
}

# ---------------------------------------------------------------- plots

@test "timeline.gp and sweep.gp draw PNGs from real runs' data, busy note or not" {
    command -v gnuplot >/dev/null || skip "gnuplot is not installed"
    shared_run 4_chunksize_sweep
    printf '%s\n' "$output" | awk '/^chunksize +chunks/ { on = 1; next }
        on && /^ *[0-9]+ +[0-9]+ / { print $1, $2, $3, $4; next } on { exit }' \
        >"$BATS_TEST_TMPDIR/sweep.dat"
    cd "$ROOT"
    run gnuplot -e "data='$BATS_FILE_TMPDIR/timeline.dat'; out='$BATS_TEST_TMPDIR/timeline.png'; busy='this machine is busy (load 3.00 on 2 CPUs): timings unreliable'" 03_pool_map/timeline.gp
    assert_success
    run gnuplot -e "data='$BATS_TEST_TMPDIR/sweep.dat'; out='$BATS_TEST_TMPDIR/chunksize.png'" 03_pool_map/sweep.gp
    assert_success
    [ "$(head -c 4 "$BATS_TEST_TMPDIR/timeline.png" | tail -c 3)" = PNG ]
    [ "$(head -c 4 "$BATS_TEST_TMPDIR/chunksize.png" | tail -c 3)" = PNG ]
}

@test "plots.sh writes both figures from steps 4 and 5" {
    command -v gnuplot >/dev/null || skip "gnuplot is not installed"
    local dir=$BATS_TEST_TMPDIR/repo
    mkdir -p "$dir/03_pool_map"
    cp "$ROOT"/03_pool_map/{plots.sh,sweep.gp,timeline.gp} "$dir/03_pool_map/"
    run bounded 120 env BIN="$BIN" sh "$dir/03_pool_map/plots.sh" 3>&-
    assert_success
    [ -s "$dir/results/03_pool_map/chunksize.png" ]
    [ -s "$dir/results/03_pool_map/timeline.png" ]
}
