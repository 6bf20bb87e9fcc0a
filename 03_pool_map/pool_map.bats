#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Tests of 03_pool_map: results, chunk traces, word count, crashes, cleanup.

setup() {
    load ../common/tests/helper
    README=$ROOT/03_pool_map/README.md
}

# One full run of the demo, shared by the tests that read its sections.
setup_file() {
    load ../common/tests/helper
    mkdir -p "$BATS_FILE_TMPDIR/tmp"
    local status=0
    TMPDIR=$BATS_FILE_TMPDIR/tmp bounded 60 "$BIN/pool_map" -j 2 -n 1000 \
        --timeline "$BATS_FILE_TMPDIR/timeline.dat" \
        >"$BATS_FILE_TMPDIR/run.out" 2>&1 3>&- || status=$?
    echo "$status" >"$BATS_FILE_TMPDIR/run.status"
}

# Load that run into $status and $output, as `run` would.
shared_run() {
    status=$(cat "$BATS_FILE_TMPDIR/run.status")
    output=$(cat "$BATS_FILE_TMPDIR/run.out")
    mapfile -t lines <<<"$output"
}

# The item ranges of the "  chunk N: items A-B ..." lines of one trace
# (the first trace is data set 1, the second data set 2), one "A B" a line.
trace_ranges() {
    printf '%s\n' "$output" | awk -v want="$1" '
        /^\[parent [0-9]+\] (Python.s rule|chunksize = )/ { set++ }
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

@test "pool_map: the classic prints exactly [1, 8, 27, 64, 125, 216]" {
    shared_run
    assert_success
    assert_line '[1, 8, 27, 64, 125, 216]'
    assert_line --regexp '^\[parent [0-9]+\] summary: cube ok, chunks cover every item ok, sweep results ok, word counts ok, timing results ok$'
}

@test "pool_map: results stay in input order when tasks finish in reverse order" {
    # 6 workers, one item each: cube(6) sleeps 30 ms, cube(1) 180 ms.
    run bounded 30 "$BIN/pool_map" -j 6 -n 1000 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] finished in this order: 6 5 4 3 2 1$'
    assert_line '[1, 8, 27, 64, 125, 216]'
}

@test "pool_map: -j 3: Python's rule gives chunksize 2; --chunksize 7 gives 0-6, 7-13, 14-19" {
    run bounded 30 "$BIN/pool_map" -j 3 -n 1000 --chunksize 7 3>&-
    assert_success
    assert_line --regexp "Python's rule: chunksize = ceil\(20 / \(4 x 3 workers\)\) = 2, so 10 chunks$"
    [ "$(trace_ranges 1 | wc -l)" -eq 10 ]
    trace_ranges 1 | covers_once 20
    assert_line --regexp '^\[parent [0-9]+\] chunksize = 7, from --chunksize, so 3 chunks$'
    [ "$(trace_ranges 2)" = "$(printf '0 6\n7 13\n14 19')" ]
}

@test "pool_map: both chunk traces cover every index exactly once" {
    shared_run
    assert_success
    trace_ranges 1 | covers_once 20
    trace_ranges 2 | covers_once 20
    [ "$(trace_ranges 1 | wc -l)" -eq 7 ]   # chunksize 3
    [ "$(trace_ranges 2 | wc -l)" -eq 2 ]   # one chunk per worker
}

