#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Tests of 04_starmap, step by step: 1_args_by_hand, 2_starmap_pairs,
# 3_parallel_for, 4_task_cost, 5_keep_fed, 6_crashed_task; their README
# blocks, their Python mirrors, --help and bad input.

setup() {
    load ../common/tests/helper
    README=$ROOT/04_starmap/README.md
}

# The ranges traced by 3_parallel_for cover 0 .. n-1 exactly once, in order,
# with at most `workers` ranges, each run by a worker, not the parent.
# Usage: ranges_cover N WORKERS  (reads $output)
ranges_cover() {
    printf '%s\n' "$output" | awk -v n="$1" -v j="$2" '
        /^\[parent [0-9]+\] a pool of/ { parent = substr($2, 1, length($2) - 1) }
        / range [0-9]+: worker [0-9]+ \(pid [0-9]+\) looped over indices / {
            # ... range C: worker W (pid P) looped over indices A to B: K indices
            ranges++
            pid = $8; sub(/\)$/, "", pid)
            a = $12; b = $14; sub(/:$/, "", b); k = $15
            if (pid == parent) { print "range " ranges " ran in the parent"; bad = 1 }
            if (a != next_index) { print "range " ranges " starts at " a ", expected " next_index; bad = 1 }
            if (b - a + 1 != k) { print "range " ranges ": " k " indices in " a ".." b; bad = 1 }
            next_index = b + 1; total += k
        }
        END {
            if (ranges == 0 || ranges > j) { print ranges " ranges for " j " workers"; bad = 1 }
            if (next_index != n || total != n) { print "covered " total " of " n; bad = 1 }
            exit bad
        }'
}

# ---------------------------------------------------------------- step 1

@test "1_args_by_hand: pow over three structs, in input order, each from its own child" {
    run bounded 10 "$BIN/1_args_by_hand" 3>&-
    assert_success
    assert_equal "${#lines[@]}" 3
    assert_line --index 0 --regexp '^\[parent [0-9]+\] pow\(2, 3\) = 8 \(computed by child [0-9]+\)$'
    assert_line --index 1 --regexp '^\[parent [0-9]+\] pow\(3, 4\) = 81 \(computed by child [0-9]+\)$'
    assert_line --index 2 --regexp '^\[parent [0-9]+\] pow\(4, 5\) = 1024 \(computed by child [0-9]+\)$'
    # three different children, none of them the parent
    local parent children
    parent=$(printf '%s\n' "$output" | sed -n '1s/^\[parent \([0-9]*\)\].*/\1/p')
    children=$(printf '%s\n' "$output" | sed 's/.*child \([0-9]*\))$/\1/' | sort -u)
    assert_equal "$(printf '%s\n' "$children" | wc -l)" 3
    refute [ "$(printf '%s\n' "$children" | grep -cx "$parent")" -ne 0 ]
}

@test "1_args_by_hand: README block matches a real run" {
    run bounded 10 "$BIN/1_args_by_hand" 3>&-
    assert_success
    readme_matches "$README" args_by_hand
}

# ---------------------------------------------------------------- step 2

@test "2_starmap_pairs: add and power over the pairs, exact and in input order" {
    for j in 1 2 3; do
        run bounded 30 "$BIN/2_starmap_pairs" -j "$j" 3>&-
        assert_success
        assert_line --regexp '^\[parent [0-9]+\] pairs = \[\(1, 2\), \(2, 3\), \(3, 4\), \(4, 5\), \(5, 6\), \(6, 7\)\]$'
        assert_line --regexp '^\[parent [0-9]+\] starmap\(add, pairs\)   = \[3, 5, 7, 9, 11, 13\]$'
        assert_line --regexp '^\[parent [0-9]+\] starmap\(power, pairs\) = \[1, 8, 81, 1024, 15625, 279936\]$'
    done
}

@test "2_starmap_pairs: results stay in input order when the tasks finish in reverse" {
    # 6 workers, one power task each; task i sleeps (5 - i) x 5 ms, so the
    # last pair finishes first.
    run bounded 30 "$BIN/2_starmap_pairs" -j 6 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] starmap\(power, pairs\) = \[1, 8, 81, 1024, 15625, 279936\]$'
    # every task finished once, whatever the order
    local order
    order=$(printf '%s\n' "$output" | sed -n 's/.*finished in this order: \[\(.*\)\].*/\1/p')
    assert_equal "$(printf '%s\n' "$order" | tr -d ' ' | tr ',' '\n' | sort -n | tr '\n' ' ')" "0 1 2 3 4 5 "
}

