#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Tests of make bench (common/bench/bench.sh) and make compare
# (common/scripts/compare.sh) in QUICK=1 mode: they run, and their tables
# have the right shape and every row. Never the numbers: the machine may be
# busy, and QUICK sizes are too small to mean anything.

# Both scripts once, side by side (seconds each), shared by the tests.
setup_file() {
    load ../tests/helper
    local dir=$BATS_FILE_TMPDIR
    (QUICK=1 OUT=$dir/bench bounded 120 bash "$ROOT/common/bench/bench.sh" \
        >"$dir/bench.out" 2>"$dir/bench.err" 3>&-; echo $? >"$dir/bench.status") &
    (QUICK=1 OUT=$dir/compare bounded 120 bash "$ROOT/common/scripts/compare.sh" \
        >"$dir/compare.out" 2>"$dir/compare.err" 3>&-; echo $? >"$dir/compare.status") &
    wait
}

setup() {
    load ../tests/helper
    BENCH_MD=$BATS_FILE_TMPDIR/bench/bench.md
    COMPARE_MD=$BATS_FILE_TMPDIR/compare/compare.md
}

# Load one script's run into $status, $output and $lines, as `run` would.
shared_run() {
    status=$(cat "$BATS_FILE_TMPDIR/$1.status")
    output=$(cat "$BATS_FILE_TMPDIR/$1.out")
    mapfile -t lines <<<"$output"
}

# The table rows of a markdown file (header and rule left out).
table_rows() {
    grep '^| ' "$1" | grep -v -e '^| what |' -e '^| chapter |' -e '^|---'
}

# The rows of file $1 whose column $2 (1 = first) does not match regexp $3.
rows_without() {
    table_rows "$1" | awk -F'|' -v col=$(($2 + 1)) -v re="$3" '$col !~ re'
}

NUMBER='^ [0-9.]+[kM]? $'

@test "bench: runs and prints the table with the machine at the top" {
    shared_run bench
    assert_success
    assert_line --index 0 "# make bench: forklore against the floors and Python"
    assert_line --regexp "^CPU: .+, [0-9]+ cores, load [0-9.]+\. .*[0-9]+ paired rounds?"
    assert_line "| what | unit | forklore | baseline (floor) | forklore (Python size) | Python | vs baseline: median (min) | vs Python: median (min) | goal | met? |"
}

@test "bench: every measurement has its row, with 10 columns" {
    shared_run bench
    for what in "process start + join: pool_create(1)+close+join" \
        "process start + join, the child told to exit over a pipe" \
        "process start + join, Python with spawn" "queue 1P/1C, 64 B" \
        "queue 2P/2C, 64 B" "queue 1P/1C, 64 B, Python with Pipe" \
        "pool map, chunksize 1" "pool map, automatic chunksize" \
        "apply_async + get round trip" "shared counter: mutex" \
        "shared counter: C11 atomic" "pi kernel: 4_pi_timed -j 1 / the fastest single-core loop" \
        "pi kernel alone: darts.h throw_darts / pi_floor" \
        "payload: the parent's memcpy into its output array"; do
        assert_line --partial "| $what"
    done
    for size in "64 B" "4 KiB" "64 KiB" "1 MiB" "4 MiB"; do
        for what in "first pool_map / bare socketpair stream / Python Pool(1).map" \
            "first pool_map / the same map repeated" \
            "first pool_map, output array written after the fork (--own) / the same map repeated" \
            "queue / bare socketpair stream / Python Queue"; do
            assert_line --partial "| payload $size items: $what"
        done
    done
    for w in $(seq "$(nproc)"); do
        assert_line --partial "| pi, $w worker(s): darts/s per worker"
        assert_line --partial "| pi, $w worker(s): efficiency"
    done
    [ -z "$(table_rows "$BENCH_MD" | awk -F'|' 'NF != 12')" ]
}

@test "bench: every row with a target says whether it was met" {
    run bash -c "grep -c -- '| >= \\|| <= ' '$BENCH_MD'"
    [ "$output" -ge $((6 + $(nproc))) ]
    [ -z "$(table_rows "$BENCH_MD" | grep -e '| >= ' -e '| <= ' | awk -F'|' '$11 !~ /^ (yes|no|not measured)/')" ]
}

