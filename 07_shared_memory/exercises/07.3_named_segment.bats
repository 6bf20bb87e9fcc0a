#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 07.3: a named segment that an exec'd reader finds by name, and
# that is removed after a normal run (removal on a signal: 07.4).

setup() {
    load ../../common/tests/helper
    load named_segment # parent_of, help_and_bad_input; teardown cleans /dev/shm
    EX=${EXERCISE_BIN:-$BUILD/solutions/07.3_named_segment}
    README=$ROOT/07_shared_memory/README.md
    SEGMENT=forklore-ex073
}

# Fails with a hint when the segment was not created or not opened.
segment_found() {
    local parent=$1
    [[ "$output" != *"does NOT exist"* ]] ||
        fail "hint: the segment has no name yet: /dev/shm/forklore-ex073-$parent does not exist. Create it with shm_open (TODO 1)"
    [[ "$stderr" != *"cannot open"* ]] ||
        fail "hint: the reader could not open it: $stderr (TODO 2: shm_open without O_CREAT, fstat, mmap)"
}

@test "07.3: the reader, a fresh program, finds the segment by its name" {
    run --separate-stderr bounded 20 "$EX" 3>&-
    parent=$(parent_of "$output")
    segment_found "$parent"
    assert_line --regexp "^\[reader [0-9]+\] opened /forklore-ex073-$parent by name: 8024 bytes, 1000 numbers, sum 500500$"
    assert_line --partial "its answer in the segment: 500500 (1 + ... + 1000 = 500500: right)"
}

@test "07.3: after a normal run the name is gone from /dev/shm" {
    run --separate-stderr bounded 20 "$EX" -n 10 3>&-
    parent=$(parent_of "$output")
    [ -n "$parent" ]
    segment_found "$parent"
    [ ! -e "/dev/shm/forklore-ex073-$parent" ] ||
        fail "hint: /dev/shm/forklore-ex073-$parent outlived the program: a name stays until it is unlinked (TODO 3)"
    assert_line --partial "removed the name: /dev/shm/forklore-ex073-$parent is gone"
    assert_success
}

@test "07.3: a bigger segment: the reader maps all of it" {
    run --separate-stderr bounded 20 "$EX" -n 100K 3>&-
    segment_found "$(parent_of "$output")"
    grep -q "100000 numbers, sum 5000050000" <<<"$output" ||
        fail "hint: the reader must map the whole segment: its size is st_size from fstat()"
    assert_success
}

@test "07.3: the README's expected output is the solution's" {
    run bounded 20 "$EX" 3>&-
    parent_of "$output" >/dev/null
    assert_success
    readme_matches "$README" ex07.3
}

@test "07.3: --help and bad input" { help_and_bad_input; }
