#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 04.2: per-range statistics in the workers, combined in the parent,
# equal to one serial loop's for any number of ranges (ties: first index).

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/04.2_range_stats}
    README=$ROOT/04_starmap/README.md
}

# The answer for the default seed 7 and n 100000 (value(i) has many ties:
# about 100 indices hold 0 and about 100 hold 999).
ANSWER="min 0 at 19, max 999 at 333, sum 49783973, right"

@test "04.2: one range: range_stats finds count, sum, min and max, first index on ties" {
    run bounded 20 "$EX" -q -j 1 -r 1 3>&-
    [[ "$output" == *"sum 49783973"* ]] ||
        fail "hint: with one range, the sum of the values must be 49783973; add up value(i) for every i of the range"
    [[ "$output" == *"min 0 at 19,"* && "$output" == *"max 999 at 333,"* ]] ||
        fail "hint: the smallest value 0 first occurs at index 19 and the largest 999 at 333: a later repeat must not move 'at' (< rather than <=)"
    assert_output "summary: n 100000, 1 range, 1 workers, $ANSWER"
    assert_success
}

@test "04.2: the combined answer is the same for 1 to 16 ranges" {
    for r in 1 2 3 4 7 16; do
        run bounded 20 "$EX" -q -j 2 -r "$r" 3>&-
        [[ "$output" == *"$ANSWER" ]] ||
            fail "hint: with $r ranges: $output; combine must give what one serial loop gives, whatever the split (on a tie, keep the earlier range's index)"
        assert_success
    done
}

@test "04.2: each range's own statistics are right" {
    run bounded 20 "$EX" -j 2 -r 4 3>&-
    assert_line --partial "range 0 [0, 25000): count 25000, sum 12425945, min 0 at 19, max 999 at 333" ||
        fail "hint: range_stats must look only at the indices start .. end-1 of its range"
    assert_line --partial "range 3 [75000, 100000): count 25000, sum 12397130, min 0 at 76338, max 999 at 75690" ||
        fail "hint: range_stats must look only at the indices start .. end-1 of its range, and count them"
}

@test "04.2: a tiny loop: the extremes are not 0 and 999, and not in range 0" {
    run bounded 20 "$EX" -q -j 2 -n 5 -r 3 3>&-
    assert_output "summary: n 5, 3 ranges, 2 workers, min 203 at 3, max 804 at 1, sum 2514, right" ||
        fail "hint: the total starts with count 0: its min and max mean nothing yet, so the first range's must be taken as they are"
}

@test "04.2: another seed, many ranges" {
    run bounded 20 "$EX" -q -j 1 -n 54321 -r 1 --seed 99 3>&-
    single=${output#*workers, }
    run bounded 20 "$EX" -q -j 3 -n 54321 -r 11 --seed 99 3>&-
    [ "${output#*workers, }" = "$single" ] ||
        fail "hint: 11 ranges give '${output#*workers, }', one range gives '$single'"
    [[ "$output" == *", right" ]] || fail "hint: the program says: $output"
    assert_success
}

@test "04.2: the README's expected output matches a run" {
    run bounded 20 "$EX" -j 2 -r 4 3>&-
    assert_success
    readme_matches "$README" ex04.2 ||
        fail "hint: compare your output with the README's exercise 04.2 block"
}