@test "bench: every row has a forklore number, and a baseline beside each one vs the floor" {
    # a row compares forklore with the floor (columns 3 and 4), with Python
    # (columns 5 and 6), or both: one of the forklore columns holds a number
    [ -z "$(table_rows "$BENCH_MD" | awk -F'|' '$4 !~ /^ [0-9.]+[kM]? $/ && $6 !~ /^ [0-9.]+[kM]? $/')" ]
    [ -z "$(table_rows "$BENCH_MD" | awk -F'|' '$4 ~ /^ [0-9.]+[kM]? $/ && $5 !~ /^ [0-9.]+[kM]? $/')" ]
    # every ratio is a median with the smallest per-round ratio beside it
    [ -z "$(table_rows "$BENCH_MD" | awk -F'|' '$8 !~ /^ (-|[0-9.]+ \([0-9.]+\)) $/ || $9 !~ /^ (-|[0-9.]+ \([0-9.]+\)) $/')" ]
}

@test "bench: C and Python run the same sizes, and Python's pi is random.random()" {
    grep -q 'measure map1_c .*-n "$n_map1"' "$ROOT/common/bench/bench.sh"
    grep -q 'measure map1_py .*-n "$n_map1"' "$ROOT/common/bench/bench.sh"
    grep -q 'pi_rate "pi${w}_cp" .*-n "$pydarts"' "$ROOT/common/bench/bench.sh"
    grep -q 'measure "pi${w}_py" py pi -j "$w" -n "$pydarts"' "$ROOT/common/bench/bench.sh"
    grep -q 'draw = rng.random' "$ROOT/common/bench/bench.py"
    grep -q 'measure "pay_first_cp_$size" .* first -s "$size" -b "$b"' "$ROOT/common/bench/bench.sh"
    grep -q 'measure "pay_first_py_$size" py paymap -s "$size" -b "$b"' "$ROOT/common/bench/bench.sh"
    grep -q 'measure "pay_queue_cp_$size" .* queue -s "$size" -b "$b"' "$ROOT/common/bench/bench.sh"
    grep -q 'measure "pay_queue_py_$size" py payqueue -s "$size" -b "$b"' "$ROOT/common/bench/bench.sh"
}

@test "bench: bench.py's payload modes move the bytes unchanged and print MB/s" {
    if ! command -v python3 >/dev/null; then skip "python3 is not installed"; fi
    local mode
    for mode in paymap payqueue; do
        # 2 items of 100000 bytes; and one item when the total is smaller
        run bounded 30 python3 "$ROOT/common/bench/bench.py" "$mode" -s 100000 -b 250000 3>&-
        assert_success
        assert_output --regexp '^[0-9]+$'
        run bounded 30 python3 "$ROOT/common/bench/bench.py" "$mode" -s 5000 -b 100 3>&-
        assert_success
        assert_output --regexp '^[0-9]+$'
    done
}

@test "bench: the pi floor and the chapter's kernel in its harness give 4_pi_timed's estimate" {
    local args want
    for args in "-n 2M" "-n 1234567 --seed 3" "-n 99999 --seed 11"; do
        # shellcheck disable=SC2086 # args is a list of words
        want=$(bounded 30 "$BUILD/bin/4_pi_timed" --csv -j 2 $args 3>&- | awk -F, 'NR == 2 { print $4 }')
        [ -n "$want" ]
        # shellcheck disable=SC2086
        run "$BUILD/bench/pi_floor" $args
        assert_success
        assert_line --index 1 --regexp "^1,[0-9]+,[0-9.]+,$want,"
        # shellcheck disable=SC2086
        run "$BUILD/bench/pi_floor" --chapter $args
        assert_line --index 1 --regexp "^1,[0-9]+,[0-9.]+,$want,"
    done
}

@test "bench: payload_bench moves the bytes unchanged in every mode, and says so on bad input" {
    local mode
    for mode in first repeat queue stream write; do
        run bounded 30 "$BUILD/bench/payload_bench" "$mode" -s 100000 -b 1M 3>&-
        assert_success
        assert_output --regexp '^[0-9]+$'
        run bounded 30 "$BUILD/bench/payload_bench" "$mode" -s 100000 -b 1M --own --faults 3>&-
        assert_success
        assert_output --regexp '^[0-9]+ [0-9]+$'
    done
    run --separate-stderr "$BUILD/bench/payload_bench" first -s 3
    assert_equal "$status" 2
    assert_output ""
    run --separate-stderr "$BUILD/bench/payload_bench" sideways -s 64
    assert_equal "$status" 2
}

@test "bench: the payload sweep's plot data has every size, first map to bare stream, and Python" {
    local py='[0-9.]+'
    command -v python3 >/dev/null || py=NaN
    run cat "$BATS_FILE_TMPDIR/bench/bench_payload.dat"
    for size in 64 4096 65536 1048576 4194304; do
        assert_line --regexp "^$size [0-9.]+ [0-9.]+ [0-9.]+ [0-9.]+ [0-9.]+ $py $py$"
    done
}

