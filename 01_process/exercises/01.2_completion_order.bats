#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Checks for exercise 01.2: reap children in completion order, say how each died.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/01.2_completion_order}
}

# The k of every "reaped child k" line, in the order printed.
reaped_order() {
    sed -n 's/.*reaped child \([0-9]*\) (pid.*/\1/p' <<<"$output" | tr '\n' ' '
}

@test "01.2: every child is reaped once, and the slow child 0 last" {
    run bounded 20 "$EX" -j 6 3>&-
    order=$(reaped_order)
    [ -n "$order" ] || fail "hint: no child was reported: reap_all must call report() once per child"
    sorted=$(tr ' ' '\n' <<<"$order" | sed '/^$/d' | sort -n | tr '\n' ' ')
    [ "$sorted" = "0 1 2 3 4 5 " ] ||
        fail "hint: each of the 6 children must be reported exactly once; reported: $order"
    last=$(awk '{ print $NF }' <<<"$order")
    [ "$last" = 0 ] ||
        fail "hint: child 0 was not reported last (order: $order). Joining in start order waits for child 0 while the others have already ended: ask waitpid for any child that has ended"
    assert_line --partial "reaped child 0 (pid"
    [[ "$output" == *"reaped 6 of 6 children; child 0 came last: yes; none left behind"* ]] ||
        fail "hint: the summary line says something was missed: $(tail -n 1 <<<"$output")"
    assert_success
}

@test "01.2: the slow child ends normally: it was not left waiting" {
    run bounded 20 "$EX" -j 3 3>&-
    got=$(sed -n 's/.*reaped child 0 (pid [0-9]*): //p' <<<"$output")
    [ -n "$got" ] || fail "hint: child 0 was never reported"
    [ "$got" = "exited with code 0" ] ||
        fail "hint: child 0 should exit with code 0 once the others are reported; with code 1 it waited 3 s and gave up, because the parent was waiting for child 0 itself first"
}

@test "01.2: each child's cause of death is told right" {
    run bounded 20 "$EX" -j 6 3>&-
    expect=("" "exited with code 0" "exited with code 3" "killed by SIGSEGV" "killed by SIGKILL" "killed by SIGABRT")
    for k in 1 2 3 4 5; do
        got=$(sed -n "s/.*reaped child $k (pid [0-9]*): //p" <<<"$output")
        [ "$got" = "${expect[$k]}" ] ||
            fail "hint: child $k should be described as '${expect[$k]}', got '$got': which W... macros tell an exit from a signal, and which give the code and the signal number?"
    done
}

@test "01.2: twelve children, every one reaped, none left behind" {
    run bounded 30 "$EX" -j 12 3>&-
    count=$(grep -c 'reaped child' <<<"$output" || true)
    [ "$count" -eq 12 ] || fail "hint: 12 children started, $count reported: loop once per child"
    got=$(sed -n 's/.*reaped child 10 (pid [0-9]*): //p' <<<"$output")
    [ "$got" = "killed by SIGABRT" ] ||
        fail "hint: child 10 calls abort(): it is killed by SIGABRT"
    [[ "$output" == *"none left behind"* ]] || fail "hint: some child was never reaped"
    assert_success
}