@test "2_starmap_pairs: README block matches a real run" {
    run bounded 30 "$BIN/2_starmap_pairs" -j 2 3>&-
    assert_success
    readme_matches "$README" starmap_pairs
}

# ---------------------------------------------------------------- step 3

@test "3_parallel_for: the ranges cover every index exactly once" {
    for case in "1 1" "1 3" "2 4" "10 3" "1000 2" "999 4" "100000 7"; do
        set -- $case
        run bounded 30 "$BIN/3_parallel_for" -n "$1" -j "$2" 3>&-
        assert_success
        ranges_cover "$1" "$2"
    done
}

@test "3_parallel_for: chunks(n, processes) is Python's ceil split" {
    run bounded 30 "$BIN/3_parallel_for" -n 10 -j 3 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] chunks\(10, 3\) = \[\(0, 4\), \(4, 8\), \(8, 10\)\]$'
    run bounded 30 "$BIN/3_parallel_for" -n 2 -j 4 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] chunks\(2, 4\) = \[\(0, 1\), \(1, 2\)\]$'
}

@test "3_parallel_for: -q prints one summary line, with the full run's checksum; --seed changes it" {
    run bounded 30 "$BIN/3_parallel_for" -j 2 -n 20000 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] the serial loop gives the same checksum, [0-9]+$'
    local full
    full=$(printf '%s\n' "$output" | sed -n 's/^summary: .*checksum //p')
    run bounded 30 "$BIN/3_parallel_for" -j 3 -n 20000 -q 3>&-
    assert_success
    assert_equal "${#lines[@]}" 1
    assert_output "summary: n 20000, 3 workers, checksum $full"
    run bounded 30 "$BIN/3_parallel_for" -j 3 -n 20000 -q --seed 7 3>&-
    assert_success
    refute_output "summary: n 20000, 3 workers, checksum $full"
}

@test "3_parallel_for: SIGTERM mid-run: dies of SIGTERM, every worker stopped and reaped" {
    "$BIN/3_parallel_for" -q -n 1e9 -j 2 >/dev/null 3>&- &
    local pid=$!
    # wait (bounded) until its workers are running, not a fixed sleep
    local tries=0
    until [ "$(pgrep -P "$pid" | wc -l)" -ge 2 ] || [ $tries -ge 100 ]; do
        sleep 0.05
        tries=$((tries + 1))
    done
    kill -TERM "$pid"
    local status=0
    wait "$pid" || status=$?
    assert_equal "$status" 143
    run pgrep -f -- "^$BIN/3_parallel_for "
    assert_failure 1
}

@test "3_parallel_for: README block matches a real run" {
    run bounded 30 "$BIN/3_parallel_for" -j 2 3>&-
    assert_success
    readme_matches "$README" parallel_for
}

# ---------------------------------------------------------------- step 4

@test "4_task_cost: serial, per-index and chunked loops give the same checksum as step 3" {
    run bounded 60 "$BIN/4_task_cost" -j 2 -n 20000 --chunksize 7 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] all four give checksum [0-9]+$'
    assert_line --regexp '^map\(do_something, range\(n\), chunksize=7\) +2858 +320000 '
    assert_line --regexp '^map\(do_something, range\(n\)\) \[chunksize=2500\] +8 +320000 '
    assert_line --regexp '^starmap\(do_range, chunks\(n, 2\)\) +2 +48 '
    assert_line --regexp 'best of 3 runs per row$'
    local sum
    sum=$(printf '%s\n' "$output" | sed -n 's/^summary: .*checksum //p')
    run bounded 30 "$BIN/3_parallel_for" -j 2 -n 20000 -q 3>&-
    assert_output "summary: n 20000, 2 workers, checksum $sum"
}

@test "4_task_cost: every row has a verdict the numbers support" {
    run bounded 60 "$BIN/4_task_cost" -j 2 -n 20000 3>&-
    assert_success
    # each row's verdict against its speedup (serial time over the row's,
    # printed to 0.01): verdict_compare(serial, row) as verdict.h decides it
    local s verdict rows=0
    while IFS=$'\t' read -r s verdict; do
        verdict_follows "$verdict" "faster than serial" "slower than serial" "$s" 1 ||
            fail "speedup ${s}x, but: $verdict"
        rows=$((rows + 1))
    done < <(printf '%s\n' "$output" | sed -n 's/.* \([0-9.]*\)x  *\([a-z].*\)$/\1\t\2/p' | grep -v baseline)
    assert_equal "$rows" 3
}

