#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 06.1: the callbacks file results by task number, in the parent;
# every failure (returned error or killed worker) reaches the error callback.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/06.1_file_results}
    README=$ROOT/06_callbacks/README.md
}

# The parent's pid, from its first line.
parent_pid() {
    sed -n 's/^\[parent \([0-9]*\)\].*/\1/p' <<<"$output" | head -1
}

@test "06.1: results[] is in task order, whatever the completion order" {
    run bounded 20 "$EX" -j 2 3>&-
    assert_success
    assert_line --partial "results[] in task order (- = failed): "
    [[ "$output" == *"results[] in task order (- = failed): 1 4 9 16 - 36 49 64 81 - 121 144"* ]] ||
        fail "hint: results come back in the order tasks FINISH; put each one in the slot of its own task (the result carries its task's number)"
    assert_line --partial "sum of the squares: 525"
}

@test "06.1: each failure reaches the error callback with its message" {
    run bounded 20 "$EX" -j 3 3>&-
    assert_success
    grep -q "failed: task 4 failed: input 5 is a multiple of 5" <<<"$output" ||
        fail "hint: on_error must mark the failing task (f->index) and keep its f->message"
    assert_line --partial "failed: task 9 failed: input 10 is a multiple of 5"
    [ "$(grep -c '\] failed: ' <<<"$output")" -eq 2 ] ||
        fail "hint: exactly tasks 4 and 9 fail (x = 5 and 10): mark only the task the failure names"
    assert_line --partial "totals: 10 results + 2 errors = 12 of 12 tasks, 0 worker(s) killed"
}

@test "06.1: one line per callback, every one printed by the parent" {
    run bounded 20 "$EX" -j 2 -n 30 3>&-
    assert_success
    parent=$(parent_pid)
    lines=$(grep -c '^\[callback pid [0-9]*\] task [0-9]*: [0-9]*^2 = [0-9]* (computed by worker pid [0-9]*)$' <<<"$output" || true)
    [ "$lines" -eq 24 ] ||
        fail "hint: 30 tasks, 6 of them fail: on_result should print 24 lines '[callback pid P] task I: X^2 = S (computed by worker pid W)' (found $lines)"
    errors=$(grep -c '^\[error_callback pid [0-9]*\] task [0-9]* failed: ' <<<"$output" || true)
    [ "$errors" -eq 6 ] ||
        fail "hint: on_error should print '[error_callback pid P] <message>' once per failure (found $errors)"
    # every callback ran in the parent; the workers computed
    others=$(grep -E '^\[(error_)?callback pid' <<<"$output" | grep -vcF "pid $parent]" || true)
    [ "$others" -eq 0 ] || fail "hint: print getpid() in the callback itself"
    workers=$(grep -c "computed by worker pid $parent)" <<<"$output" || true)
    [ "$workers" -eq 0 ] || fail "hint: the worker's pid is in the result (worker_pid)"
    # each task called back exactly once
    tasks=$(grep -oE '^\[(error_)?callback pid [0-9]+\] task [0-9]+' <<<"$output" | awk '{ print $NF }' | sort -n | uniq | wc -l)
    [ "$tasks" -eq 30 ] || fail "hint: every task must be called back exactly once"
}

@test "06.1: a killed worker's task reaches the error callback; exit status 1" {
    run bounded 20 "$EX" -j 2 --crash-task 2 3>&-
    [ "$status" -eq 1 ] ||
        fail "hint: count the failures whose cause is POOL_WORKER_KILLED in 'killed' (status was $status)"
    assert_line --regexp '^\[parent [0-9]+\] failed: task 2 failed: worker [0-9]+ \(pid [0-9]+\) was killed by SIGKILL$'
    assert_line --partial "results[] in task order (- = failed): 1 4 - 16 - 36 49 64 81 - 121 144"
    assert_line --partial "totals: 9 results + 3 errors = 12 of 12 tasks, 1 worker(s) killed"
}

@test "06.1: the README's expected output is the solution's" {
    run bounded 20 "$EX" -j 2 3>&-
    assert_success
    readme_matches "$README" ex06.1
}

@test "06.1: --help and bad input" {
    help_and_refusals "-j 0" "-n abc" "--crash-task 12" "--bogus"
}
