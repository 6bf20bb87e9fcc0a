#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The lab exercises: solutions pass their checks (each exercise's own .bats
# runs against build/solutions/ in make test), untouched handouts fail them,
# handouts hold no solution code, and make lab works for a student.

setup() {
    load tests/helper
    load tests/labs
    shopt -s nullglob
    EXERCISES=("$ROOT"/[0-9][0-9]_*/exercises/*.c)
    TEST_STARTED=$SECONDS
}

# Run bats (or a script that runs bats) inside this test: nested COMMAND...
# Each nested run is bounded by its own timeout, at most 60 s and always
# inside what is left of this test's BATS_TEST_TIMEOUT (less a margin): when
# the outer bats's timeout fires while a nested bats runs, bats 1.8 drops the
# test from its report instead of failing it. The nested run inherits none
# of the outer run's BATS_* variables (BATS_LIB_PATH, a user setting,
# excepted). Status 124 or 137: it ran out of time.
nested() {
    local left=$((${BATS_TEST_TIMEOUT:-600} - 15 - (SECONDS - TEST_STARTED)))
    local bound=$((left < 60 ? left : 60)) var unset=()
    if [ "$bound" -le 0 ]; then
        echo "no time left in this test's ${BATS_TEST_TIMEOUT:-600} s for: $*" >&2
        return 124
    fi
    for var in $(compgen -e); do
        [[ $var == BATS_* && $var != BATS_LIB_PATH ]] && unset+=(-u "$var")
    done
    env "${unset[@]}" timeout -k 2 "$bound" "$@"
}

timed_out() { [ "$1" -eq 124 ] || [ "$1" -eq 137 ]; }

@test "labs: every exercise has its checks beside it" {
    [ ${#EXERCISES[@]} -gt 0 ] || skip "no exercises yet"
    for src in "${EXERCISES[@]}"; do
        [ -f "${src%.c}.bats" ] || fail "$src has no ${src%.c}.bats"
    done
}

# Every untouched handout of chapter $1 (01, 02, ...) fails its checks. One
# test per chapter, so that each gets its own BATS_TEST_TIMEOUT: all of them
# in one test took 90 s of its 120 on a busy machine.
handouts_fail() { each_exercise "$ROOT" "$1" handout_fails; }

# The untouched handout of exercise $1 (source $2) fails its checks.
handout_fails() {
    local name=$1 src=$2
    [ -x "$BUILD/handout-check/$name" ] || fail "handout of $name was not built (make all)"
    run nested env EXERCISE_BIN="$BUILD/handout-check/$name" BUILD="$BUILD" \
        bats "${src%.c}.bats" 3>&-
    ! timed_out "$status" || fail "the checks of $name ran out of time (status $status)"
    [ "$status" -ne 0 ] || fail "the untouched handout of $name passes its checks: they test nothing"
}

HANDOUT_CHAPTERS="01 02 03 04 05 06 07 08"

@test "labs: every exercise's chapter has its handout test below" {
    [ ${#EXERCISES[@]} -gt 0 ] || skip "no exercises yet"
    for src in "${EXERCISES[@]}"; do
        chapter=$(basename "$(dirname "$(dirname "$src")")")
        [[ " $HANDOUT_CHAPTERS " == *" ${chapter%%_*} "* ]] ||
            fail "$src: chapter ${chapter%%_*} has no 'untouched handouts fail' test in labs.bats"
    done
}

@test "labs: every untouched handout of chapter 01 fails its checks" { handouts_fail 01; }
@test "labs: every untouched handout of chapter 02 fails its checks" { handouts_fail 02; }
@test "labs: every untouched handout of chapter 03 fails its checks" { handouts_fail 03; }
@test "labs: every untouched handout of chapter 04 fails its checks" { handouts_fail 04; }
@test "labs: every untouched handout of chapter 05 fails its checks" { handouts_fail 05; }
@test "labs: every untouched handout of chapter 06 fails its checks" { handouts_fail 06; }
@test "labs: every untouched handout of chapter 07 fails its checks" { handouts_fail 07; }
@test "labs: every untouched handout of chapter 08 fails its checks" { handouts_fail 08; }

@test "labs: handouts contain no solution code" {
    [ ${#EXERCISES[@]} -gt 0 ] || skip "no exercises yet"
    for src in "${EXERCISES[@]}"; do
        handout=$(awk -f "$ROOT/common/scripts/strip-solution.awk" "$src")
        ! grep -q 'SOLUTION' <<<"$handout" || fail "$src: SOLUTION left in the handout"
        # every substantial line that only the solution has must be absent
        while IFS= read -r line; do
            if grep -qxF -- "$line" <<<"$handout"; then
                fail "$src: solution line found in the handout: $line"
            fi
        done < <(solution_only_lines "$src")
    done
}

# Write exercise $1's handout (or, with $2 = solution, its solution) where
# make lab looks for it; sets SRC, NAME, EX and HANDOUT.
lab_file() {
    SRC=$1
    local chapter
    chapter=$(basename "$(dirname "$(dirname "$SRC")")")
    NAME=$(basename "$SRC" .c)
    EX=${NAME%%_*}
    HANDOUT=$BATS_TEST_TMPDIR/handouts/$chapter/$NAME.c
    mkdir -p "$(dirname "$HANDOUT")"
    export HANDOUTS=$BATS_TEST_TMPDIR/handouts
    if [ "${2:-}" = solution ]; then
        { echo '#define SOLUTION'; cat "$SRC"; } >"$HANDOUT"
    else
        awk -f "$ROOT/common/scripts/strip-solution.awk" "$SRC" >"$HANDOUT"
    fi
}

@test "labs: make lab fails with hints on a handout" {
    [ ${#EXERCISES[@]} -gt 0 ] || skip "no exercises yet"
    lab_file "${EXERCISES[0]}"
    run nested bash "$ROOT/common/scripts/lab.sh" "$EX" "$BUILD" 3>&-
    ! timed_out "$status" || fail "make lab on the handout ran out of time (status $status)"
    assert_failure
    assert_output --partial "hint"
    refute_output --partial "SOLUTION"
}

@test "labs: make lab passes on the solution" {
    [ ${#EXERCISES[@]} -gt 0 ] || skip "no exercises yet"
    [ ! -f "$ROOT/.student-copy" ] || skip "a student copy has no solutions"
    lab_file "${EXERCISES[0]}" solution
    run nested bash "$ROOT/common/scripts/lab.sh" "$EX" "$BUILD" 3>&-
    assert_success
    assert_output --partial "every check passes"
}

# The handout of exercise 03.1 with $1 inserted at the start of main (and
# #include <unistd.h> for pause()).
broken_03_1() {
    lab_file "$ROOT"/03_pool_map/exercises/03.1_*.c
    awk -v code="$1" '{ print } /^#include <stdlib.h>/ { print "#include <unistd.h>" }
        /^    report_set_program\(argv\[0\]\);/ { print code }' "$HANDOUT" >"$HANDOUT.new"
    mv "$HANDOUT.new" "$HANDOUT"
}

@test "labs: a crash is named, with its check, before that check's hints" {
    broken_03_1 '    int *volatile nowhere = NULL; *nowhere = 1;'
    run nested bash "$ROOT/common/scripts/lab.sh" "$EX" "$BUILD" 3>&-
    assert_failure
    first=$(grep -n -m1 'hint' <<<"$output" | cut -d: -f1)
    crash=$(grep -n -m1 'your program crashed with SIGSEGV (segmentation fault) in test "03.1: ' <<<"$output" | cut -d: -f1)
    [ -n "$crash" ] || fail "no crash message in: $output"
    [ "$crash" -lt "$first" ] || fail "the crash message comes after a hint: $output"
    assert_output --partial 'fix that first'
    refute_output --partial 'Segmentation fault' # bash's own line, without the check's name
    output=${output//$BATS_TEST_TMPDIR\//}
    readme_matches "$ROOT/README.md" lab-crash
}

@test "labs: a hang is named: timed out after N s" {
    broken_03_1 '    for (;;) pause();'
    LAB_TIMEOUT=1 run nested bash "$ROOT/common/scripts/lab.sh" "$EX" "$BUILD" 3>&-
    assert_failure
    assert_output --partial 'your program timed out after 1 s in test "03.1: '
    readme_matches "$ROOT/README.md" lab-timeout
}

@test "labs: a missing #include stops the build with the compiler's message" {
    lab_file "$ROOT"/03_pool_map/exercises/03.1_*.c
    grep -v '^#include <stdio.h>' "$HANDOUT" >"$HANDOUT.new" && mv "$HANDOUT.new" "$HANDOUT"
    LAB_RESULT=$BATS_TEST_TMPDIR/result run nested bash "$ROOT/common/scripts/lab.sh" "$EX" "$BUILD" 3>&-
    assert_failure
    assert_output --regexp 'implicit(ly)?[ -](declaration|declaring)'
    assert_output --partial "it does not compile yet"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/result")" "0 5 does not compile"
}

@test "labs: no colour when the output is not a terminal, or with NO_COLOR" {
    lab_file "${EXERCISES[0]}"
    run nested bash "$ROOT/common/scripts/lab.sh" "$EX" "$BUILD" 3>&-
    [[ $output != *$'\e['* ]] || fail "escape sequences in piped output"
    # a terminal, but NO_COLOR set: script(1) gives make lab a terminal
    command -v script >/dev/null || skip "no script(1) to fake a terminal"
    NO_COLOR=1 run nested script -qec "bash '$ROOT/common/scripts/lab.sh' $EX '$BUILD'" /dev/null 3>&-
    [[ $output == *"checks pass"* ]] || fail "make lab did not run under script: $output"
    [[ $output != *$'\e['* ]] || fail "escape sequences despite NO_COLOR"
    run nested script -qec "bash '$ROOT/common/scripts/lab.sh' $EX '$BUILD'" /dev/null 3>&-
    [[ $output == *$'\e[31m'* ]] || fail "no colour on a terminal"
}

@test "labs: make lab without EX, or with an unknown one, says how to use it" {
    run bash "$ROOT/common/scripts/lab.sh" "" "$BUILD"
    assert_equal "$status" 2
    run bash "$ROOT/common/scripts/lab.sh" 99.9 "$BUILD"
    assert_equal "$status" 2
}