@test "4_task_cost: README block matches a real run (any verdict)" {
    run bounded 60 "$BIN/4_task_cost" -j 2 3>&-
    assert_success
    readme_matches_any_verdict "$README" task_cost
}

# ---------------------------------------------------------------- step 5

@test "5_keep_fed: map_async and starmap_async results after get(), not ready at first" {
    run bounded 30 "$BIN/5_keep_fed" 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] ready\(\) right away: false, false$'
    assert_line --regexp '^\[parent [0-9]+\] meanwhile the parent found 49098 primes below 600000$'
    assert_line --regexp '^\[parent [0-9]+\] successful\(\): true, true$'
    assert_line --regexp '^\[parent [0-9]+\] starmap_async\(slow_power, pairs\)\.get\(\) = \[1, 8, 81, 1024, 15625, 279936\]$'
    assert_line --regexp '^\[parent [0-9]+\] map_async\(slow_cube, 1\.\.6\)\.get\(\) += \[1, 8, 27, 64, 125, 216\]$'
    assert_line --regexp '^\[parent [0-9]+\] best of 3: [0-9.]+ ms looking at ready\(\) while counting, [0-9.]+ ms never looking: '
}

@test "5_keep_fed: README block matches a real run (any verdict)" {
    run bounded 30 "$BIN/5_keep_fed" 3>&-
    assert_success
    readme_matches_any_verdict "$README" keep_fed
}

# ---------------------------------------------------------------- step 6

@test "6_crashed_task: --crash-task K fails naming task K and SIGKILL, exit 1, no hang" {
    for k in 0 3 5; do
        for quiet in "" -q; do
            run --separate-stderr bounded 20 "$BIN/6_crashed_task" -j 2 $quiet --crash-task "$k" 3>&-
            assert_equal "$status" 1
            assert_regex "$stderr" "^6_crashed_task: starmap\(add, pairs\) failed: task $k failed: worker [0-9]+ \(pid [0-9]+\) was killed by SIGKILL$"
            refute_output --partial summary
            [ -z "$quiet" ] || assert_output ""
        done
    done
}

@test "6_crashed_task: after the crash no worker is left behind; the pool had replaced it" {
    run --separate-stderr bounded 20 "$BIN/6_crashed_task" -j 3 --crash-task 2 3>&-
    assert_equal "$status" 1
    assert_line --regexp '^\[parent [0-9]+\] the pool lost 1 worker and started 4 in all \(3 \+ 1 replacement\)$'
    local pid
    pid=$(printf '%s\n' "$stderr" | sed -n 's/.*(pid \([0-9]*\)).*/\1/p')
    [ -n "$pid" ]
    [ ! -e "/proc/$pid" ] || process_gone "$pid"
    run pgrep -f -- "^$BIN/6_crashed_task "
    assert_failure 1
}

@test "6_crashed_task: README block matches a real run" {
    run bounded 20 "$BIN/6_crashed_task" -j 2 2>&1 3>&-
    assert_equal "$status" 1
    readme_matches "$README" crashed_task
}

# ---------------------------------------------------------------- options

@test "steps 2-4, 6: --help prints usage on stdout, exit 0" {
    for program in 2_starmap_pairs 3_parallel_for 4_task_cost 6_crashed_task; do
        run --separate-stderr "$BIN/$program" --help
        assert_success
        assert_line --index 0 --partial "Usage: $program"
        assert_equal "$stderr" ""
        run "$BIN/$program" -h
        assert_success
        assert_line --index 0 --partial "Usage: $program"
    done
    run "$BIN/6_crashed_task" --help
    assert_output --partial "--crash-task K"
}

@test "steps 2-4, 6: bad numbers: exit 2, one stderr line naming the option, no stdout" {
    local program option bad
    for pair in "2_starmap_pairs -j" "3_parallel_for -j" "3_parallel_for -n" "4_task_cost -j" \
        "4_task_cost -n" "4_task_cost --chunksize" "6_crashed_task -j"; do
        set -- $pair
        program=$1 option=$2
        for bad in 0 -1 abc 12abc 99999999999999999999 ''; do
            run --separate-stderr "$BIN/$program" "$option" "$bad"
            assert_equal "$status" 2
            assert_equal "$output" ""
            assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
            assert_regex "$stderr" "^$program: invalid value '.*' for $option: .*\(try '$program --help'\)$"
        done
    done
    for bad in -1 abc 12abc 99999999999999999999 ''; do
        run --separate-stderr "$BIN/3_parallel_for" --seed "$bad"
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_regex "$stderr" "^3_parallel_for: invalid value '.*' for --seed: .*\(try '3_parallel_for --help'\)$"
    done
    for bad in -1 6 abc ''; do
        run --separate-stderr "$BIN/6_crashed_task" --crash-task "$bad"
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_regex "$stderr" "^6_crashed_task: invalid value '.*' for --crash-task: .*\(try '6_crashed_task --help'\)$"
    done
    run --separate-stderr "$BIN/3_parallel_for" -j 100000
    assert_equal "$status" 2
    assert_regex "$stderr" "^3_parallel_for: invalid value '100000' for -j: out of range"
}

