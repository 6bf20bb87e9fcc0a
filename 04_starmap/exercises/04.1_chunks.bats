#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 04.1: chunks(n, processes) gives min(n, processes) ranges that
# cover range(n) once, sizes differing by at most one, bigger ones first.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/04.1_chunks}
    README=$ROOT/04_starmap/README.md
}

# The ranges printed on the "chunks(n, r) = [...]" line, one "start end" a line.
ranges_of() {
    grep -m1 -o 'chunks([0-9]*, [0-9]*) = \[.*\]' <<<"$1" |
        sed 's/^[^=]*= //' | grep -o '([0-9]*, [0-9]*)' | tr -d '(),'
}

# Why the ranges are not a correct split of range($2) into min($2, $3)
# ranges; empty when they are.
split_problem() {
    awk -v n="$2" -v r="$3" '
        NF == 2 { c++; start[c] = $1; end[c] = $2 }
        END {
            want = n < r ? n : r
            if (c != want) { printf "%d ranges, expected min(n, processes) = %d", c, want; exit }
            if (start[1] != 0) { print "the first range does not start at 0"; exit }
            for (k = 1; k <= c; k++) {
                if (k > 1 && start[k] != end[k - 1]) { printf "range %d does not start where range %d ends (an index missed or repeated)", k - 1, k - 2; exit }
                size = end[k] - start[k]
                if (size < 1) { printf "range %d is empty", k - 1; exit }
                if (k > 1 && size > prev) { printf "range %d is bigger than the one before it", k - 1; exit }
                if (k == 1) big = size
                if (big - size > 1) { printf "range %d is %d smaller than range 0 (at most 1 allowed)", k - 1, big - size; exit }
                prev = size
            }
            if (end[c] != n) printf "the last range ends at %d, not at n = %d", end[c], n
        }' <<<"$1"
}

@test "04.1: chunks(10, 3) = [(0, 4), (4, 7), (7, 10)]" {
    run bounded 20 "$EX" -j 2 -n 10 -r 3 3>&-
    assert_line --partial "chunks(10, 3) = " ||
        fail "hint: the program should print the chunks line; run it yourself with -n 10 -r 3"
    [[ "$output" == *"chunks(10, 3) = [(0, 4), (4, 7), (7, 10)]"* ]] ||
        fail "hint: 10 indices in 3 ranges: 10 / 3 = 3 each, and 10 % 3 = 1 range gets one more (the first)"
}

@test "04.1: chunks(9, 6) gives each of 6 workers a range" {
    run bounded 20 "$EX" -j 6 -n 9 3>&-
    [[ "$output" == *"chunks(9, 6) = [(0, 2), (2, 4), (4, 6), (6, 7), (7, 8), (8, 9)]"* ]] ||
        fail "hint: ceil(9 / 6) = 2 per range makes only 5 ranges; use sizes 1 and 2 so that there are 6"
    assert_success
    for k in 0 1 2 3 4 5; do
        assert_line --partial "range $k: worker"
    done
}

@test "04.1: ranges cover range(n) exactly once for many n and processes" {
    for n in 1 2 5 9 10 17 100 1000003; do
        for r in 1 2 3 4 6 7 16; do
            run bounded 20 "$EX" -j 2 -n "$n" -r "$r" 3>&-
            problem=$(split_problem "$(ranges_of "$output")" "$n" "$r")
            [ -z "$problem" ] || fail "hint: chunks($n, $r): $problem"
        done
    done
}

@test "04.1: fewer indices than processes: one index per range, no empty range" {
    run bounded 20 "$EX" -j 2 -n 2 -r 5 3>&-
    [[ "$output" == *"chunks(2, 5) = [(0, 1), (1, 2)]"* ]] ||
        fail "hint: with n < processes make n ranges of one index: an empty range is a task that does nothing"
}

@test "04.1: the workers' partial sums add up to n(n-1)/2" {
    run bounded 20 "$EX" -j 2 -n 1000000 -r 7 3>&-
    assert_line --partial "sum of range(1000000) = 499999500000 (n(n-1)/2 = 499999500000): right" ||
        fail "hint: the sum is wrong when some index is in no range, or in two"
    assert_line "summary: n 1000000, 7 ranges for 2 workers, sizes 142857 to 142858, sum right"
    assert_success
}

@test "04.1: the README's expected output matches a run" {
    run bounded 20 "$EX" -j 6 -n 9 3>&-
    assert_success
    readme_matches "$README" ex04.1 ||
        fail "hint: compare your output with the README's exercise 04.1 block"
}

@test "04.1: --help and bad input" {
    run bounded 10 "$EX" --help 3>&-
    assert_success
    assert_line --partial "Usage:"
    for bad in 0 -1 abc 1001; do
        run --separate-stderr bounded 10 "$EX" -r "$bad" 3>&-
        assert_equal "$status" 2
        assert_equal "$output" ""
        [[ "$stderr" == *"-r"* ]] || fail "stderr does not name -r: $stderr"
    done
}
