#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 05_apply_async: apply vs apply_async, async results, errors, crashes.

setup() {
    load ../common/tests/helper
    README=$ROOT/05_apply_async/README.md
}

# Each run takes about a second, so the two runs most tests look at are made
# once for the whole file: the plain demo and the demo with a crash.
setup_file() {
    load ../common/tests/helper
    local name args rc
    for name in plain crash; do
        args=(-j 2)
        [ "$name" = crash ] && args+=(--crash-task 5)
        rc=0
        bounded 30 "$BIN/apply_async" "${args[@]}" \
            >"$BATS_FILE_TMPDIR/$name.out" 2>&1 3>&- || rc=$?
        echo "$rc" >"$BATS_FILE_TMPDIR/$name.status"
    done
}

# Like `run`, for one of the runs made by setup_file.
saved() {
    output=$(cat "$BATS_FILE_TMPDIR/$1.out")
    status=$(cat "$BATS_FILE_TMPDIR/$1.status")
    mapfile -t lines <<<"$output"
}

# The lines of one section of the output ("== TITLE ==" up to the next one),
# without the "[parent PID] " tag.
section() {
    printf '%s\n' "$output" | awk -v t="$1" '
        /^== / { inside = index($0, t) > 0; next }
        inside && NF { sub(/^\[parent [0-9]+\] /, ""); print }'
}

@test "apply_async: runs, prints every section and a summary, exits 0" {
    saved plain
    assert_success
    assert_line "== apply vs apply_async: the same 8 CPU-bound tasks =="
    assert_line "== async results: submission order vs completion order =="
    assert_line "== get with a timeout, ready, wait, successful =="
    assert_line "== errors: a failing task and a crashed worker =="
    assert_line --regexp '^\[parent [0-9]+\] summary: speedup [0-9.]+x with 2 workers; data science equals sequential: yes; 1 of 8 error tasks failed, 0 workers lost; round trip [0-9.]+ us \(pipe [0-9.]+ us, [0-9.]+x\)$'
}

@test "apply_async: apply runs one task at a time, with the same results as apply_async" {
    saved plain
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] apply +[0-9.]+ s +[0-9.]+ ms +1$'
    assert_line --partial "every task returned 1.644934, in both runs: yes"
    assert_line --regexp 'speedup [0-9.]+x \(ideal 2x: 2 workers'
}

@test "apply_async: the long task 0 completes last, and results match their tasks" {
    saved plain
    assert_success
    assert_line --partial "submission order: 0 1 2 3 4 5"
    assert_line --partial "completion order: 1 2 3 4 5 0"
    assert_line --partial "every result matches its task: yes"
    # get() hands results back in submission order, each with its own square
    local i
    for i in 0 1 2 3 4 5; do
        assert_line --regexp "get\(\) task $i: $i\^2 = $((i * i)) +after"
    done
}

@test "apply_async: an expiring get timeout is reported; ready, wait, successful" {
    saved plain
    assert_success
    assert_line --partial "ready() right away: False"
    assert_line --regexp 'get\(timeout=0\.05\): timed out after [0-9.]+ s \(ETIMEDOUT\): the task is still running'
    assert_line --regexp 'wait\(timeout=5\) returned after [0-9.]+ s; ready\(\): True, successful\(\): True'
    assert_line --partial "get(): 49"
    assert_line --partial "task 8 (x = -1): ready(): True, successful(): False"
    assert_line --partial "get() fails: task 8 failed: negative input -1"
}

@test "apply_async: heterogeneous tasks return their own types" {
    saved plain
    assert_success
    run section "heterogeneous tasks"
    assert_output 'factorize(360360) -> 2 2 2 3 3 5 7 11 13
text_stats("the quick brown fox jumps over the lazy dog") -> 9 words, 35 letters, 11 vowels
poly_eval(1 - 3x + 2x^3, x = 1.5) -> 3.25
collatz_steps(27) -> 111'
}

