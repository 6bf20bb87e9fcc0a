#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Checks for exercise 01.1: start children with fork, join them by pid.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/01.1_start_join}
    README=$ROOT/01_process/README.md
}

@test "01.1: four children, their exit codes carry the prime counts" {
    run bounded 20 "$EX" -j 4 3>&-
    for code in 168 135 127 120; do
        [[ "$output" == *"exitcode $code (exited with code $code)"* ]] ||
            fail "hint: a child's count should come back as its exit code (expected one of 168 135 127 120, got: $(grep joined <<<"$output"))"
    done
    assert_line --partial "primes below 4000: 550 (a count in the parent says 550: agrees)"
    assert_success
}

@test "01.1: each child runs in its own process, and the parent joins that pid" {
    run bounded 20 "$EX" -j 3 3>&-
    parent=$(sed -n 's/^\[parent \([0-9]*\)\] starting.*/\1/p' <<<"$output")
    for k in 0 1 2; do
        child=$(sed -n "s/^\[child $k pid \([0-9]*\)\].*/\1/p" <<<"$output")
        joined=$(sed -n "s/^\[parent [0-9]*\] joined child $k (pid \([0-9]*\)).*/\1/p" <<<"$output")
        [ -n "$child" ] || fail "hint: child $k never said hello: does the child call count_block($k)?"
        [ "$child" = "$joined" ] || fail "hint: child $k runs as pid $child, but start_counter returned $joined: return the pid fork() gave the parent"
        [ "$child" != "$parent" ] || fail "hint: child $k ran in the parent itself: fork() first"
    done
}

@test "01.1: the parent's first line is printed once, not once per child" {
    run bounded 20 "$EX" -j 4 3>&-
    count=$(grep -c 'starting 4 children' <<<"$output" || true)
    [ "$count" -eq 1 ] ||
        fail "hint: the parent's first line was printed $count times; into a pipe, stdout is buffered, and fork() copies the buffer: what must happen before fork()?"
    count=$(grep -c 'done:' <<<"$output" || true)
    [ "$count" -eq 1 ] ||
        fail "hint: the summary was printed $count times: does each child end with _exit() and never return into main()?"
}

@test "01.1: one child and ten children, and none left behind" {
    run bounded 20 "$EX" -j 1 3>&-
    [[ "$output" == *"primes below 1000: 168 (a count in the parent says 168: agrees)"* ]] ||
        fail "hint: with -j 1 the one child should find 168 primes; got: $(grep 'primes below' <<<"$output")"
    assert_success
    run bounded 20 "$EX" -j 10 3>&-
    [[ "$output" == *"primes below 10000: 1229 (a count in the parent says 1229: agrees)"* ]] ||
        fail "hint: with -j 10 the total should be 1229; got: $(grep 'primes below' <<<"$output")"
    [[ "$output" == *"done: none left behind"* ]] ||
        fail "hint: a child was never joined: join_counter must wait for the pid it is given"
    assert_success
}

@test "01.1: the output matches the README's expected output" {
    run bounded 20 "$EX" -j 2 3>&-
    readme_matches "$README" ex01.1 || fail "hint: compare your output with the one in 01_process/README.md, Exercises, 01.1"
}
