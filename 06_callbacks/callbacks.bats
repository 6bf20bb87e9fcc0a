#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 06_callbacks: callback= and error_callback= run in the parent.

setup() {
    load ../common/tests/helper
    README=$ROOT/06_callbacks/README.md
}

# The parent's pid, from the first "[parent N]" line of $output.
parent_pid() {
    printf '%s\n' "$output" | awk '/^\[parent [0-9]+\]/ { gsub(/[^0-9]/, "", $2); print $2; exit }'
}

@test "callbacks: every callback runs in the parent, exactly once per task" {
    run bounded 20 "$BIN/callbacks" -j 2 -n 40 3>&-
    assert_success
    local parent
    parent=$(parent_pid)
    [ -n "$parent" ]
    # every callback and error callback line names the parent's pid
    local pids
    pids=$(printf '%s\n' "$output" | awk '/^\[(callback|error_callback) pid/ { print $3 }' | tr -d ']' | sort -u)
    assert_equal "$pids" "$parent"
    # tasks 0..39, each exactly once across both kinds of callback
    local tasks
    tasks=$(printf '%s\n' "$output" | awk '/^\[(callback|error_callback) pid/ { sub(/:$/, "", $5); print $5 }' | sort -n | tr '\n' ' ')
    assert_equal "$tasks" "$(seq 0 39 | tr '\n' ' ')"
    # and they ran in other processes (the workers)
    local workers
    workers=$(printf '%s\n' "$output" | awk '/^\[callback pid/ { sub(/\)$/, "", $NF); print $NF }' | sort -u)
    refute [ -z "$workers" ]
    ! printf '%s\n' "$workers" | grep -qx "$parent"
    assert_line --regexp "^\[parent $parent\] pool_join returned after 40 callbacks: 40 in pid $parent \(the parent\), 0 elsewhere; 40 of 40 tasks called back exactly once$"
}

