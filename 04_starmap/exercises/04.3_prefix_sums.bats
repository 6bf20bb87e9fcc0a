#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 04.3: a parallel prefix sum: range sums, offsets in the parent,
# then a running sum per range from its offset; equal to the serial scan.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/04.3_prefix_sums}
    README=$ROOT/04_starmap/README.md
}

# For the default seed 3 and n 1000000.
ANSWER="prefix[n-1] 49484063, checksum 16491080354721389859, right"

@test "04.3: one range: range_scan's running sum" {
    run bounded 20 "$EX" -q -j 1 -r 1 3>&-
    assert_output "summary: n 1000000, 1 range, 1 workers, $ANSWER" ||
        fail "hint: with one range the offset is 0 and range_scan alone must produce every prefix value: add a(i) to a running sum, then weigh(i, running sum)"
    assert_success
}

@test "04.3: each range starts from the sum of the ranges before it" {
    run bounded 20 "$EX" -j 2 -n 10 -r 3 3>&-
    assert_line --partial "range 0 [0, 4): sum 190, offset 0, prefix 53 .. 190" ||
        fail "hint: range 0's first prefix value is a(0) = 53, its last the sum of a(0) .. a(3) = 190"
    assert_line --partial "range 1 [4, 8): sum 243, offset 190, prefix 256 .. 433" ||
        fail "hint: range 1's offset is range 0's sum (190), and its prefix values start from there"
    assert_line --partial "range 2 [8, 10): sum 64, offset 433, prefix 475 .. 497" ||
        fail "hint: range 2's offset is the sum of ranges 0 and 1 (190 + 243)"
    assert_line "summary: n 10, 3 ranges, 2 workers, prefix[n-1] 497, checksum 19746, right"
    assert_success
}

@test "04.3: the same answer for 1 to 16 ranges" {
    for r in 2 3 4 7 16; do
        run bounded 20 "$EX" -q -j 2 -r "$r" 3>&-
        [[ "$output" == *"$ANSWER" ]] ||
            fail "hint: with $r ranges: $output; the serial scan gives $ANSWER"
        assert_success
    done
}

@test "04.3: tiny inputs and another seed" {
    run bounded 20 "$EX" -q -j 2 -n 5 -r 3 3>&-
    assert_output "summary: n 5, 3 ranges, 2 workers, prefix[n-1] 256, checksum 2750, right"
    run bounded 20 "$EX" -q -j 3 -n 1 -r 4 --seed 11 3>&-
    [[ "$output" == *", right" ]] || fail "hint: one value, one range: $output"
    run bounded 20 "$EX" -q -j 3 -n 77777 -r 9 --seed 11 3>&-
    [[ "$output" == *", right" ]] || fail "hint: $output"
}

@test "04.3: the README's expected output matches a run" {
    run bounded 20 "$EX" -j 2 -n 10 -r 3 3>&-
    assert_success
    readme_matches "$README" ex04.3 ||
        fail "hint: compare your output with the README's exercise 04.3 block"
}
