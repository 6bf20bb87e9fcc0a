#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Tests of 04_starmap: starmap results in order, async results, the
# parallel-for ranges, checksums, --crash-task, --help and bad input.

setup() {
    load ../common/tests/helper
    README=$ROOT/04_starmap/README.md
}

# The ranges traced by the parallel-for cover 0 .. n-1 exactly once, in
# order, with at most `workers` ranges, each run by a worker, not the parent.
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

@test "starmap: add and power over the pairs, exact and in input order" {
    for j in 1 2 3; do
        run bounded 30 "$BIN/starmap" -j "$j" -n 1000 3>&-
        assert_success
        assert_line --regexp '^\[parent [0-9]+\] pairs = \[\(1, 2\), \(2, 3\), \(3, 4\), \(4, 5\), \(5, 6\), \(6, 7\)\]$'
        assert_line --regexp '^\[parent [0-9]+\] starmap\(add, pairs\)   = \[3, 5, 7, 9, 11, 13\]$'
        assert_line --regexp '^\[parent [0-9]+\] starmap\(power, pairs\) = \[1, 8, 81, 1024, 15625, 279936\]$'
    done
}

@test "starmap: results stay in input order when the tasks finish in reverse" {
    # 6 workers, one power task each; task i sleeps (5 - i) x 5 ms, so the
    # last pair finishes first.
    run bounded 30 "$BIN/starmap" -j 6 -n 1000 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] starmap\(power, pairs\) = \[1, 8, 81, 1024, 15625, 279936\]$'
    # every task finished once, whatever the order
    local order
    order=$(printf '%s\n' "$output" | sed -n 's/.*finished in this order: \[\(.*\)\].*/\1/p')
    assert_equal "$(printf '%s\n' "$order" | tr -d ' ' | tr ',' '\n' | sort -n | tr '\n' ' ')" "0 1 2 3 4 5 "
}

@test "starmap: map_async and starmap_async results after get(), not ready at first" {
    run bounded 30 "$BIN/starmap" -j 2 -n 1000 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] ready\(\) right away: false, false$'
    assert_line --regexp '^\[parent [0-9]+\] found 78498 primes in '
    assert_line --regexp '^\[parent [0-9]+\] successful\(\): true, true$'
    assert_line --regexp '^\[parent [0-9]+\] starmap_async\(slow_power, pairs\)\.get\(\) = \[1, 8, 81, 1024, 15625, 279936\]$'
    assert_line --regexp '^\[parent [0-9]+\] map_async\(slow_cube, 1\.\.6\)\.get\(\) += \[1, 8, 27, 64, 125, 216\]$'
}

@test "starmap: the parallel-for ranges cover every index exactly once" {
    for case in "1 1" "1 3" "2 4" "10 3" "1000 2" "999 4" "100000 7"; do
        set -- $case
        run bounded 30 "$BIN/starmap" -n "$1" -j "$2" 3>&-
        assert_success
        ranges_cover "$1" "$2"
    done
}

@test "starmap: chunks(n, processes) is Python's ceil split" {
    run bounded 30 "$BIN/starmap" -n 10 -j 3 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] chunks\(10, 3\) = \[\(0, 4\), \(4, 8\), \(8, 10\)\]$'
    run bounded 30 "$BIN/starmap" -n 2 -j 4 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] chunks\(2, 4\) = \[\(0, 1\), \(1, 2\)\]$'
}

@test "starmap: serial, per-index and chunked loops give the same checksum" {
    run bounded 30 "$BIN/starmap" -j 2 -n 20000 --chunksize 7 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] all four give checksum [0-9]+$'
    assert_line --regexp '^map\(do_something, range\(n\), chunksize=7\) +2858 +320000 '
    assert_line --regexp '^starmap\(do_range, chunks\(n, 2\)\) +2 +128 '
    local full
    full=$(printf '%s\n' "$output" | sed -n 's/^summary: .*checksum //p')
    # -q runs only the chunked loop, and must agree
    run bounded 30 "$BIN/starmap" -j 3 -n 20000 -q 3>&-
    assert_success
    assert_output "summary: 6 pairs, n 20000, 3 workers, checksum $full"
    # another seed, another checksum
    run bounded 30 "$BIN/starmap" -j 3 -n 20000 -q --seed 7 3>&-
    assert_success
    refute_output "summary: 6 pairs, n 20000, 3 workers, checksum $full"
}

@test "starmap: -q prints one summary line" {
    run bounded 30 "$BIN/starmap" -q -n 1000 -j 2 3>&-
    assert_success
    assert_equal "${#lines[@]}" 1
    assert_output --regexp '^summary: 6 pairs, n 1000, 2 workers, checksum [0-9]+$'
}

