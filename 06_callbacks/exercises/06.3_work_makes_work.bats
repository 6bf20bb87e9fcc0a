#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 06.3: the callback submits the halves of a split range; the
# parent waits for every handle (the list grows meanwhile), then closes.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/06.3_work_makes_work}
    README=$ROOT/06_callbacks/README.md
}

# A hint that fits what went wrong in $output / $stderr.
crawl_hint() {
    if grep -q "pool_apply_async: Invalid argument" <<<"$stderr$output"; then
        echo "hint: the callback could not submit: the pool was closed already. Wait for every handle in c->jobs first (the list grows while you wait), then close"
    elif grep -q "tasks: 1 submitted" <<<"$output"; then
        echo "hint: only the first task ran: when a result says split, the callback must submit both halves"
    else
        echo "hint: compare 'submitted' and 'done': a task still running when you closed the pool was lost, or a callback forgot to add its primes"
    fi
}

@test "06.3: the primes below 200000, from 63 tasks" {
    run --separate-stderr bounded 30 "$EX" -j 2 3>&-
    grep -q "primes below 200000: 17984 (a plain loop in the parent: 17984, the same)" <<<"$output" ||
        fail "$(crawl_hint)"
    assert_line --partial "tasks: 63 submitted, 63 done (31 split, 32 counted, 0 failed)"
    assert_success
}

@test "06.3: a finer grain: 2047 tasks on 3 workers, none lost" {
    run --separate-stderr bounded 30 "$EX" -j 3 -n 1M --grain 1000 3>&-
    grep -q "primes below 1000000: 78498 (a plain loop in the parent: 78498, the same)" <<<"$output" ||
        fail "$(crawl_hint)"
    assert_line --partial "tasks: 2047 submitted, 2047 done (1023 split, 1024 counted, 0 failed)"
    assert_success
}

@test "06.3: a range shorter than the grain is one task, counted" {
    run --separate-stderr bounded 30 "$EX" -j 2 -n 5000 3>&-
    grep -q "primes below 5000: 669 " <<<"$output" ||
        fail "hint: a result that is not split carries its count of primes: add it up in the callback"
    assert_line --partial "tasks: 1 submitted, 1 done (0 split, 1 counted, 0 failed)"
    assert_success
}

@test "06.3: the README's expected output is the solution's" {
    run bounded 30 "$EX" -j 2 3>&-
    assert_success
    readme_matches "$README" ex06.3
}

@test "06.3: --help and bad input" {
    help_and_refusals "-j 0" "-n 1" "-n abc" "--grain 99" "--grain" "-x"
}