@test "pool_map: the sweep runs chunksizes 1, 2, 4 ... n/workers with ceil(n/c) chunks" {
    shared_run
    assert_success
    local rows
    rows=$(printf '%s\n' "$output" | awk '/^chunksize +chunks/ { on = 1; next }
        on && /^ *[0-9]+ +[0-9]+ / { print $1, $2; next } on { exit }')
    # 1 .. 256 by doubling, 125 (Python's rule), 500 (n / workers)
    [ "$(printf '%s\n' "$rows" | awk '{ print $1 }' | tr '\n' ' ')" = "1 2 4 8 16 32 64 125 128 256 500 " ]
    printf '%s\n' "$rows" | awk '{ if ($2 != int((1000 + $1 - 1) / $1)) exit 1 }'
    assert_line --regexp 'every chunksize gave the same results: yes$'
}

@test "pool_map: --timeline FILE records every chunk of both maps" {
    local file=$BATS_FILE_TMPDIR/timeline.dat
    shared_run
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

@test "pool_map: word count totals equal the sum of the files and a serial count" {
    shared_run
    assert_success
    assert_line --regexp 'a serial count in the parent agrees: yes$'
    local sums totals
    sums=$(printf '%s\n' "$output" | awk '/^  text-[0-9]+\.txt:/ { f++; l += $2; w += $4; b += $6 }
        END { print "totals: " f " files, " l " lines, " w " words, " b " bytes" }')
    assert_line "$sums"
    # the temporary directory is gone, and nothing else was left there
    [ -z "$(ls -A "$BATS_FILE_TMPDIR/tmp")" ]
}

@test "pool_map: SIGTERM during the word count removes the temporary directory" {
    local out=$BATS_TEST_TMPDIR/out
    # 3000 files take a while to write: time enough to catch the directory.
    TMPDIR=$BATS_TEST_TMPDIR timeout -k 2 60 "$BIN/pool_map" -j 2 -n 1000 --files 3000 >"$out" 3>&- &
    local pid=$! dir="" tries=0
    while [ -z "$dir" ] && [ $tries -lt 1500 ]; do
        dir=$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name 'pool_map.*' 2>/dev/null)
        sleep 0.01; tries=$((tries + 1))
    done
    [ -n "$dir" ]
    local program
    program=$(pgrep -P "$pid" -x pool_map)
    kill -TERM "$program"
    local status=0
    wait "$pid" || status=$?
    [ "$status" -eq 143 ]               # it died of SIGTERM, after cleaning up
    [ ! -e "$dir" ]
    [ -z "$(children_of "$program")" ]
}

@test "pool_map: --crash-task 7 fails the map naming task 7 and SIGKILL, exit 1" {
    run --separate-stderr bounded 20 "$BIN/pool_map" -j 2 -n 1000 --crash-task 7 3>&-
    assert_failure 1
    [[ "$stderr" == *"task 7 failed"* ]]
    [[ "$stderr" == *SIGKILL* ]]
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
}

@test "pool_map: --crash-task with -q and a given chunksize, on the last item" {
    run --separate-stderr bounded 20 "$BIN/pool_map" -q -j 2 -n 5000 --chunksize 64 --crash-task 4999 3>&-
    assert_failure 1
    assert_output ""
    [[ "$stderr" == "pool_map: map failed: task 4999 failed: worker "*" was killed by SIGKILL" ]]
}

@test "pool_map: -q prints one line, the item count and the checksum" {
    run bounded 20 "$BIN/pool_map" -q -j 2 -n 2000 3>&-
    assert_success
    # sum of i^2 for i < n is (n-1) n (2n-1) / 6
    assert_output "map(square, range(2000)): 2000 items, checksum $((1999 * 2000 * 3999 / 6))"
    run bounded 20 "$BIN/pool_map" -q -j 3 -n 2M --chunksize 1000 3>&-
    assert_success
    assert_output "map(square, range(2000000)): 2000000 items, checksum 2666664666667000000"
}

@test "pool_map: the README's expected output matches a real run" {
    run bounded 30 "$BIN/pool_map" -j 2 3>&-
    assert_success
    readme_matches "$README" run
}

@test "pool_map: --help prints usage on stdout, exit 0" {
    run --separate-stderr "$BIN/pool_map" --help
    assert_success
    assert_line --partial "Usage: pool_map"
    [ -z "$stderr" ]
}

@test "pool_map: bad numbers give one line naming the option, exit 2" {
    local option value
    for option in -j -n --chunksize --seed --files --crash-task; do
        for value in 0 -1 abc 12abc 99999999999999999999 ''; do
            # 0 is a valid seed and a valid task index
            if [ "$value" = 0 ] && { [ "$option" = --seed ] || [ "$option" = --crash-task ]; }; then
                continue
            fi
            run --separate-stderr "$BIN/pool_map" "$option" "$value"
            [ "$status" -eq 2 ] || { echo "$option '$value': status $status"; return 1; }
            [ -z "$output" ] || { echo "$option '$value': stdout"; return 1; }
            [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
            [[ "$stderr" == "pool_map: $option"* ]] || { echo "$stderr"; return 1; }
            [[ "$stderr" == *"(try 'pool_map --help')" ]]
        done
    done
}

@test "pool_map: --crash-task beyond -n is refused" {
    run --separate-stderr "$BIN/pool_map" -n 100 --crash-task 100
    assert_failure 2
    [[ "$stderr" == *"--crash-task"*"(try 'pool_map --help')" ]]
}

@test "pool_map: unknown option, missing value, stray argument: exit 2, one line" {
    local args
    for args in "--bogus" "-x" "-j" "--chunksize" "--timeline" "stray" "-q extra"; do
        # shellcheck disable=SC2086
        run --separate-stderr "$BIN/pool_map" $args
        [ "$status" -eq 2 ] || { echo "$args: status $status"; return 1; }
        [ -z "$output" ]
        [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
        [[ "$stderr" == *"(try 'pool_map --help')" ]]
    done
}

@test "pool_map.py prints the same deterministic results as pool_map" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    local py=$ROOT/03_pool_map/pool_map.py pick='^\[1, |Python.s rule|^totals:|^top words:|serial count|^ *[0-9]+ +[0-9]+ '
    shared_run
    assert_success
    local c_out
    c_out=$(printf '%s\n' "$output" | grep -E "$pick" | sed -E 's/\[parent [0-9]+\] //; s/^( *[0-9]+ +[0-9]+) .*/\1/')
    run bounded 60 python3 "$py" -j 2 -n 1000 3>&-
    assert_success
    local py_out
    py_out=$(printf '%s\n' "$output" | grep -E "$pick" | sed -E 's/\[parent [0-9]+\] //; s/^( *[0-9]+ +[0-9]+) .*/\1/')
    [ "$c_out" = "$py_out" ] || { diff <(echo "$c_out") <(echo "$py_out"); return 1; }
    run bounded 60 python3 "$py" -q -j 2 -n 20000 3>&-
    assert_success
    local want=$output
    run bounded 20 "$BIN/pool_map" -q -j 2 -n 20000 3>&-
    assert_output "$want"
}

@test "pool_map: the README's --crash-task and -q outputs match real runs" {
    run bounded 20 "$BIN/pool_map" --crash-task 7 3>&-
    assert_failure 1
    readme_matches "$README" crash
    run bounded 20 "$BIN/pool_map" -j 2 -n 2000000 -q 3>&-
    assert_success
    readme_matches "$README" quiet
}

@test "pool_map: timeline.gp and sweep.gp draw PNGs from a real run's data" {
    command -v gnuplot >/dev/null || skip "gnuplot is not installed"
    shared_run
    assert_success
    printf '%s\n' "$output" | awk '/^chunksize +chunks/ { on = 1; next }
        on && /^ *[0-9]+ +[0-9]+ / { print $1, $2, $3, $4; next } on { exit }' \
        >"$BATS_TEST_TMPDIR/sweep.dat"
    cd "$ROOT"
    run gnuplot -e "data='$BATS_FILE_TMPDIR/timeline.dat'; out='$BATS_TEST_TMPDIR/timeline.png'" 03_pool_map/timeline.gp
    assert_success
    run gnuplot -e "data='$BATS_TEST_TMPDIR/sweep.dat'; out='$BATS_TEST_TMPDIR/chunksize.png'" 03_pool_map/sweep.gp
    assert_success
    [ "$(head -c 4 "$BATS_TEST_TMPDIR/timeline.png" | tail -c 3)" = PNG ]
    [ "$(head -c 4 "$BATS_TEST_TMPDIR/chunksize.png" | tail -c 3)" = PNG ]
}
