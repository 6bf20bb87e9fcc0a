#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Checks for exercise 02.1: end the work with one sentinel per consumer.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/02.1_sentinels}
    README=$ROOT/02_queue/README.md
}

# The summary numbers: stopped, consumed, sum, expected sum, left.
numbers() {
    sed -nE 's/.*consumers stopped: ([0-9]+) of [0-9]+; items consumed: ([0-9]+) of [0-9]+; sum of seq: ([0-9]+) \(expected ([0-9]+)\); left in the queue: ([0-9]+)$/\1 \2 \3 \4 \5/p' <<<"$output"
}

@test "02.1: every item is consumed exactly once" {
    run bounded 20 "$EX" -p 2 -j 3 -n 1000 3>&-
    if grep -q "queue stayed full" <<<"$output"; then
        fail "hint: the producers found the queue full for 3 s: are your consumers taking items, in a loop, until the sentinel?"
    fi
    read -r stopped got sum want left <<<"$(numbers)"
    [ -n "$got" ] || fail "hint: no summary line: did the program crash? $output"
    [ "$got" -eq 2000 ] || fail "hint: 2000 items were put, $got counted: count every real item, and not the sentinel"
    [ "$sum" -eq "$want" ] || fail "hint: the seq numbers add up to $sum, not $want: add it.seq for each real item"
}

@test "02.1: every consumer stops at its own sentinel, none waits for ever" {
    run bounded 20 "$EX" -p 2 -j 3 -n 1000 3>&-
    if grep -q "no sentinel for me" <<<"$output"; then
        fail "hint: a consumer waited 3 s and no sentinel came: each consumer stops at the FIRST sentinel it takes, so how many must the parent put?"
    fi
    if grep -q "queue stayed full" <<<"$output"; then
        fail "hint: nobody took the items: write the consumer's loop first"
    fi
    read -r stopped got sum want left <<<"$(numbers)"
    [ "$stopped" = 3 ] || fail "hint: $stopped of 3 consumers stopped and reported"
    [ "$left" = 0 ] || fail "hint: $left items were left in the queue: one sentinel per consumer, no more (and a consumer must not put its sentinel back)"
    assert_line --partial "summary: every item once, every consumer stopped, nothing left over"
    assert_success
}

@test "02.1: one consumer, many producers; and many consumers, few items" {
    run bounded 20 "$EX" -p 5 -j 1 -n 300 3>&-
    [[ "$output" == *"consumers stopped: 1 of 1; items consumed: 1500 of 1500;"* ]] ||
        fail "hint: one consumer must take all 1500 items of 5 producers, then stop at its sentinel: $(tail -n 2 <<<"$output")"
    assert_success
    run bounded 20 "$EX" -p 1 -j 6 -n 2 3>&-
    [[ "$output" == *"consumers stopped: 6 of 6; items consumed: 2 of 2;"* ]] ||
        fail "hint: with 6 consumers and only 2 items most consumers get nothing but their sentinel: they must still stop"
    assert_success
}

@test "02.1: the README's expected output matches the solution" {
    run bounded 20 "$EX" 3>&-
    assert_success
    readme_matches "$README" ex02.1
}