@test "bench: nothing failed on the way" {
    run cat "$BATS_FILE_TMPDIR/bench.err"
    refute_output --partial "failed"
    refute_output --partial "could not build"
}

@test "bench: writes bench.md (what it printed) and the chart" {
    shared_run bench
    diff <(printf '%s\n' "$output") "$BENCH_MD"
    if ! command -v gnuplot >/dev/null; then skip "gnuplot is not installed: no chart"; fi
    [ -s "$BATS_FILE_TMPDIR/bench/bench.png" ]
    [ -s "$BATS_FILE_TMPDIR/bench/bench_payload.png" ]
}

@test "bench: the Python column is filled" {
    if ! command -v python3 >/dev/null; then skip "python3 is not installed: the Python column stays empty"; fi
    [ -z "$(rows_without "$BENCH_MD" 6 "$NUMBER" | grep -v -e '^| process start + join, the child told' -e '^| pi kernel' \
        -e '^| payload .* the same map repeated' -e '^| payload: the parent')" ]
}

@test "bench: without a build it says so and fails" {
    run --separate-stderr env BUILD="$BATS_TEST_TMPDIR/nothing" bash "$ROOT/common/bench/bench.sh"
    assert_failure 1
    [[ $stderr == *"build first"* ]]
    assert_output ""
}

@test "compare: runs and prints one row per measurement, every chapter" {
    shared_run compare
    assert_success
    assert_line --index 0 "# make compare: each chapter in C and in Python, same flags"
    assert_line "| chapter | what was measured | unit | C | Python | ratio |"
    for chapter in 01_process 02_queue 03_pool_map 04_starmap 05_apply_async \
        06_callbacks 07_shared_memory 08_pi_montecarlo; do
        assert_line --regexp "^\| $chapter \| .+ \| [0-9.]+ \| "
    done
    [ "$(table_rows "$COMPARE_MD" | wc -l)" -eq 10 ]
    [ -z "$(table_rows "$COMPARE_MD" | awk -F'|' 'NF != 8')" ]
}

@test "compare: the Python column and the ratio are filled" {
    if ! command -v python3 >/dev/null; then skip "python3 is not installed: the Python column stays empty"; fi
    run cat "$BATS_FILE_TMPDIR/compare.err"
    refute_output --partial "failed"
    [ -z "$(rows_without "$COMPARE_MD" 5 "$NUMBER")" ]
    [ -z "$(rows_without "$COMPARE_MD" 6 'x faster')" ]
}

@test "compare: without a build it says so and fails" {
    run --separate-stderr env BUILD="$BATS_TEST_TMPDIR/nothing" bash "$ROOT/common/scripts/compare.sh"
    assert_failure 1
    [[ $stderr == *"build first"* ]]
}

@test "bench: a measurement that fails is reported, leaves a gap and fails the run" {
    local fake=$BATS_TEST_TMPDIR/build
    mkdir -p "$fake/bench" "$fake/bin"
    # floors that answer at once, a library side that fails
    printf '#!/bin/sh\necho 1\n' >"$fake/bench/bare_fork"
    printf '#!/bin/sh\necho 1\n' >"$fake/bench/bare_pipe"
    printf '#!/bin/sh\necho "forklore_bench: broken" >&2; exit 1\n' >"$fake/bench/forklore_bench"
    printf '#!/bin/sh\nprintf "w,d,s\\n1,100,1\\n"\n' >"$fake/bin/4_pi_timed"
    cp "$fake/bin/4_pi_timed" "$fake/bench/pi_floor"
    cp "$fake/bench/bare_fork" "$fake/bench/payload_bench"
    # and a python3 that fails at once (this test is about the C side)
    printf '#!/bin/sh\nexit 1\n' >"$fake/bin/python3"
    chmod +x "$fake"/bench/* "$fake"/bin/*
    QUICK=1 BUILD=$fake OUT=$BATS_TEST_TMPDIR/out PATH=$fake/bin:$PATH \
        run --separate-stderr bounded 60 bash "$ROOT/common/bench/bench.sh" 3>&-
    assert_failure 1
    [[ $stderr == *"start_c failed"*"forklore_bench: broken"* ]]
    [[ $stderr == *"measurement(s) failed"* ]]
    assert_line --regexp '^\| process start \+ join: .* \| us \| - \| 1\.0 \|'
}
