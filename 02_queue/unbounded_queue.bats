#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Tests of 02_queue's second extra step, unbounded_queue (Queue() with no
# maxsize, common/queue_unbounded.h): puts that never wait, a ring that
# grows, ENOMEM with nothing lost; the README block, the Python mirror, the
# command line, Ctrl-C.

setup() {
    load ../common/tests/helper
    load interrupt
    README=$ROOT/02_queue/README.md
}

@test "unbounded_queue: a producer puts 100000 with nobody getting, ends; all got in order" {
    run bounded 30 "$BIN/unbounded_queue" 3>&-
    assert_success
    assert_line --regexp '^\[producer [0-9]+\] put 100000 items, nobody getting; the ring grew from 64 KiB to 2048 KiB$'
    assert_line --regexp '^\[parent [0-9]+\] then got 100000 items, 0 \.\. 99999 in order: all of them$'
}

@test "unbounded_queue: memory limited to 4 MiB / 1 MiB: ENOMEM at the put that needed more, nothing lost" {
    run bounded 30 "$BIN/unbounded_queue" -n 10 3>&-
    assert_success
    assert_line --regexp '^\[producer [0-9]+\] put 131072 items, nobody getting; the ring grew from 64 KiB to 2048 KiB$'
    assert_line --regexp '^\[producer [0-9]+\] put number 131073 failed: ENOMEM \(Cannot allocate memory\)$'
    assert_line --regexp '^\[parent [0-9]+\] then got 131072 items, 0 \.\. 131071 in order: nothing put before the failure was lost$'
    run bounded 30 "$BIN/unbounded_queue" -n 10 --limit-mib 1 3>&-
    assert_success
    assert_line --regexp '^\[producer [0-9]+\] put number 32769 failed: ENOMEM'
    assert_line --regexp '^\[parent [0-9]+\] then got 32768 items, 0 \.\. 32767 in order: nothing put before the failure was lost$'
}

@test "unbounded_queue: README block matches a real run" {
    run bounded 30 "$BIN/unbounded_queue" 3>&-
    assert_success
    readme_matches "$README" unbounded_queue
}

@test "unbounded_queue.py: the same items got, in order (the memory round skipped)" {
    mirror_lines_match 1 '^then got .*: all of them$' 02_queue/unbounded_queue -n 5000
}

@test "unbounded_queue: --help, bad numbers, unknown options: exit 0 / 2 with one line" {
    usage_and_refusals --try-help unbounded_queue "-n 0" "-n abc" "-n 20M" "--limit-mib 0" \
        "--limit-mib 257" "--bogus" "stray"
}

@test "unbounded_queue: SIGINT to the parent alone mid-put: exit 130, the producer stopped and reaped" {
    sigint_parent_alone 1 unbounded_queue -n 10M
    grep -q 'SIGINT: stopping and reaping 1 child (pid [0-9]*), then dying of SIGINT' "$BATS_TEST_TMPDIR/out"
}
