#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 06.2: the callback that finds the answer records it and stops the
# pool, so blocks still queued are never run.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/06.2_stop_early}
    README=$ROOT/06_callbacks/README.md
}

@test "06.2: the callback records the answer" {
    run bounded 30 "$EX" -j 2 3>&-
    grep -q "found: 123456 (its hash matches: yes)" <<<"$output" ||
        fail "hint: when a block's result says found, keep its number in the struct search (udata); the parent prints it after join"
    assert_success
    assert_line --regexp '^\[callback pid [0-9]+\] block 12: found 123456, stopping the pool$'
    # printed by the parent: the callback's pid is the parent's
    parent=$(sed -n 's/^\[parent \([0-9]*\)\].*/\1/p' <<<"$output" | head -1)
    assert_line "[callback pid $parent] block 12: found 123456, stopping the pool"
}

@test "06.2: once found, no further block is run" {
    run bounded 30 "$EX" -j 2 -n 200 --secret 50000 3>&-
    grep -q "found: 50000 (its hash matches: yes)" <<<"$output" ||
        fail "hint: record the answer first (the check above), then stop the pool"
    finished=$(sed -n 's/.*blocks the workers finished: \([0-9]*\) of 200.*/\1/p' <<<"$output")
    [ -n "$finished" ] || fail "the program should print 'blocks the workers finished: N of 200'"
    [ "$finished" -lt 200 ] ||
        fail "hint: the answer is in block 5, yet all 200 blocks ran: stop the pool from the callback (pool.h: which call stops the workers now?)"
    # stopped tasks fail quietly: their callbacks are not called
    refute_line --partial "error_callback"
    assert_success
}

@test "06.2: an answer in the very first or the very last block" {
    run bounded 30 "$EX" -j 3 -n 20 --secret 0 3>&-
    assert_success
    assert_line --partial "found: 0 (its hash matches: yes)"
    run bounded 30 "$EX" -j 3 -n 20 --secret 199999 3>&-
    assert_success
    assert_line --partial "found: 199999 (its hash matches: yes)"
    # how many blocks finished depends on which worker was faster when the
    # last block hit (a block beside it may be cut short): not asserted
    assert_line --regexp "blocks the workers finished: [0-9]+ of 20"
    [ "$(grep -c 'found 199999, stopping the pool' <<<"$output" || true)" -eq 1 ] ||
        fail "hint: print the callback line once, for the block that found it"
}

@test "06.2: the README's expected output is the solution's" {
    run bounded 30 "$EX" -j 2 3>&-
    assert_success
    readme_matches "$README" ex06.2
}

@test "06.2: --help and bad input" {
    help_and_refusals "-j 0" "-n 12abc" "--secret -1" "-n 10 --secret 100000" "extra"
}
