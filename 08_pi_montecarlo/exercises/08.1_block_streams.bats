#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 08.1: block k draws from stream k, the blocks hold exactly -n
# darts, the plan costs one jump per block, and so the hits are the same
# for every worker count (and the same as the chapter's program).

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/08.1_block_streams}
    README=$ROOT/08_pi_montecarlo/README.md
}

@test "08.1: the blocks hold exactly -n darts" {
    run bounded 30 "$EX" -j 2 -n 1234567 3>&-
    assert_line --partial "darts in the blocks: "
    grep -q "darts in the blocks: 1234567 of 1234567$" <<<"$output" ||
        fail "hint: 1234567 darts are 12 full blocks of 100000 and one of 34567: what does your last block get? ($(grep -o 'darts in the blocks: .*' <<<"$output"))"
}

@test "08.1: block k starts at stream k (the seed jumped k times)" {
    run bounded 30 "$EX" -j 2 -n 1234567 3>&-
    grep -q "for block k): 13 of 13$" <<<"$output" ||
        fail "hint: $(grep -o 'blocks starting.*' <<<"$output"); $(grep -o 'block [0-9]* is the first.*' <<<"$output"). Block 0 is the seeded state itself, block 1 that state jumped once, and so on: give a block the state first, jump after."
}

@test "08.1: the plan costs one jump per block, not k^2/2" {
    run bounded 30 "$EX" -j 2 -n 1234567 3>&-
    line=$(grep -o 'jumps made by the plan: [0-9]* for 13 blocks' <<<"$output")
    jumps=$(grep -o 'plan: [0-9]*' <<<"$line" | grep -o '[0-9]*$')
    [ -n "$jumps" ] && [ "$jumps" -ge 12 ] && [ "$jumps" -le 13 ] ||
        fail "hint: the plan made ${jumps:-?} jumps with plan_jump for 13 blocks: walk the blocks with ONE generator and plan_jump it once per block"
}

@test "08.1: the same hits for -j 1, 2 and 3, and the chapter's" {
    # pi_montecarlo -n 1234567 --seed 1 and -n 250001 --seed 42 print these
    for j in 1 2 3; do
        run bounded 30 "$EX" -j $j -n 1234567 3>&-
        grep -q "\] 969077 of 1234567 darts inside" <<<"$output" ||
            fail "hint: with -j $j: $(grep -o '[0-9]* of [0-9]* darts inside' <<<"$output"), the chapter's program finds 969077 of 1234567 (seed 1): which darts does your plan throw?"
        assert_success
    done
    run bounded 30 "$EX" -j 2 -n 250001 --seed 42 3>&-
    grep -q "\] 195878 of 250001 darts inside" <<<"$output" ||
        fail "hint: with --seed 42: $(grep -o '[0-9]* of [0-9]* darts inside' <<<"$output"), expected 195878 of 250001: does your plan use the seed it is given?"
    assert_success
}

@test "08.1: one block, smaller than BLOCK_DARTS" {
    run bounded 30 "$EX" -j 2 -n 99999 --seed 3 3>&-
    grep -q "\] 78556 of 99999 darts inside" <<<"$output" ||
        fail "hint: -n 99999 is one block of 99999 darts: $(grep -o '[0-9]* of [0-9]* darts inside' <<<"$output"), expected 78556"
    assert_success
    assert_line --partial "08.1_block_streams: plan right;"
}

@test "08.1: the README's expected output is the solution's" {
    run bounded 30 "$EX" -j 3 -n 1234567 3>&-
    assert_success
    readme_matches "$README" ex08.1
}

@test "08.1: --help and bad input" {
    help_and_refusals --one-line "-j 0" "-j abc" "-n 0" "-n 12abc" "-n 99999999999999999999" "--seed -1" "-n" "--what" "extra"
    run --separate-stderr bounded 10 "$EX" -n "" 3>&-
    [ "$status" -eq 2 ] && [ -z "$output" ] || fail "-n '': status $status, expected 2 and nothing on stdout"
}
