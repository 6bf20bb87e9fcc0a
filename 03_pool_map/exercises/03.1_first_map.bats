#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Checks for exercise 03.1: a task function, one pool_map call, a failing task.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/03.1_first_map}
    README=$ROOT/03_pool_map/README.md
}

@test "03.1: the map computes every result, in input order" {
    run bounded 30 "$EX" -j 2 3>&-
    [[ "$output" == *"first results: [0, 1, 7, 2, 5, 8, 16, 3, 19, 6, ...]"* ]] ||
        fail "hint: the first ten results should be [0, 1, 7, 2, 5, 8, 16, 3, 19, 6, ...]; got: $(grep 'first results' <<<"$output"). -1 means nothing was written there: does map_collatz call pool_map, and does collatz_task write to result?"
    [[ "$output" == *"longest: 6171 takes 261 steps; sum of all steps: 849666"* ]] ||
        fail "hint: some results are wrong: $(grep longest <<<"$output")"
    [[ "$output" == *"a loop in the parent agrees: yes"* ]] ||
        fail "hint: the parent's own loop disagrees with the pool's results"
    assert_success
}

@test "03.1: one worker, three workers, one item" {
    run bounded 30 "$EX" -j 1 -n 100 3>&-
    [[ "$output" == *"longest: 97 takes 118 steps"* ]] ||
        fail "hint: with one worker, 1..100: 97 takes 118 steps; got: $(grep longest <<<"$output")"
    run bounded 30 "$EX" -j 3 -n 1 --from 27 3>&-
    [[ "$output" == *"first results: [111]"* ]] ||
        fail "hint: collatz(27) takes 111 steps; got: $(grep 'first results' <<<"$output")"
    assert_success
}

@test "03.1: a task that fails stops the map, with the pool's message" {
    run --separate-stderr bounded 30 "$EX" -j 2 -n 100 --from 0 3>&-
    [ "$stderr" = "03.1_first_map: map failed: task 0 failed: collatz(0) is not defined" ] ||
        fail "hint: for x = 0 the task must fail with the message 'collatz(0) is not defined', and map_collatz must print the pool's message for it on stderr as '<program>: map failed: <message>'. stderr was: ${stderr:-empty}"
    [[ "$output" != *"first results"* ]] ||
        fail "hint: when the map fails, map_collatz must return -1 (no results are printed then)"
    [ "$status" -eq 1 ] || fail "hint: a failed map should end the program with exit status 1 (it was $status)"
}

@test "03.1: negative numbers fail too" {
    run --separate-stderr bounded 30 "$EX" -j 2 -n 10 --from -5 3>&-
    [[ "$stderr" == *"map failed: task "*" failed: collatz(-"*") is not defined" ]] ||
        fail "hint: negative x must fail like 0 (and not loop for ever: -1 -> -2 -> -1 ...). stderr was: ${stderr:-empty}"
    [ "$status" -eq 1 ] || fail "hint: exit status should be 1 (it was $status)"
}

@test "03.1: the output matches the README's expected output" {
    run bounded 30 "$EX" -j 2 3>&-
    readme_matches "$README" ex03.1 || fail "hint: compare your output with the one in 03_pool_map/README.md, Exercises, 03.1"
}
