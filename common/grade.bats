#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# make grade: a folder of five students' submissions of exercise 03.1, one
# correct, one wrong (the untouched handout), one that crashes, one that
# hangs and one that does not compile, graded once; one test per verdict.

# The handout of 03.1 with $1 put at the start of main (and <unistd.h>).
handout_with() {
    awk -v code="$1" '{ print } /^#include <stdlib.h>/ { print "#include <unistd.h>" }
        /^    report_set_program\(argv\[0\]\);/ { print code }' "$HANDOUT"
}

setup_file() {
    load tests/helper
    [ ! -f "$ROOT/.student-copy" ] || skip "a student copy has no solutions to grade with"
    local src=("$ROOT"/03_pool_map/exercises/03.1_*.c) subs=$BATS_FILE_TMPDIR/submissions
    local name
    name=$(basename "${src[0]}")
    HANDOUT=$BATS_FILE_TMPDIR/handout.c
    awk -f "$ROOT/common/scripts/strip-solution.awk" "${src[0]}" >"$HANDOUT"
    mkdir -p "$subs"/{ada,bob,cy,dee,eve}
    { echo '#define SOLUTION'; cat "${src[0]}"; } >"$subs/ada/$name"
    cp "$HANDOUT" "$subs/bob/$name"
    handout_with '    int *volatile nowhere = NULL; *nowhere = 1;' >"$subs/cy/$name"
    handout_with '    for (;;) pause();' >"$subs/dee/$name"
    mkdir -p "$subs/eve/03_pool_map" # in a chapter folder, as in handouts/
    handout_with '    collatz_everything(argc);' >"$subs/eve/03_pool_map/$name"
    export GRADES=$BATS_FILE_TMPDIR/grades
    # Five submissions, the hanging one 5 checks x LAB_TIMEOUT: well inside.
    LAB_TIMEOUT=2 timeout -k 5 400 bash "$ROOT/common/scripts/grade.sh" "$subs" "$GRADES" \
        >"$BATS_FILE_TMPDIR/grade.log" 2>&1 3>&- || true
}

setup() {
    load tests/helper
    [ ! -f "$ROOT/.student-copy" ] || skip "a student copy has no solutions to grade with"
    CSV=$GRADES/grades.csv
    [ -f "$CSV" ] || fail "grade.sh wrote no grades.csv: $(cat "$BATS_FILE_TMPDIR/grade.log")"
}

@test "grade: grades.csv has a header and one row per submission" {
    sed 's/^/# /' "$CSV" >&3
    assert_equal "$(head -n 1 "$CSV")" "student,exercise,passed/total,verdict"
    assert_equal "$(wc -l <"$CSV")" 6
}

@test "grade: the correct submission is ok, every check passed" {
    assert_equal "$(grep '^ada,' "$CSV")" "ada,03.1,5/5,ok"
}

@test "grade: the untouched handout is wrong" {
    assert_equal "$(grep '^bob,' "$CSV")" "bob,03.1,0/5,wrong"
}

@test "grade: the crashing submission: crashed (SIGSEGV)" {
    assert_equal "$(grep '^cy,' "$CSV")" "cy,03.1,0/5,crashed (SIGSEGV)"
    grep -q 'your program crashed with SIGSEGV (segmentation fault) in test "03.1: ' "$GRADES/feedback/cy.txt"
}

@test "grade: the hanging submission: timed out" {
    assert_equal "$(grep '^dee,' "$CSV")" "dee,03.1,0/5,timed out"
    grep -q 'your program timed out after 2 s in test' "$GRADES/feedback/dee.txt"
}

@test "grade: the submission that does not compile (found in a chapter folder)" {
    assert_equal "$(grep '^eve,' "$CSV")" "eve,03.1,0/5,does not compile"
    grep -q "collatz_everything" "$GRADES/feedback/eve.txt"
}

@test "grade: feedback has the hints make lab prints, and no colour" {
    grep -q 'hint: ' "$GRADES/feedback/bob.txt"
    ! grep -q $'\e\\[' "$GRADES"/feedback/*.txt
}

@test "grade: as root, the submissions ran as an unprivileged user" {
    [ "$(id -u)" = 0 ] || skip "not root: submissions run as the grader"
    grep -q 'runs as nobody, in its own pid namespace' "$BATS_FILE_TMPDIR/grade.log"
}
