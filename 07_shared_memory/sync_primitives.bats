#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Tests of 07_shared_memory's extra step, sync_primitives (common/sync.h):
# the Lock taken over from a killed holder, each primitive's count, the
# README block, the Python mirror, the command line.

setup() {
    load ../common/tests/helper
    README=$ROOT/07_shared_memory/README.md
}

@test "sync_primitives: a holder SIGKILLed mid-update: SYNC_OWNER_DIED, a = 1 b = 0, mended, then exact" {
    run bounded 30 "$BIN/sync_primitives" 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] Lock: child [0-9]+ took it and was SIGKILLed mid-update \(a = 1, b = 0\)$'
    assert_line --partial "Lock: acquire() returned SYNC_OWNER_DIED: ours, as the dead holder left it; mended: b = a"
    assert_line --regexp 'Lock: then 2 processes x 10000 increments: a = 20001, b = 20001$'
}

@test "sync_primitives -n 500: the Lock round's increments: a = b = 1001" {
    run bounded 30 "$BIN/sync_primitives" -n 500 3>&-
    assert_success
    assert_line --regexp 'Lock: then 2 processes x 500 increments: a = 1001, b = 1001$'
}

@test "sync_primitives: Semaphore at most 2, Event wakes 3 of 3, Condition reads 42, Barrier 3 of 3 rounds" {
    run bounded 30 "$BIN/sync_primitives" 3>&-
    assert_success
    assert_line --regexp 'Semaphore\(2\): 4 processes, at most [12] inside at once$'
    assert_line --partial "Event: set(); wait() returned True in 3 of 3 processes"
    assert_line --partial "notify() woke the waiter, which read 42: yes"
    assert_line --partial "Barrier(3): 3 processes, 3 of 3 rounds passed with indexes 0, 1, 2"
}

@test "sync_primitives: README block matches a real run" {
    run bounded 30 "$BIN/sync_primitives" 3>&-
    assert_success
    readme_matches "$README" sync
}

@test "sync_primitives.py: the same Event, Condition and Barrier lines (the killed holder skipped)" {
    mirror_lines_match 3 '^(Event|Condition|Barrier)' 07_shared_memory/sync_primitives
}

@test "sync_primitives: --help, bad numbers, unknown options, stray arguments: exit 0 / 2 with one line" {
    usage_and_refusals sync_primitives "--bogus" "stray" "-j 2" "-n 0" "-n abc" "-n"
}
