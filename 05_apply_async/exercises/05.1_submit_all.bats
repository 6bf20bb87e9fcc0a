#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 05.1: every apply_async before the first get; each result or
# failure reported in submission order; every handle released.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/05.1_submit_all}
    README=$ROOT/05_apply_async/README.md
}

@test "05.1: every task is submitted before the first get()" {
    run bounded 20 "$EX" -j 2 3>&-
    assert_line --partial "calls: S0 S1 S2 S3 S4 S5 S6 S7 G0 G1 G2 G3 G4 G5 G6 G7" ||
        fail "hint: the calls line shows submit (S) and get (G) in the order you made them: submit all tasks in one loop, then get them in a second loop"
}

@test "05.1: each result belongs to its task, in submission order" {
    run bounded 20 "$EX" -j 2 --fail -1 3>&-
    for i in 0 1 2 3 4 5 6 7; do
        x=$((i + 1))
        [ "${lines[i + 1]}" != "${lines[i + 1]#*] task $i: $x^2 = $((x * x)) }" ] ||
            fail "hint: line $((i + 2)) should report task $i ($x^2 = $((x * x))), got: ${lines[i + 1]}"
    done
    assert_line "summary: 8 tasks, 8 reported, 0 failed, 8 handles released" ||
        fail "hint: report every task and release every handle"
    assert_success
}

@test "05.1: the failed task is reported with its message, the others still are" {
    run bounded 20 "$EX" -j 2 3>&-
    assert_line --partial "task 5 failed: negative input -1" ||
        fail "hint: when get() returns -1 the task failed: report_failure() with pool_async_failure(job)->message"
    assert_line --partial "task 6: 7^2 = 49"
    assert_line --partial "task 7: 8^2 = 64"
    assert_line "summary: 8 tasks, 8 reported, 1 failed, 8 handles released"
    assert_success
}

@test "05.1: every handle is released, also the failed one" {
    run bounded 20 "$EX" -j 3 -n 20 --fail 0 3>&-
    [[ "$output" == *"summary: 20 tasks, 20 reported, 1 failed, 20 handles released"* ]] ||
        fail "hint: release() each handle once you have its result or its failure ($(tail -n 1 <<<"$output"))"
    assert_line --partial "task 0 failed: negative input -1"
    assert_success
}

@test "05.1: one task, one worker" {
    run bounded 20 "$EX" -j 1 -n 1 --fail -1 3>&-
    assert_line --partial "calls: S0 G0"
    assert_line "summary: 1 tasks, 1 reported, 0 failed, 1 handles released" ||
        fail "hint: even a single task's handle must be released"
    assert_success
}

@test "05.1: the README's expected output matches a run" {
    run bounded 20 "$EX" -j 2 3>&-
    assert_success
    readme_matches "$README" ex05.1 ||
        fail "hint: compare your output with the README's exercise 05.1 block"
}
