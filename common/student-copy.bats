#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# make student-copy: no solution code anywhere in the copy, no answer keys,
# no git history; the tests and hints are there, and make lab fails with
# hints on every untouched handout in it. One copy, made once for the file.

setup_file() {
    load tests/helper
    [ ! -f "$ROOT/.student-copy" ] || skip "this is a student copy already"
    COPY=$BATS_FILE_TMPDIR/class
    export COPY
    bash "$ROOT/common/scripts/student-copy.sh" "$COPY" >"$BATS_FILE_TMPDIR/copy.log" 2>&1 3>&-
    # the library the labs link with, built in the copy
    make -s -C "$COPY" BUILD=build build/lib/libcommon.a >/dev/null 2>&1 3>&-
    make -s -C "$COPY" BUILD=build handouts >/dev/null 2>&1 3>&-
}

setup() {
    load tests/helper
    load tests/labs
    [ ! -f "$ROOT/.student-copy" ] || skip "this is a student copy already"
    [ -f "$COPY/.student-copy" ] || fail "student-copy.sh failed: $(cat "$BATS_FILE_TMPDIR/copy.log")"
}

@test "student-copy: a plain folder: no git history, no answer keys, the marker" {
    [ ! -e "$COPY/.git" ]
    run find "$COPY" -name ANSWERS.md
    assert_output ""
    [ -f "$COPY/.student-copy" ]
}

# The lines that only solutions have (solution_only_lines, as in labs.bats),
# across the whole repository (a line such as `pid_t pid = fork();` is in
# chapter programs and handouts too, legitimately).
distinctive_lines() {
    local files
    mapfile -t files < <(cd "$ROOT" && find . -type f \( -name '*.[ch]' -o -name '*.md' \
        -o -name '*.py' -o -name '*.sh' -o -name '*.bats' \) -not -path './build*' \
        -not -path './handouts/*' -not -path './.git/*')
    (cd "$ROOT" && solution_only_lines "${files[@]}")
}

@test "student-copy: no solution line survives anywhere in the copy" {
    ! grep -rqx --include='*.c' --include='*.h' '#ifdef SOLUTION' "$COPY" ||
        fail "a SOLUTION block is in the copy"
    local lines=0 line
    while IFS= read -r line; do
        lines=$((lines + 1))
        if grep -rqxF -- "$line" "$COPY"; then
            fail "solution line in the copy ($(grep -rlxF -- "$line" "$COPY" | head -n 1)): $line"
        fi
    done < <(distinctive_lines)
    echo "# $lines distinctive solution lines, none in the copy" >&3
    [ "$lines" -gt 100 ] || fail "only $lines distinctive lines found: the search is broken"
}

@test "student-copy: the tests and hints are there, the README has the students' lab section" {
    for f in "$ROOT"/[0-9][0-9]_*/exercises/*.bats "$ROOT"/common/labs.bats; do
        cmp -s "$f" "$COPY/${f#"$ROOT"/}" || fail "${f#"$ROOT"/} differs or is missing in the copy"
    done
    grep -q '^## Labs' "$COPY/README.md"
    ! grep -q '^## For instructors' "$COPY/README.md"
    ! grep -rq 'build/solutions/' "$COPY"/[0-9][0-9]_*/README.md
}

@test "student-copy: make in the copy builds no solutions" {
    run make -C "$COPY" BUILD=build -n all 3>&-
    assert_success
    refute_output --partial "-DSOLUTION"
}

# make lab on every untouched handout of chapter $1 in the copy: fails, with
# a hint. One test per chapter, each within its own timeout.
labs_fail_in_copy() { each_exercise "$COPY" "$1" lab_fails_in_copy; }

lab_fails_in_copy() {
    local name=$1
    run timeout -k 2 100 make -s -C "$COPY" BUILD=build lab EX="${name%%_*}" 3>&-
    [ "$status" -ne 0 ] || fail "make lab EX=${name%%_*} passes on the untouched handout"
    [ "$status" -ne 124 ] || fail "make lab EX=${name%%_*} ran out of time"
    [[ $output == *"hint"* ]] || fail "make lab EX=${name%%_*}: no hint in: $output"
}

@test "student-copy: make lab fails with hints on every handout of chapter 01" { labs_fail_in_copy 01; }
@test "student-copy: make lab fails with hints on every handout of chapter 02" { labs_fail_in_copy 02; }
@test "student-copy: make lab fails with hints on every handout of chapter 03" { labs_fail_in_copy 03; }
@test "student-copy: make lab fails with hints on every handout of chapter 04" { labs_fail_in_copy 04; }
@test "student-copy: make lab fails with hints on every handout of chapter 05" { labs_fail_in_copy 05; }
@test "student-copy: make lab fails with hints on every handout of chapter 06" { labs_fail_in_copy 06; }
@test "student-copy: make lab fails with hints on every handout of chapter 07" { labs_fail_in_copy 07; }
@test "student-copy: make lab fails with hints on every handout of chapter 08" { labs_fail_in_copy 08; }

@test "student-copy: every chapter with things to try has its answers (in the repository)" {
    for readme in "$ROOT"/[0-9][0-9]_*/README.md; do
        grep -q '^## Things to try' "$readme" || continue
        [ -s "$(dirname "$readme")/ANSWERS.md" ] || fail "no ANSWERS.md beside $readme"
    done
}

@test "student-copy: DEST=name.tar.gz writes a tarball of the copy" {
    run bash "$ROOT/common/scripts/student-copy.sh" "$BATS_TEST_TMPDIR/class.tar.gz" 3>&-
    assert_success
    run tar -tzf "$BATS_TEST_TMPDIR/class.tar.gz"
    assert_line "class/.student-copy"
    refute_output --partial "ANSWERS.md"
}
