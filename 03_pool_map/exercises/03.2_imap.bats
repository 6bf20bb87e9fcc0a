#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Checks for exercise 03.2: imap from on_chunk, results in order, as early as possible.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/03.2_imap}
    README=$ROOT/03_pool_map/README.md
}

# Check that the result lines are exactly "result i: i*i" for i = 0 .. $1-1.
results_in_order() {
    local n=$1 got want
    got=$(grep '^  result ' <<<"$output" || true)
    want=$(for ((i = 0; i < n; i++)); do echo "  result $i: $((i * i))"; done)
    [ -n "$got" ] || fail "hint: no result was printed: imap_on_chunk must call print_result for every result it can print"
    [ "$got" = "$want" ] || {
        printf '%s\n' "$got" | head -n 5 >&2
        fail "hint: the results must be printed once each, in input order (0, 1, 2, ...), with their values; printing them in arrival order is imap_unordered"
    }
}

@test "03.2: every result, once, in input order" {
    run bounded 30 "$EX" -j 2 -n 12 3>&-
    results_in_order 12
    [[ "$output" == *"every result printed once, in order, and equal to map's: yes"* ]] ||
        fail "hint: the values you printed differ from what map computed: copy them from chunk->results"
}

@test "03.2: each result printed as soon as the ones before it are in" {
    run bounded 30 "$EX" -j 2 -n 12 3>&-
    [[ "$output" == *"12 of 12 results were printed while it ran"* ]] ||
        fail "hint: imap prints while the map runs, from the on_chunk callback: $(grep 'map returned' <<<"$output")"
    [[ "$output" == *"printed as soon as every earlier one had arrived: yes"* ]] ||
        fail "hint: after some chunk, a result that could have been printed (every earlier one had arrived) was kept back: print all you can in every call, not only at the end"
    assert_success
}

@test "03.2: bigger chunks, more workers, more items" {
    run bounded 30 "$EX" -j 3 -n 50 --chunksize 4 3>&-
    results_in_order 50
    [[ "$output" == *"printed as soon as every earlier one had arrived: yes"* ]] ||
        fail "hint: with chunks of 4, one call brings results for items chunk->first .. chunk->first + chunk->count - 1; record them all, then print all that can be printed"
    assert_success
}

@test "03.2: one item, one worker" {
    run bounded 30 "$EX" -j 1 -n 1 3>&-
    results_in_order 1
    assert_success
}

@test "03.2: the output matches the README's expected output" {
    run bounded 30 "$EX" -j 2 -n 12 3>&-
    readme_matches "$README" ex03.2 || fail "hint: compare your output with the one in 03_pool_map/README.md, Exercises, 03.2"
}