@test "apply_async: data-science results equal the sequential run's, for several seeds and pool sizes" {
    local run
    for run in "-j 1 --seed 7" "-j 3 --seed 2026" "-j 2 --seed 0"; do
        # shellcheck disable=SC2086
        run bounded 30 "$BIN/apply_async" $run 3>&-
        assert_success
        assert_line --partial "the same 133 tasks run sequentially in the parent give the same results: yes"
    done
}

@test "apply_async: the data set and its results depend on --seed and -n, not on -j" {
    run bounded 30 "$BIN/apply_async" -j 1 --seed 5 -n 90 3>&-
    assert_success
    local one
    one=$(section "data science" | grep -v '^time:')
    run bounded 30 "$BIN/apply_async" -j 4 --seed 5 -n 90 3>&-
    assert_success
    assert_equal "$(section "data science" | grep -v '^time:')" "$one"
    assert_line --partial "data set: 90 points in 3 classes"
    assert_line --partial "the same 103 tasks run sequentially"
    run bounded 30 "$BIN/apply_async" -j 2 --seed 6 -n 90 3>&-
    assert_success
    [ "$(section "data science" | grep -v '^time:')" != "$one" ]
}

@test "apply_async: the failing task shows as a failed result with its message" {
    saved plain
    assert_success
    assert_line --partial "task 3 failed: division by zero (100 / 0)"
    assert_line --partial "task 2: 100 / -1 = -100"
    assert_line --partial "task 7: 100 / 4 = 25"
    assert_line --regexp "workers: 2 started, 0 lost and replaced"
}

@test "apply_async: --crash-task 5 fails task 5 naming SIGKILL, the rest complete, exit 1" {
    saved crash
    assert_failure 1
    assert_line --regexp '^\[parent [0-9]+\] task 5 failed: worker [0-9] \(pid [0-9]+\) was killed by SIGKILL$'
    assert_line --partial "task 3 failed: division by zero (100 / 0)"
    local i
    for i in 0 1 2 4 6 7; do
        assert_line --regexp "task $i: 100 / -?[0-9] = -?[0-9]+$"
    done
    assert_line --regexp "workers: 3 started, 1 lost and replaced"
    # the round trip still ran on the repaired pool, and the summary came last
    assert_line --regexp 'summary: .* 2 of 8 error tasks failed, 1 worker lost; round trip'
    # the replacement has a new pid: the "after" line differs from "before"
    local before after
    before=$(printf '%s\n' "$output" | sed -n 's/.*worker pids before: //p')
    after=$(printf '%s\n' "$output" | sed -n 's/.*worker pids after : //p')
    [ -n "$before" ] && [ -n "$after" ] && [ "$before" != "$after" ]
}

@test "apply_async: --crash-task on the first, middle and last task, 1 to 3 workers, never hangs" {
    local run
    for run in "-j 1 --crash-task 0" "-j 3 --crash-task 3" "-j 2 --crash-task 7"; do
        # shellcheck disable=SC2086
        run bounded 30 "$BIN/apply_async" -q $run 3>&-
        assert_failure 1
        assert_output --partial "1 worker lost"
    done
}

@test "apply_async: no worker or child outlives the program, the crashed worker included" {
    saved crash
    assert_failure 1
    local pids p
    pids=$(printf '%s\n' "$output" | grep -o -e 'pid [0-9]*' -e 'child [0-9]*' |
               awk '{print $2}'
           printf '%s\n' "$output" | sed -n 's/.*worker pids [a-z ]*: //p' | tr ' ' '\n')
    [ -n "$pids" ]
    assert_line --regexp 'ping-pong child [0-9]+ exited normally, reaped$'
    for p in $pids; do
        # (in a condition: process_gone's failing awk must not trip set -e)
        if ! process_gone "$p"; then
            fail "pid $p is still alive after the program ended"
        fi
    done
}

