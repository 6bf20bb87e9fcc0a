#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Checks for exercise 01.3: N tasks, one child each, at most J at a time.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/01.3_at_most_j}
    README=$ROOT/01_process/README.md
}

@test "01.3: every task runs exactly once, and the counts add up" {
    run bounded 30 "$EX" -j 3 -n 20 3>&-
    tasks=$(sed -n 's/.*\] task \([0-9]*\) (pid.*/\1/p' <<<"$output" | sort -n | tr '\n' ' ')
    [ "$tasks" = "$(seq 0 19 | tr '\n' ' ')" ] ||
        fail "hint: tasks 0-19 should each be reported once by task_ended; reported: ${tasks:-none}"
    [[ "$output" == *"20 of 20 tasks done, 0 failed"* ]] ||
        fail "hint: not every task finished: $(grep 'tasks done' <<<"$output")"
    [[ "$output" == *"primes below 20000: the tasks found 2262 (the parent counts 2262: agrees)"* ]] ||
        fail "hint: the counts do not add up: $(grep 'primes below' <<<"$output")"
    [[ "$output" == *"none left behind"* ]] || fail "hint: a child was never reaped"
    assert_success
}

# The N of "at most N running at once".
most_running() {
    sed -n 's/.*at most \([0-9]*\) running at once.*/\1/p' <<<"$output"
}

@test "01.3: never more than J children at once, and J kept busy" {
    for case in "3 20 3" "4 10 4" "1 5 1" "8 3 3"; do
        read -r j n want <<<"$case"
        run bounded 30 "$EX" -j "$j" -n "$n" 3>&-
        got=$(most_running)
        [ "${got:-0}" -le "$j" ] ||
            fail "hint: with -j $j, $got children ran at once: start a task only when one of the $j slots is free"
        [ "${got:-0}" -eq "$want" ] ||
            fail "hint: with -j $j -n $n, at most $got ran at once, but $want slots could be busy: start tasks until every slot is full before you wait"
        assert_success
    done
}

@test "01.3: a task that is killed is reported, and the others still run" {
    run bounded 30 "$EX" -j 2 -n 8 --crash-task 3 3>&-
    got=$(sed -n 's/.*\] task 3 (pid [0-9]*) FAILED: \(.*\); [0-9]* running$/\1/p' <<<"$output")
    [ "$got" = "killed by SIGKILL" ] ||
        fail "hint: task 3 kills itself; it must be reaped and passed to task_ended like any other child"
    [[ "$output" == *"7 of 8 tasks done, 1 failed"* ]] ||
        fail "hint: after task 3 failed, the other 7 tasks should still run: $(grep 'tasks done' <<<"$output")"
    [[ "$output" == *"none left behind"* ]] || fail "hint: a child was never reaped"
    assert_failure 1
}

@test "01.3: the output matches the README's expected output" {
    run bounded 30 "$EX" -j 2 -n 4 3>&-
    readme_matches "$README" ex01.3 || fail "hint: compare your output with the one in 01_process/README.md, Exercises, 01.3"
}
