#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 07.1: a counter in shared memory, incremented atomically by every
# worker: the parent reads exactly workers x n.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/07.1_shared_counter}
    README=$ROOT/07_shared_memory/README.md
}

# The total the parent read, from "counter = T, expected E".
total_of() {
    sed -n 's/.*\] counter = \([0-9-]*\), expected.*/\1/p' <<<"$output"
}

# A hint that depends on how wrong the total is.
counter_hint() {
    local total=$1 expected=$2
    if [ "$total" = 0 ]; then
        echo "hint: the parent's counter is still 0: each worker added to its own COPY (after fork, private memory is copied on write). Allocate the counter so that it is shared, before fork."
    elif [ "$total" -lt "$expected" ]; then
        echo "hint: the counter is shared now, but $((expected - total)) updates were lost: '+= 1' is a load, an add and a store; make it one atomic step."
    else
        echo "hint: more increments than were made: is the counter set to 0 once, before fork?"
    fi
}

@test "07.1: 2 workers x 2M increments: the parent reads exactly 4000000" {
    run bounded 30 "$EX" -j 2 -n 2M 3>&-
    total=$(total_of)
    [ "$total" = 4000000 ] || fail "$(counter_hint "${total:-0}" 4000000)"
    assert_line --partial "counter = 4000000, expected 4000000: exact"
    assert_success
}

@test "07.1: 4 workers x 500K increments: exact, every worker reaped" {
    run bounded 30 "$EX" -j 4 -n 500K 3>&-
    total=$(total_of)
    [ "$total" = 2000000 ] || fail "$(counter_hint "${total:-0}" 2000000)"
    assert_line --partial "reaped 4 of 4 workers, each exited normally"
    [ "$(grep -c '^\[worker [0-3] pid [0-9]*\] added 500000;' <<<"$output" || true)" -eq 4 ] ||
        fail "every worker should say what it added"
    assert_success
}

@test "07.1: the last worker to finish already sees the full count" {
    # In shared memory every worker reads the same counter: the largest
    # value a worker reports is the total (private copies would each read n).
    run bounded 30 "$EX" -j 3 -n 1M 3>&-
    max=$(sed -n 's/.*the counter reads \([0-9]*\) here/\1/p' <<<"$output" | sort -n | tail -1)
    [ "$max" = 3000000 ] ||
        fail "hint: the workers read ${max:-nothing}, each its own count: they do not share the counter yet"
    assert_success
}

@test "07.1: one worker, one increment" {
    run bounded 10 "$EX" -j 1 -n 1 3>&-
    total=$(total_of)
    [ "$total" = 1 ] || fail "$(counter_hint "${total:-0}" 1)"
    assert_success
    assert_line --partial "counter = 1, expected 1: exact"
}

@test "07.1: the README's expected output is the solution's" {
    run bounded 30 "$EX" -j 2 3>&-
    assert_success
    readme_matches "$README" ex07.1
}

@test "07.1: --help and bad input" {
    help_and_refusals "-j 0" "-j -1" "-n abc" "-n 99999999999999999999" "-n" "--nope"
}
