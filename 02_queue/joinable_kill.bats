#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Tests of 02_queue's extra step, joinable_kill (JoinableQueue): join after
# all items are done, join after a consumer was SIGKILLed holding an item;
# the README block, the Python mirror, the command line, Ctrl-C.

setup() {
    load ../common/tests/helper
    load interrupt
    README=$ROOT/02_queue/README.md
}

@test "joinable_kill: qsize/empty/full of a full queue; join returns once every item is done" {
    run bounded 30 "$BIN/joinable_kill" -j 4 -n 200 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] 8 items in a queue of 8: qsize\(\) 8, empty\(\) False, full\(\) True$'
    assert_line --regexp '^\[parent [0-9]+\] q.join\(\) returned: all 200 items done$'
}

@test "joinable_kill: a consumer killed before task_done: join returns, 1 lost, that pid named" {
    run bounded 30 "$BIN/joinable_kill" 3>&-
    assert_success
    local pid
    pid=$(printf '%s\n' "$output" | sed -nE 's/.*1 item taken by pid ([0-9]+), which died before its task_done: counted lost$/\1/p')
    [ -n "$pid" ]
    assert_line --regexp "^\[parent [0-9]+\] consumer pid $pid killed by SIGKILL$"
}

@test "joinable_kill: README block matches a real run" {
    run bounded 30 "$BIN/joinable_kill" 3>&-
    assert_success
    readme_matches "$README" joinable_kill
}

@test "joinable_kill.py: the same round with every consumer alive (the killed one is skipped)" {
    mirror_lines_match 2 '^(3 consumers|q.join\(\) returned: all)' 02_queue/joinable_kill
}

@test "joinable_kill: --help, bad numbers, unknown options: exit 0 / 2 with one line" {
    usage_and_refusals --try-help joinable_kill "-j 1" "-j abc" "-n 5" "--bogus" "stray"
}

@test "joinable_kill: SIGINT to the parent alone mid-round: exit 130, the 3 consumers stopped and reaped" {
    sigint_parent_alone 3 joinable_kill -n 1000000
    grep -q 'SIGINT: stopping and reaping 3 children (pid [0-9 ]*), then dying of SIGINT' "$BATS_TEST_TMPDIR/out"
}
