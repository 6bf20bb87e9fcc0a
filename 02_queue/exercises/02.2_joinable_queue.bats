#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Checks for exercise 02.2: a joinable queue (task_done / join).

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/02.2_joinable_queue}
    README=$ROOT/02_queue/README.md
}

# "F T A W" from round $1's join line: finished, total, alive, workers.
after_join() {
    sed -nE "s/.*round $1: join\(\) returned: ([0-9]+) of ([0-9]+) tasks finished; workers still alive: ([0-9]+) of ([0-9]+)$/\1 \2 \3 \4/p" <<<"$output"
}

@test "02.2: join() returns only when every task of the round is done" {
    run bounded 20 "$EX" -j 2 --tasks 20 --task-ms 10 3>&-
    for round in 1 2; do
        read -r finished total alive workers <<<"$(after_join $round)"
        [ -n "$total" ] || fail "hint: no 'join() returned' line for round $round: did the program crash or hang? $output"
        [ "$finished" -eq "$total" ] ||
            fail "hint: round $round: join() returned when $finished of $total tasks were finished: jq_join must sleep while jq->unfinished > 0, and jq_put must count every task"
    done
}

@test "02.2: join() waits even for one slow task" {
    run bounded 20 "$EX" -j 1 --tasks 1 --task-ms 300 3>&-
    read -r finished total alive workers <<<"$(after_join 1)"
    [ "$finished" = 1 ] ||
        fail "hint: one task of 300 ms was out and join() did not wait for it ($finished of 1 finished)"
    assert_success
}

@test "02.2: the workers live on: join() waits for the tasks, not the processes" {
    run bounded 20 "$EX" -j 3 --tasks 12 --task-ms 5 3>&-
    for round in 1 2; do
        read -r finished total alive workers <<<"$(after_join $round)"
        [ "$alive" = 3 ] || fail "hint: after round $round's join() only $alive of 3 workers were alive: join() must not wait for processes to end"
        [ "$finished" = "$total" ] || fail "hint: round $round: $finished of $total finished at join()"
    done
    assert_line --partial "having done 24 tasks in all; every result right: yes"
    assert_line --partial "summary: join() waited for every task, and only for the tasks"
    assert_success
}

@test "02.2: many instant tasks: join() still waits for the last one" {
    run bounded 20 "$EX" -j 2 --tasks 100 --task-ms 0 3>&-
    read -r finished total alive workers <<<"$(after_join 2)"
    [ "$finished" = 200 ] && [ "$total" = 200 ] ||
        fail "hint: with 100 instant tasks per round, join() returned at $finished of $total: a count that touches 0 between two puts posts the semaphore early; look at the count again after each wake-up"
    assert_success
}

@test "02.2: the README's expected output matches the solution" {
    run bounded 20 "$EX" 3>&-
    assert_success
    readme_matches "$README" ex02.2
}