@test "apply_async: SIGTERM or Ctrl-C mid-run: workers terminated and reaped, dies of the signal" {
    command -v setsid >/dev/null || skip "setsid is not installed"
    local sig out=$BATS_TEST_TMPDIR/out pid kids k rc
    for sig in TERM INT; do
        # its own process group, so that INT can go to the whole group,
        # workers included, as a terminal's Ctrl-C does
        setsid "$BIN/apply_async" -j 2 >"$out" 2>&1 3>&- &
        pid=$!
        sleep 0.5
        kids=$(children_of "$pid")
        if [ "$sig" = INT ]; then kill -INT -- "-$pid"; else kill -TERM "$pid"; fi
        rc=0
        bounded 10 tail --pid="$pid" -f /dev/null || rc=$?
        [ "$rc" -eq 0 ]
        rc=0
        wait "$pid" || rc=$?
        [ "$rc" -eq $((128 + $(kill -l "$sig"))) ]
        grep -q "stopped by SIG$sig: terminating and reaping the workers" "$out"
        [ -n "$kids" ]
        for k in $kids; do
            if ! process_gone "$k"; then
                fail "worker $k outlived the program ($sig)"
            fi
        done
    done
}

@test "apply_async: -q prints the summary line only" {
    run bounded 30 "$BIN/apply_async" -q -j 2 3>&-
    assert_success
    assert_equal "${#lines[@]}" 1
    assert_output --partial "summary: speedup"
}

@test "apply_async: --help prints usage to stdout, exit 0" {
    run --separate-stderr "$BIN/apply_async" --help
    assert_success
    assert_line --partial "Usage: apply_async"
    assert_line --partial "--crash-task K"
    assert_equal "$stderr" ""
}

@test "apply_async: bad input: one stderr line naming the option, exit 2, nothing on stdout" {
    local args
    for args in "-j 0" "-j -1" "-j abc" "-j 12abc" "-j 99999999999999999999" \
                "-n 5" "-n abc" "--seed -1" "--seed x" "--crash-task 8" \
                "--crash-task -1"; do
        # shellcheck disable=SC2086
        run --separate-stderr "$BIN/apply_async" $args
        assert_failure 2
        assert_equal "$output" ""
        assert_equal "${#stderr_lines[@]}" 1
        [[ $stderr == *"${args%% *}"* ]]
        [[ $stderr == *"try 'apply_async --help'"* ]]
    done
    run --separate-stderr "$BIN/apply_async" -j ""
    assert_failure 2
    assert_equal "$output" ""
    [[ $stderr == *"-j"* ]]
    run --separate-stderr "$BIN/apply_async" --bogus
    assert_failure 2
    assert_equal "$output" ""
    [[ $stderr == *"--bogus"* ]]
    run --separate-stderr "$BIN/apply_async" -x
    assert_failure 2
    [[ $stderr == *"-x"* ]]
    run --separate-stderr "$BIN/apply_async" -j
    assert_failure 2
    assert_equal "$output" ""
    [[ $stderr == *"-j: missing value"* ]]
    run --separate-stderr "$BIN/apply_async" --seed
    assert_failure 2
    [[ $stderr == *"--seed: missing value"* ]]
    run --separate-stderr "$BIN/apply_async" stray
    assert_failure 2
    assert_equal "${#stderr_lines[@]}" 1
    [[ $stderr == *"stray"* ]]
}

@test "apply_async: the README's expected output matches a real run" {
    saved plain
    assert_success
    readme_matches "$README" apply_async
}

@test "apply_async: the README's crash output matches a real run" {
    saved crash
    assert_failure 1
    readme_matches "$README" crash
}

@test "apply_async: C and Python print the same deterministic results" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    local c py name
    for args in "--seed 1" "--seed 42 -n 150"; do
        if [ "$args" = "--seed 1" ]; then
            saved plain     # the default seed is 1
        else
            # shellcheck disable=SC2086
            run bounded 30 "$BIN/apply_async" -j 2 $args 3>&-
        fi
        assert_success
        c=$(for name in "heterogeneous" "data science" "errors"; do
                section "$name"; done | grep -v -e '^time:' -e 'pid' -e '^pool so far')
        # shellcheck disable=SC2086
        run bounded 60 python3 "$ROOT/05_apply_async/apply_async.py" -j 2 $args 3>&-
        assert_success
        py=$(for name in "heterogeneous" "data science" "errors"; do
                section "$name"; done | grep -v -e '^time:' -e 'pid' -e '^pool so far')
        assert_equal "$py" "$c"
    done
}
