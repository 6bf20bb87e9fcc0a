#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The lab exercises: solutions pass their checks (each exercise's own .bats
# runs against build/solutions/ in make test), untouched handouts fail them,
# handouts hold no solution code, and make lab works for a student.

setup() {
    load tests/helper
    shopt -s nullglob
    EXERCISES=("$ROOT"/[0-9][0-9]_*/exercises/*.c)
}

@test "labs: every exercise has its checks beside it" {
    [ ${#EXERCISES[@]} -gt 0 ] || skip "no exercises yet"
    for src in "${EXERCISES[@]}"; do
        [ -f "${src%.c}.bats" ] || fail "$src has no ${src%.c}.bats"
    done
}

@test "labs: every untouched handout fails its checks" {
    [ ${#EXERCISES[@]} -gt 0 ] || skip "no exercises yet"
    for src in "${EXERCISES[@]}"; do
        name=$(basename "$src" .c)
        [ -x "$BUILD/handout-check/$name" ] || fail "handout of $name was not built (make all)"
        run env EXERCISE_BIN="$BUILD/handout-check/$name" bats "${src%.c}.bats" 3>&-
        [ "$status" -ne 0 ] || fail "the untouched handout of $name passes its checks: they test nothing"
    done
}

@test "labs: handouts contain no solution code" {
    [ ${#EXERCISES[@]} -gt 0 ] || skip "no exercises yet"
    for src in "${EXERCISES[@]}"; do
        handout=$(awk -f "$ROOT/common/scripts/strip-solution.awk" "$src")
        ! grep -q 'SOLUTION' <<<"$handout" || fail "$src: SOLUTION left in the handout"
        # every substantial line that only the solution has must be absent
        # (a line such as die("malloc"); may be in both, legitimately)
        while IFS= read -r line; do
            if grep -qxF -- "$line" <<<"$handout"; then
                fail "$src: solution line found in the handout: $line"
            fi
        done < <(awk '/^#ifdef SOLUTION/ { s = 1; next }
                      s && /^#(else|endif)/ { s = 0; next }
                      s { if (length($0) > 20 && $0 !~ /^[ \t]*(\/\*|\*|\/\/|[{}]|return)/) sol[$0] = 1; next }
                      { other[$0] = 1 }
                      END { for (l in sol) if (!(l in other)) print l }' "$src")
    done
}

@test "labs: make lab fails with hints on a handout, passes on the solution" {
    [ ${#EXERCISES[@]} -gt 0 ] || skip "no exercises yet"
    src=${EXERCISES[0]}
    chapter=$(basename "$(dirname "$(dirname "$src")")")
    name=$(basename "$src" .c)
    ex=${name%%_*}
    dir=$BATS_TEST_TMPDIR/handouts
    mkdir -p "$dir/$chapter"
    awk -f "$ROOT/common/scripts/strip-solution.awk" "$src" >"$dir/$chapter/$name.c"
    export HANDOUTS=$dir
    run bounded 120 bash "$ROOT/common/scripts/lab.sh" "$ex" "$BUILD" 3>&-
    assert_failure
    assert_output --partial "hint"
    refute_output --partial "SOLUTION"
    { echo '#define SOLUTION'; cat "$src"; } >"$dir/$chapter/$name.c"
    run bounded 120 bash "$ROOT/common/scripts/lab.sh" "$ex" "$BUILD" 3>&-
    assert_success
    assert_output --partial "every check passes"
}

@test "labs: make lab without EX, or with an unknown one, says how to use it" {
    run bash "$ROOT/common/scripts/lab.sh" "" "$BUILD"
    assert_equal "$status" 2
    run bash "$ROOT/common/scripts/lab.sh" 99.9 "$BUILD"
    assert_equal "$status" 2
}
