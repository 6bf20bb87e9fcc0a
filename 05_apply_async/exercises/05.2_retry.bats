#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 05.2: retry a task whose attempt timed out or lost its worker,
# never one that reported its own error; end with terminate when attempts
# were abandoned.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/05.2_retry}
    README=$ROOT/05_apply_async/README.md
}

# Fail with a hint if the last run was stopped by `bounded`.
not_hung() {
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        fail "hint: the program did not end within $1 s: $2"
    fi
}

@test "05.2: a task whose worker was killed is tried again, and succeeds" {
    run bounded 10 "$EX" -j 2 --stall -1 3>&-
    not_hung 10 "does get() still wait forever?"
    assert_line --regexp '^\[parent [0-9]+\] task 2: attempt 1 lost: task 2 failed: worker [0-9]+ \(pid [0-9]+\) was killed by SIGKILL$' ||
        fail "hint: when get() fails with ECANCELED and the cause is POOL_WORKER_KILLED, call note_lost()"
    assert_line --partial "task 2: 3^2 = 9 (attempt 2)" ||
        fail "hint: after a lost attempt, submit() the task again with arg.attempt + 1 and wait for that one"
    assert_line --partial "nothing left running: close and join" ||
        fail "hint: the second TODO: with no abandoned attempt, print 'nothing left running: close and join', then close and join"
    assert_line "summary: 8 tasks, 8 succeeded, 0 failed, 1 retries, 0 abandoned"
    assert_success
}

@test "05.2: a task that reports its own error is not tried again" {
    run bounded 10 "$EX" -j 2 --stall -1 --crash -1 --fail 3 3>&-
    not_hung 10 "does get() still wait forever?"
    assert_line --partial "task 3: attempt 1: task 3 failed: bad input 4 (not retried)"
    refute_line --partial "task 3: attempt 2" ||
        fail "hint: POOL_TASK_ERROR means the task itself failed: another attempt would fail the same way"
    assert_line --partial "task 3: FAILED"
    assert_line "summary: 8 tasks, 7 succeeded, 1 failed, 0 retries, 0 abandoned" ||
        fail "hint: only task 3 fails, and nothing is retried"
    assert_failure 1
}

@test "05.2: --attempts 1 gives up after the first lost attempt" {
    run bounded 10 "$EX" -j 2 --stall -1 --attempts 1 3>&-
    not_hung 10 "does get() still wait forever?"
    assert_line --partial "task 2: attempt 1 lost:" ||
        fail "hint: a dead worker (POOL_WORKER_KILLED) is worth note_lost(), whatever the attempt"
    refute_line --partial "task 2: attempt 2" ||
        fail "hint: never make more than --attempts attempts in all (arg.attempt < attempts)"
    assert_line --partial "task 2: FAILED"
    assert_line "summary: 8 tasks, 7 succeeded, 1 failed, 0 retries, 0 abandoned"
    assert_failure 1
}

@test "05.2: a stalled attempt times out and is tried again" {
    run bounded 8 "$EX" -j 2 --crash -1 3>&-
    not_hung 8 "get() must wait at most --timeout seconds for an attempt (ETIMEDOUT), and the end must not wait for the stalled attempt either"
    assert_line --partial "task 5: attempt 1 timed out after 1.00 s (abandoned: not cancelled)"
    assert_line --partial "task 5: 6^2 = 36 (attempt 2)" ||
        fail "hint: after a timeout, submit the task again: the other worker is free"
    for i in 0 1 2 3 4 6 7; do
        x=$((i + 1))
        assert_line --partial "task $i: $x^2 = $((x * x)) (attempt 1)"
    done
}

@test "05.2: abandoned attempts: the pool is terminated, not joined; the README's output" {
    run bounded 8 "$EX" -j 2 3>&-
    not_hung 8 "pool_join() waits for the stalled attempt (20 s): terminate the pool when stats.abandoned > 0"
    assert_line --partial "1 abandoned attempt(s) still running: terminate, not join"
    assert_line "summary: 8 tasks, 8 succeeded, 0 failed, 2 retries, 1 abandoned"
    assert_success
    readme_matches "$README" ex05.2 ||
        fail "hint: compare your output with the README's exercise 05.2 block"
}

@test "05.2: other tasks crash and stall, with 3 workers" {
    run bounded 8 "$EX" -j 3 --crash 0 --stall 7 3>&-
    not_hung 8 "a get() without a timeout, or a pool_join() at the end, waits for the stalled attempt"
    assert_line --partial "task 0: 1^2 = 1 (attempt 2)"
    assert_line --partial "task 7: 8^2 = 64 (attempt 2)"
    assert_line "summary: 8 tasks, 8 succeeded, 0 failed, 2 retries, 1 abandoned"
    assert_success
}

@test "05.2: --help and bad input" {
    run bounded 10 "$EX" --help 3>&-
    assert_success
    assert_line --partial "Usage:"
    for bad in "--timeout 0" "--timeout abc" "--attempts 0" "--attempts 6" "--crash 8" "--stall -2"; do
        run --separate-stderr bounded 10 "$EX" $bad 3>&-
        assert_equal "$status" 2
        assert_equal "$output" ""
        [[ "$stderr" == *"${bad% *}"* ]] || fail "stderr does not name ${bad% *}: $stderr"
    done
}
