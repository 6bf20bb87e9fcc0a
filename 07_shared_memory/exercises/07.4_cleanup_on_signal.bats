#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 07.4: a named segment removed on every way out: after a normal
# run, and on SIGTERM, SIGINT (Ctrl-C) and SIGHUP, dying of the signal.

setup() {
    load ../../common/tests/helper
    load named_segment # parent_of, help_and_bad_input; teardown cleans /dev/shm
    EX=${EXERCISE_BIN:-$BUILD/solutions/07.4_cleanup_on_signal}
    README=$ROOT/07_shared_memory/README.md
    SEGMENT=forklore-ex074
}

@test "07.4: after a normal run the name is gone from /dev/shm" {
    run --separate-stderr bounded 20 "$EX" -n 10 3>&-
    parent=$(parent_of "$output")
    [ -n "$parent" ]
    assert_line "[parent $parent] created /forklore-ex074-$parent, 88 bytes; /dev/shm/forklore-ex074-$parent exists"
    assert_line --partial "the numbers add up to 55 (1 + ... + 10 = 55: right)"
    [ ! -e "/dev/shm/forklore-ex074-$parent" ] ||
        fail "/dev/shm/forklore-ex074-$parent outlived a normal run"
    assert_line --partial "removed the name: /dev/shm/forklore-ex074-$parent is gone"
    assert_success
}

# Start a run that holds its segment, wait until the name is in /dev/shm,
# send signal $1, and expect status $2 and no name left.
signal_while_holding() {
    local sig=$1 code=$2 out=$BATS_TEST_TMPDIR/out pid parent=""
    timeout -k 2 20 "$EX" --hold-ms 15000 >"$out" 3>&- &
    pid=$!
    for _ in $(seq 100); do
        parent=$(sed -n 's/^\[parent \([0-9]*\)\] holding.*/\1/p' "$out")
        [ -n "$parent" ] && break
        sleep 0.05
    done
    [ -n "$parent" ] || { kill "$pid"; fail "the program never said it was holding the segment"; }
    echo "$parent" >>"$BATS_TEST_TMPDIR/pids"
    if [ ! -e "/dev/shm/forklore-ex074-$parent" ]; then
        kill "$parent"; wait "$pid" || true
        fail "while it holds the segment, /dev/shm/forklore-ex074-$parent should exist (segment_create is given: is it still there?)"
    fi
    kill -"$sig" "$parent"
    local status=0
    wait "$pid" || status=$?
    [ ! -e "/dev/shm/forklore-ex074-$parent" ] ||
        fail "hint: the program died of SIG$sig and left /dev/shm/forklore-ex074-$parent behind: remove the name before dying (the TODO in die_of_signal)"
    [ "$status" -eq "$code" ] || fail "status $status, expected $code (died of SIG$sig)"
    grep -q "SIG$sig: cleaning up, then dying of it" "$out"
}

@test "07.4: SIGTERM while the segment is held: name removed, status 143" {
    signal_while_holding TERM 143
}

@test "07.4: SIGINT (Ctrl-C) while the segment is held: name removed, status 130" {
    signal_while_holding INT 130
}

@test "07.4: SIGHUP (the terminal closed) while the segment is held: name removed, status 129" {
    signal_while_holding HUP 129
}

@test "07.4: the README's expected output is the solution's" {
    run bounded 20 "$EX" 3>&-
    parent_of "$output" >/dev/null
    assert_success
    readme_matches "$README" ex07.4
}

@test "07.4: --help and bad input" { help_and_bad_input; }
