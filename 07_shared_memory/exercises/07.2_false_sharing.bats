#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 07.2: each worker's slot on a cache line of its own (no false
# sharing), and the totals still right. Times are printed, never checked.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/07.2_false_sharing}
    README=$ROOT/07_shared_memory/README.md
}

@test "07.2: no two workers' slots share a cache line" {
    run bounded 30 "$EX" -j 2 -n 1M 3>&-
    assert_line --partial "a cache line shared by two workers' slots: "
    grep -q "a cache line shared by two workers' slots: none" <<<"$output" ||
        fail "hint: look at the 'slot N: bytes ..' lines: two slots in the same 64-byte line are written by two cores. Make struct slot start on, and fill, a line of its own."
    assert_success
}

@test "07.2: every slot starts on a 64-byte boundary, one line each" {
    run bounded 30 "$EX" -j 4 -n 100K 3>&-
    size=$(sed -n 's/.*your struct slot: \([0-9]*\) bytes.*/\1/p' <<<"$output")
    [ -n "$size" ] && [ $((size % 64)) -eq 0 ] ||
        fail "hint: sizeof(struct slot) is ${size:-?} bytes: in an array, slot w starts at w x sizeof, so the size must be a multiple of 64 (alignas rounds it up)"
    problem=$(awk '/\] slot [0-9]+: bytes/ {
            split($6, b, "\\.\\."); line = $NF
            if (b[1] % 64 != 0) { print "slot " $4 " starts at byte " b[1] + 0; bad = 1; exit }
            if (line in seen) { print "two slots on cache line " line; bad = 1; exit }
            seen[line] = 1; n++ }
        END { if (!bad && n != 4) print n " slot lines, expected 4" }' <<<"$output")
    [ -z "$problem" ] || fail "hint: $problem"
}

@test "07.2: the totals are right for every layout" {
    run bounded 30 "$EX" -j 3 -n 200K 3>&-
    assert_line --partial "packed 16-byte slots: totals right"
    assert_line --partial "your slots:           totals right"
    [ "$(grep -c 'totals WRONG' <<<"$output" || true)" -eq 0 ] ||
        fail "hint: keep both fields, count first, then sum"
}

@test "07.2: the README's expected output is the solution's" {
    run bounded 30 "$EX" -j 2 3>&-
    assert_success
    readme_matches "$README" ex07.2
}

@test "07.2: --help and bad input" {
    run bounded 10 "$EX" --help 3>&-
    assert_success
    assert_line --partial "Usage:"
    for bad in "-j 0" "-j abc" "-n 0" "-n 1x" "-n" "--what"; do
        # shellcheck disable=SC2086
        run --separate-stderr bounded 10 "$EX" $bad 3>&-
        [ "$status" -eq 2 ] || fail "$bad: status $status, expected 2"
        [ -z "$output" ] || fail "$bad: something on stdout"
    done
}