@test "callbacks: results match their tasks and land in their slots" {
    run bounded 20 "$BIN/callbacks" -j 2 -n 40 --seed 7 3>&-
    assert_success
    # each callback's square is its own x squared
    run awk '/^\[callback pid/ { split($6, p, "^"); if (p[1] * p[1] != $8) print "bad:", $0 }' <<<"$output"
    assert_output ""
    run bounded 20 "$BIN/callbacks" -j 2 -n 40 --seed 7 3>&-
    # results[i] (task order) is what task i's callback received
    run awk '
        /^\[callback pid/ { t = $5; sub(/:$/, "", t); got[t] = $8 }
        /results\[\]/ { for (i = 9; i <= NF; i++) slot[i - 9] = $i; n = NF - 8 }
        END {
            if (n != 40) print "results[] has", n, "slots"
            for (i = 0; i < n; i++) {
                want = (i in got) ? got[i] : "-"
                if (slot[i] != want) print "slot", i, "is", slot[i], "want", want
            }
        }' <<<"$output"
    assert_output ""
}

@test "callbacks: completion order follows durations, not submission order" {
    # seed 4: task 0 sleeps 13 ms, task 1 sleeps 3 ms; with 2 idle workers
    # both start at once, so task 1 must be called back first.
    run bounded 20 "$BIN/callbacks" -j 2 -n 40 --seed 4 3>&-
    assert_success
    assert_line --partial "task 0: 75^2 = 5625 (slept 13 ms"
    assert_line --partial "task 1: 66^2 = 4356 (slept 3 ms"
    local first
    first=$(printf '%s\n' "$output" | grep -E '^\[callback pid [0-9]+\] task [01]:' | head -1)
    assert_regex "$first" 'task 1:'
    # the completion order is a permutation of 0..39, and not 0..39 itself
    local order
    order=$(printf '%s\n' "$output" | sed -n 's/^\[parent [0-9]*\] completion order: //p')
    assert_equal "$(tr ' ' '\n' <<<"$order" | sort -n | tr '\n' ' ')" "$(seq 0 39 | tr '\n' ' ')"
    refute [ "$order" = "$(seq -s ' ' 0 39)" ]
}

@test "callbacks: the error callback gets exactly the failing tasks" {
    run bounded 20 "$BIN/callbacks" -j 2 -n 40 3>&-
    assert_success
    # every failure is a multiple of 7, every success is not
    run awk '
        /^\[error_callback pid/ { if ($(NF - 4) % 7 != 0 || $0 !~ /is a multiple of 7$/) print "bad:", $0 }
        /^\[callback pid/ { split($6, p, "^"); if (p[1] % 7 == 0) print "bad:", $0 }' <<<"$output"
    assert_output ""
    run bounded 20 "$BIN/callbacks" -j 2 -n 40 3>&-
    local got want errors callbacks
    got=$(sed -n 's/^\[parent [0-9]*\] error_callback got tasks: //p' <<<"$output")
    want=$(sed -n 's/^\[parent [0-9]*\] tasks that had to fail (x a multiple of 7): //p' <<<"$output")
    assert_equal "$got" "$want"
    errors=$(grep -c '^\[error_callback pid' <<<"$output")
    callbacks=$(grep -c '^\[callback pid' <<<"$output")
    assert_equal "$(wc -w <<<"$got")" "$errors"
    assert_equal "$((errors + callbacks))" 40
    assert_line --regexp "^\[parent [0-9]+\] totals: $callbacks callbacks \+ $errors error callbacks = 40 of 40 tasks$"
    assert_line --partial "the same tasks: each failure reached the error callback, no success did"
}

@test "callbacks: --crash-task: the error callback names the task and SIGKILL, exit 1, no hang" {
    run bounded 20 "$BIN/callbacks" -j 2 -n 40 -q --crash-task 5 3>&-
    assert_failure 1
    local parent
    parent=$(parent_pid)
    assert_line --regexp "^\[error_callback pid $parent\] task 5 failed: worker [0-9]+ \(pid [0-9]+\) was killed by SIGKILL$"
    assert_line --regexp "^\[parent $parent\] totals: [0-9]+ callbacks \+ [0-9]+ error callbacks = 40 of 40 tasks$"
    assert_line --regexp "error_callback got tasks: .*\b5\b"
    assert_line --partial "the same tasks: each failure reached the error callback"
    assert_line --partial "1 worker(s) killed"
    # the later sections still ran, to the end
    assert_line --partial "== callback or queue? =="
    assert_line --regexp "exit status 1 \(a worker was killed"
}

@test "callbacks: no live progress line unless stderr is a terminal; final count always" {
    run --separate-stderr bounded 20 "$BIN/callbacks" -j 2 -n 12 -q 3>&-
    assert_success
    assert_equal "$stderr" ""
    assert_line --regexp '^\[parent [0-9]+\] progress: 12/12 done$'
}

@test "callbacks: on a terminal, a live progress line counts up on stderr" {
    command -v script >/dev/null || skip "script (util-linux) is not installed"
    local log=$BATS_TEST_TMPDIR/tty.log
    # script gives the program a pseudo-terminal as stdin, stdout and stderr
    run bounded 30 script -qec "$BIN/callbacks -j 2 -n 12 -q" "$log" 3>&-
    assert_success
    run cat "$log"
    assert_output --partial "1/12 done"
    assert_output --partial "12/12 done"
    assert_output --partial $'\r'
    assert_output --regexp 'progress: 12/12 done'
}

@test "callbacks: -q leaves out the per-task lines, not the summaries" {
    run bounded 20 "$BIN/callbacks" -j 2 -n 20 -q 3>&-
    assert_success
    refute_line --regexp '^\[(callback|error_callback) pid'
    assert_line --regexp 'totals: [0-9]+ callbacks \+ [0-9]+ error callbacks = 20 of 20 tasks'
}

@test "callbacks: the slow-callback and queue sections report, with right sums" {
    run bounded 30 "$BIN/callbacks" -j 2 -n 10 -q --callback-ms 7 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] callback of 0 ms: +[0-9.]+ s'
    assert_line --regexp '^\[parent [0-9]+\] callback of 7 ms: +[0-9.]+ s +\(10 callbacks x 7 ms = 0.070 s in the parent'
    assert_line --regexp 'model: .*'
    assert_line --regexp '^\[parent [0-9]+\]   10 tasks / 2 workers x max\(5 \+ 7 ms, 2 x 7 ms\) = 0.070 s$'
    assert_line --regexp '^\[parent [0-9]+\] by callback: [0-9.]+ s, [0-9.]+ us per result, sum of squares right$'
    assert_line --regexp '^\[parent [0-9]+\] by queue: +[0-9.]+ s, [0-9.]+ us per result, sum of squares right$'
}

@test "callbacks: every worker is gone afterwards, nothing left in /dev/shm" {
    local before after pid
    before=$(ls /dev/shm 2>/dev/null | sort)
    run bounded 20 "$BIN/callbacks" -j 3 -n 10 --crash-task 2 3>&-
    assert_failure 1
    local workers
    workers=$(printf '%s\n' "$output" | grep -oE 'pid [0-9]+\)' | grep -oE '[0-9]+' | sort -u)
    [ -n "$workers" ]
    for pid in $workers; do
        process_gone "$pid" || fail "worker $pid is still there"
    done
    after=$(ls /dev/shm 2>/dev/null | sort)
    assert_equal "$after" "$before"
}

@test "callbacks: Ctrl-C and SIGTERM: workers stopped and reaped, dies of the signal" {
    local sig want pid
    for sig in INT TERM; do
        [ "$sig" = INT ] && want=130 || want=143
        run timeout --preserve-status -k 5 -s "$sig" 0.25 "$BIN/callbacks" -j 2 -n 40 3>&-
        assert_equal "$status" "$want"
        refute_line --partial "done: every callback"
        local workers
        workers=$(printf '%s\n' "$output" | grep -oE 'pid [0-9]+\)' | grep -oE '[0-9]+' | sort -u)
        [ -n "$workers" ]
        for pid in $workers; do
            process_gone "$pid" || fail "worker $pid outlived its parent"
        done
    done
    # and in the slow-callback section, where the parent sits in callbacks
    run timeout --preserve-status -k 5 -s TERM 0.8 "$BIN/callbacks" -j 2 -n 40 -q 3>&-
    assert_equal "$status" 143
    assert_line --partial "== keep callbacks short =="
    refute_line --partial "== callback or queue? =="
}

@test "callbacks: README expected output matches a real run" {
    run bounded 20 "$BIN/callbacks" -j 2 3>&-
    assert_success
    readme_matches "$README" callbacks
}

@test "callbacks: --help prints usage on stdout, exit 0" {
    run --separate-stderr "$BIN/callbacks" --help
    assert_success
    assert_line --index 0 --regexp '^Usage: callbacks '
    assert_output --partial "--callback-ms"
    assert_output --partial "--crash-task"
    assert_equal "$stderr" ""
}

@test "callbacks: bad input: one line on stderr naming the option, exit 2" {
    local opt bad
    for opt in -j -n --seed --callback-ms --crash-task; do
        for bad in abc 12abc 99999999999999999999 '' -1; do
            run --separate-stderr "$BIN/callbacks" "$opt" "$bad"
            assert_equal "$status" 2
            assert_equal "$output" ""
            assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
            assert_regex "$stderr" "^callbacks: $opt: .*\(try 'callbacks --help'\)$"
        done
    done
    for opt in -j -n; do
        run --separate-stderr "$BIN/callbacks" "$opt" 0
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_regex "$stderr" "^callbacks: $opt: 0 is out of range"
    done
    run --separate-stderr "$BIN/callbacks" -n 10 --crash-task 10
    assert_equal "$status" 2
    assert_equal "$output" ""
    assert_regex "$stderr" "^callbacks: --crash-task: 10 is out of range \(0 to 9"
    for args in "--bogus" "-x" "-j" "--seed" "stray"; do
        run --separate-stderr "$BIN/callbacks" $args
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
        assert_regex "$stderr" "\(try 'callbacks --help'\)$"
    done
}

@test "callbacks: the Python mirror prints the same deterministic results" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    # the lines that do not depend on timing, without the pids
    deterministic() {
        grep -E '(results\[\]|sum of the squares|error_callback got tasks|tasks that had to fail|the same tasks|totals:|progress:|^\[(callback|error_callback) pid)' |
            sed -E 's/^\[[a-z_]+ (pid )?[0-9]+\] //; s/ \((slept|ran) .*//' | sort
    }
    local c py
    c=$(bounded 20 "$BIN/callbacks" -j 2 -n 30 --seed 3 3>&- | deterministic)
    py=$(bounded 60 python3 "$ROOT/06_callbacks/callbacks.py" -j 2 -n 30 --seed 3 3>&- | deterministic)
    [ -n "$c" ]
    assert_equal "$py" "$c"
}