@test "steps 2-4, 6: unknown option, missing value, stray argument: exit 2, one line" {
    local args
    for program in 2_starmap_pairs 3_parallel_for 4_task_cost 6_crashed_task; do
        for args in "--bogus" "-x" "-j" "stray"; do
            run --separate-stderr "$BIN/$program" $args
            assert_equal "$status" 2
            assert_equal "$output" ""
            assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
            assert_regex "$stderr" "^$program: .*\(try '$program --help'\)$"
        done
    done
    for args in "-n" "--seed"; do
        run --separate-stderr "$BIN/3_parallel_for" $args
        assert_equal "$status" 2
    done
    run --separate-stderr "$BIN/4_task_cost" --chunksize
    assert_equal "$status" 2
    run --separate-stderr "$BIN/6_crashed_task" --crash-task
    assert_equal "$status" 2
}

# ---------------------------------------------------------------- Python

@test "mirrors: C and Python print the same deterministic results, step by step" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    untagged() { sed 's/^\[parent [0-9]*\] //; s/(computed by child [0-9]*)//; s/(pid [0-9]*)/(pid)/'; }
    local c_side
    run bounded 10 "$BIN/1_args_by_hand" 3>&-
    c_side=$(printf '%s\n' "$output" | untagged)
    run bounded 30 python3 "$ROOT/04_starmap/1_args_by_hand.py" 3>&-
    assert_equal "$(printf '%s\n' "$output" | untagged)" "$c_side"
    run bounded 30 "$BIN/2_starmap_pairs" -j 3 3>&-
    c_side=$(printf '%s\n' "$output" | untagged | grep -v 'finished in this order')
    run bounded 30 python3 "$ROOT/04_starmap/2_starmap_pairs.py" -j 3 3>&-
    assert_equal "$(printf '%s\n' "$output" | untagged)" "$c_side"
    run bounded 30 "$BIN/3_parallel_for" -j 3 -n 3000 --seed 9 3>&-
    c_side=$(printf '%s\n' "$output" | untagged | grep -v '^range ')
    run bounded 60 python3 "$ROOT/04_starmap/3_parallel_for.py" -j 3 -n 3000 --seed 9 3>&-
    assert_success
    assert_equal "$(printf '%s\n' "$output" | untagged | grep -v '^range ')" "$c_side"
    run bounded 60 python3 "$ROOT/04_starmap/3_parallel_for.py" -q -j 2 -n 5000 3>&-
    local py_q=$output
    run bounded 30 "$BIN/3_parallel_for" -q -j 2 -n 5000 3>&-
    assert_equal "$py_q" "$output"
    run bounded 60 python3 "$ROOT/04_starmap/4_task_cost.py" -j 2 -n 2000 --chunksize 5 3>&-
    assert_success
    local py_sum
    py_sum=$(printf '%s\n' "$output" | grep -E '^(summary|\[parent [0-9]+\] all four)' | untagged)
    run bounded 30 "$BIN/4_task_cost" -j 2 -n 2000 --chunksize 5 3>&-
    assert_equal "$(printf '%s\n' "$output" | grep -E '^(summary|\[parent [0-9]+\] all four)' | untagged)" "$py_sum"
    run bounded 30 "$BIN/5_keep_fed" 3>&-
    c_side=$(printf '%s\n' "$output" | untagged | grep -E '^(2 workers|ready|meanwhile|successful|.*get\(\))')
    run bounded 30 python3 "$ROOT/04_starmap/5_keep_fed.py" 3>&-
    assert_equal "$(printf '%s\n' "$output" | untagged | grep -E '^(2 workers|ready|meanwhile|successful|.*get\(\))')" "$c_side"
}

@test "6_crashed_task.py: gives up after a timeout (Pool alone would hang), exit 1" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run --separate-stderr bounded 30 python3 "$ROOT/04_starmap/6_crashed_task.py" -j 2 -q --crash-task 2 3>&-
    assert_equal "$status" 1
    assert_regex "$stderr" "^6_crashed_task.py: starmap\(add, pairs\) failed: no result after 3 s"
}
