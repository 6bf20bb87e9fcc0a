#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Checks for exercise 03.3: map the dearest jobs first, answers back in input order.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/03.3_longest_first}
    README=$ROOT/03_pool_map/README.md
}

@test "03.3: the pool is given the most expensive jobs first" {
    run bounded 30 "$EX" -j 2 -n 24 3>&-
    [[ "$output" == *"longest first gave the pool the dearest jobs first: yes"* ]] ||
        fail "hint: the jobs went to the pool in another order. Sort a copy of the jobs, most expensive first, and map over the copy; pass 'options' to pool_map unchanged (it is how the program sees the order)"
}

@test "03.3: the answers end up in input order" {
    run bounded 30 "$EX" -j 2 -n 24 3>&-
    [[ "$output" == *"longest first's answers are in input order and right: yes"* ]] ||
        fail "hint: map's answers come back in the order the jobs were sent, not in input order: where in 'answers' does the answer to the job with id k belong?"
}

@test "03.3: three workers and 40 jobs, one worker and one job" {
    run bounded 30 "$EX" -j 3 -n 40 3>&-
    [[ "$output" == *"dearest jobs first: yes"* && "$output" == *"in input order and right: yes"* ]] ||
        fail "hint: with -j 3 -n 40: $(grep 'longest first' <<<"$output" | tr '\n' ' ')"
    assert_success
    run bounded 30 "$EX" -j 1 -n 1 3>&-
    [[ "$output" == *"dearest jobs first: yes"* && "$output" == *"in input order and right: yes"* ]] ||
        fail "hint: with a single job: $(grep 'longest first' <<<"$output" | tr '\n' ' ')"
    assert_success
}

@test "03.3: the output matches the README's expected output" {
    run bounded 30 "$EX" -j 2 3>&-
    readme_matches "$README" ex03.3 || fail "hint: compare your output with the one in 03_pool_map/README.md, Exercises, 03.3"
}