@test "starmap: --crash-task K fails naming task K and SIGKILL, exit 1, no hang" {
    for k in 0 3 5; do
        for quiet in "" -q; do
            run --separate-stderr bounded 20 "$BIN/starmap" -j 2 -n 1000 $quiet --crash-task "$k" 3>&-
            assert_equal "$status" 1
            assert_regex "$stderr" "^starmap: starmap\(add, pairs\) failed: task $k failed: worker [0-9]+ \(pid [0-9]+\) was killed by SIGKILL$"
            refute_output --partial summary
        done
    done
}

@test "starmap: after --crash-task no worker is left behind" {
    run --separate-stderr bounded 20 "$BIN/starmap" -j 3 -n 1000 -q --crash-task 2 3>&-
    assert_equal "$status" 1
    local pid
    pid=$(printf '%s\n' "$stderr" | sed -n 's/.*(pid \([0-9]*\)).*/\1/p')
    [ -n "$pid" ]
    # the killed worker was reaped (gone, not a zombie), and no worker of
    # this program outlived it
    [ ! -e "/proc/$pid" ] || process_gone "$pid"
    run pgrep -f -- "^$BIN/starmap "
    assert_failure 1
}

@test "starmap: SIGTERM mid-run: dies of SIGTERM, every worker stopped and reaped" {
    "$BIN/starmap" -q -n 300M -j 2 >/dev/null 3>&- &
    local pid=$!
    sleep 0.5
    kill -TERM "$pid"
    local status=0
    wait "$pid" || status=$?
    assert_equal "$status" 143
    run pgrep -f -- "^$BIN/starmap "
    assert_failure 1
}

@test "starmap: README expected output matches a real run" {
    run bounded 30 "$BIN/starmap" -j 2 3>&-
    assert_success
    readme_matches "$README" default
}

@test "starmap: --help prints usage on stdout, exit 0" {
    run --separate-stderr "$BIN/starmap" --help
    assert_success
    assert_line --index 0 --partial "Usage: starmap"
    assert_output --partial "--crash-task K"
    assert_equal "$stderr" ""
    run "$BIN/starmap" -h
    assert_success
    assert_line --index 0 --partial "Usage: starmap"
}

@test "starmap: bad numbers: exit 2, one stderr line naming the option, no stdout" {
    local option bad
    for option in -j -n --chunksize; do
        for bad in 0 -1 abc 12abc 99999999999999999999 ''; do
            run --separate-stderr "$BIN/starmap" "$option" "$bad"
            assert_equal "$status" 2
            assert_equal "$output" ""
            assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
            assert_regex "$stderr" "^starmap: $option: .*\(try 'starmap --help'\)$"
        done
    done
    for bad in -1 abc 12abc 99999999999999999999 ''; do
        run --separate-stderr "$BIN/starmap" --seed "$bad"
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_regex "$stderr" "^starmap: --seed: .*\(try 'starmap --help'\)$"
    done
    for bad in -1 6 abc ''; do
        run --separate-stderr "$BIN/starmap" --crash-task "$bad"
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_regex "$stderr" "^starmap: --crash-task: .*\(try 'starmap --help'\)$"
    done
    run --separate-stderr "$BIN/starmap" -j 100000
    assert_equal "$status" 2
    assert_regex "$stderr" "^starmap: -j: 100000 is out of range"
}

@test "starmap: unknown option, missing value, stray argument: exit 2, one line" {
    local args
    for args in "--bogus" "-x" "-j" "-n" "--seed" "--chunksize" "--crash-task" "stray"; do
        run --separate-stderr "$BIN/starmap" $args
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
        assert_regex "$stderr" "^starmap: .*\(try 'starmap --help'\)$"
    done
}

@test "starmap: C and Python print the same deterministic results" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    # the lines that do not depend on timing, without the [parent PID] tag
    deterministic() {
        sed 's/^\[parent [0-9]*\] //' |
            grep -E '^(==|pairs =|starmap\((add|power), pairs\)|ready\(\) right|successful|(starmap_async|map_async).*\.get\(\) |chunks\(|all four|summary)'
    }
    run bounded 30 "$BIN/starmap" -j 3 -n 3000 --chunksize 5 --seed 9 3>&-
    assert_success
    local c_side
    c_side=$(printf '%s\n' "$output" | deterministic)
    run bounded 60 python3 "$ROOT/04_starmap/starmap.py" -j 3 -n 3000 --chunksize 5 --seed 9 3>&-
    assert_success
    assert_equal "$(printf '%s\n' "$output" | deterministic)" "$c_side"
    run bounded 60 python3 "$ROOT/04_starmap/starmap.py" -q -j 2 -n 5000 3>&-
    assert_success
    local py_q=$output
    run bounded 30 "$BIN/starmap" -q -j 2 -n 5000 3>&-
    assert_equal "$py_q" "$output"
}

@test "starmap.py: --crash-task gives up after a timeout (Pool alone would hang), exit 1" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run --separate-stderr bounded 30 python3 "$ROOT/04_starmap/starmap.py" -j 2 -q --crash-task 2 3>&-
    assert_equal "$status" 1
    assert_regex "$stderr" "^starmap.py: starmap\(add, pairs\) failed: no result after 3 s"
}
