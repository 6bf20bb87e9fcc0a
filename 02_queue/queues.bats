#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 02_queue, steps 5-8: producers and consumers over common/queue.h, a
# consumer killed mid-work, structs and results, the cost of a queue call.

setup() {
    load ../common/tests/helper
    load interrupt
    README=$ROOT/02_queue/README.md
}

@test "5_queue_workers: produced = consumed, each item once, FIFO per producer" {
    run bounded 20 "$BIN/5_queue_workers" 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] joined producer 1 \(pid [0-9]+\): put 1000 items, seq 0 to 999, exited normally$'
    assert_line --regexp '^\[parent [0-9]+\] joined producer 2 \(pid [0-9]+\): put 1000 items, seq 0 to 999, exited normally$'
    assert_line --regexp '^\[parent [0-9]+\] consumer 1 \(pid [0-9]+\) reported: got [0-9]+ items, then EPIPE; FIFO per producer: held; exited normally$'
    assert_line --regexp '^\[parent [0-9]+\] consumer 2 \(pid [0-9]+\) reported: got [0-9]+ items, then EPIPE; FIFO per producer: held; exited normally$'
    assert_line --regexp '^\[parent [0-9]+\] produced 2000, consumed 2000, each exactly once: every item accounted for$'
    local sum
    sum=$(printf '%s\n' "$output" | awk '/reported: got/ { s += $9 } END { print s }')
    [ "$sum" -eq 2000 ]
    assert_line --regexp 'summary: every check held$'
    nothing_left 5_queue_workers
}

@test "5_queue_workers: the README's expected output matches a real run" {
    run bounded 20 "$BIN/5_queue_workers" 3>&-
    assert_success
    readme_matches "$README" 5_queue_workers
}

@test "5_queue_workers: 100 runs, 3 producers and 3 consumers: the totals always match" {
    local i
    for i in $(seq 100); do
        run bounded 20 "$BIN/5_queue_workers" -q -p 3 -j 3 -n 500 3>&-
        assert_success
        assert_line --regexp 'produced 1500, consumed 1500, each exactly once: every item accounted for$'
    done
    nothing_left 5_queue_workers
}

@test "5_queue_workers: many producers, one consumer, items given as 2K" {
    run bounded 20 "$BIN/5_queue_workers" -q -p 5 -j 1 -n 2K 3>&-
    assert_success
    assert_line --partial "produced 10000, consumed 10000, each exactly once"
    refute_line --partial "joined producer"
}

@test "6_queue_kill: killed consumer reported, lost items named, nothing hangs" {
    local i
    for i in 1 2 3 4 5; do
        run bounded 20 "$BIN/6_queue_kill" 3>&-
        assert_success
        assert_line --regexp '^\[parent [0-9]+\] consumer 1 \(pid [0-9]+\), SIGKILLed mid-work: killed by SIGKILL$'
        assert_line --regexp '^\[parent [0-9]+\] consumer 2 \(pid [0-9]+\) finished [0-9]+ items; FIFO per producer: held; exited normally$'
        assert_line --regexp 'lost with consumer 1 \(taken, never finished\):'
        assert_line --regexp '^\[parent [0-9]+\] produced 2000 = finished by survivors [0-9]+ \+ finished by consumer 1 before it died [0-9]+ \+ lost [0-9]+: nothing corrupted, nothing twice$'
        # the item consumer 1 held is the item reported lost
        local held lost
        held=$(printf '%s\n' "$output" | sed -nE 's/.*was holding item (producer [0-9]+ seq [0-9]+) when it died$/\1/p')
        lost=$(printf '%s\n' "$output" | sed -nE 's/.*never finished\): (.*)$/\1/p')
        [ -n "$held" ]
        [ "$lost" = "$held" ]
        local line
        line=$(printf '%s\n' "$output" | grep 'produced 2000 =' | tr -cs '0-9' ' ')
        read -r _ total survivors _ dead lost_count <<<"$line"
        [ $((survivors + dead + lost_count)) -eq "$total" ]
    done
    nothing_left 6_queue_kill
}

@test "6_queue_kill: the README's expected output matches a real run" {
    run bounded 20 "$BIN/6_queue_kill" 3>&-
    assert_success
    readme_matches "$README" 6_queue_kill
}

@test "6_queue_kill with 4 consumers: the other 3 go on" {
    run bounded 20 "$BIN/6_queue_kill" -j 4 -p 3 3>&-
    assert_success
    local survivors
    survivors=$(printf '%s\n' "$output" | grep -c 'consumer [234] (pid [0-9]*) finished .*FIFO per producer: held; exited normally$')
    [ "$survivors" -eq 3 ]
    assert_line --partial "nothing corrupted, nothing twice"
}

@test "7_queue_results: a struct goes through the queue, in order, into another process" {
    run bounded 20 "$BIN/7_queue_results" 3>&-
    assert_success
    local jobs
    jobs=$(printf '%s\n' "$output" | grep '^\[worker pid' | sed -E 's/^.*got job ([0-9]) \{name "([a-z]+)".*$/\1 \2/')
    [ "$jobs" = "$(printf '1 alice\n2 bob\n3 carol')" ]
    local parent worker_pids parents
    parent=$(printf '%s\n' "$output" | sed -nE 's/^\[parent ([0-9]+)\] putting.*/\1/p')
    worker_pids=$(printf '%s\n' "$output" | sed -nE 's/^\[worker pid ([0-9]+)\].*/\1/p' | sort -u)
    parents=$(printf '%s\n' "$output" | sed -nE 's/^\[worker pid .*\(parent ([0-9]+)\)$/\1/p' | sort -u)
    [ "$(printf '%s\n' "$worker_pids" | wc -l)" -eq 1 ]
    [ "$worker_pids" != "$parent" ]
    [ "$parents" = "$parent" ]
    assert_line --regexp "^\[parent $parent\] worker $worker_pids exited normally$"
    readme_matches "$README" 7_queue_results
}

@test "7_queue_results: results come back through a queue and add up" {
    run bounded 20 "$BIN/7_queue_results" -j 3 -q 3>&-
    assert_success
    refute_line --partial "[worker pid"
    assert_line --regexp 'from worker 1 \(pid [0-9]+\): sum of k\*k for k = 1\.\.333333 is [0-9]+$'
    assert_line --regexp 'from worker 3 \(pid [0-9]+\): sum of k\*k for k = 666667\.\.1000000 is [0-9]+$'
    assert_line --regexp 'total 333333833333500000, by the formula .*: 333333833333500000: match$'
    local order
    order=$(printf '%s\n' "$output" | sed -nE 's/.*arrival order: ([0-9 ]+) \(.*/\1/p' | tr ' ' '\n' | sort | tr '\n' ' ')
    [ "$order" = "1 2 3 " ]
}

@test "8_queue_cost: every batch size delivers every item, in order" {
    run bounded 60 "$BIN/8_queue_cost" -n 20000 3>&-
    assert_success
    assert_line --regexp '^ +1 +20000 +[0-9.]+ +[0-9]+ +[0-9]+$'
    assert_line --regexp '^ +10 +2000 +[0-9.]+ +[0-9]+ +[0-9]+$'
    assert_line --regexp '^ +100 +200 +[0-9.]+ +[0-9]+ +[0-9]+$'
    assert_line --regexp '^ +1000 +20 +[0-9.]+ +[0-9]+ +[0-9]+$'
    assert_line --regexp 'every row: all 20000 items arrived once, in order$'
    assert_line --regexp '1000 items per put vs 1: [0-9.]+ times the speed: (batching is faster|batching is slower|too close to call on this machine)$'
    local ratio verdict # the time of 1 per put over that of 1000 per put
    ratio=$(sed -n 's/.*1000 items per put vs 1: \([0-9.]*\) times the speed: .*/\1/p' <<<"$output")
    verdict=$(sed -n 's/.*1000 items per put vs 1: [0-9.]* times the speed: //p' <<<"$output")
    verdict_follows "$verdict" "batching is faster" "batching is slower" "$ratio" 1 ||
        fail "$ratio times the speed, but: $verdict"
    assert_line --partial "best of 3"
    nothing_left 8_queue_cost
}

@test "8_queue_cost: a count that is not a multiple of the batch; -q" {
    run bounded 30 "$BIN/8_queue_cost" -n 1234 -q 3>&-
    assert_success
    assert_line --regexp '^ +1000 +2 +'
    assert_line --partial "all 1234 items arrived once, in order"
    refute_line --partial "a call has a fixed cost"
}

@test "8_queue_cost: the README's expected output matches a real run" {
    run bounded 60 "$BIN/8_queue_cost" 3>&-
    assert_success
    readme_matches "$README" 8_queue_cost
}

@test "steps 5-8: --help prints usage on stdout, exit 0" {
    local p
    for p in 5_queue_workers 6_queue_kill 7_queue_results 8_queue_cost; do
        run --separate-stderr "$BIN/$p" --help
        assert_success
        assert_line --partial "Usage: $p"
        [ -z "$stderr" ]
    done
}

@test "steps 5-8: bad input is refused with one line and exit 2" {
    local bad p
    for bad in 0 -1 abc 12abc 99999999999999999999 ""; do
        for p in 5_queue_workers 6_queue_kill; do
            refused $p -j "$bad"
            [[ $stderr == *"-j"* ]]
            refused $p -p "$bad"
            [[ $stderr == *"-p"* ]]
            refused $p -n "$bad"
            [[ $stderr == *"-n"* ]]
        done
        refused 7_queue_results -j "$bad"
        refused 8_queue_cost -n "$bad"
        [[ $stderr == *"-n"* ]]
    done
    for p in 5_queue_workers 6_queue_kill 7_queue_results 8_queue_cost; do
        refused $p --frobnicate
        [[ $stderr == *"--frobnicate"* ]]
        refused $p stray
        [[ $stderr == *"stray"* ]]
    done
    refused 5_queue_workers -j
    [[ $stderr == *"-j"* ]]
    refused 8_queue_cost -n
    refused 6_queue_kill -j 1
    [[ $stderr == *"-j"* ]]
}

# The lines whose content must be the same in C and Python, pids blanked.
same_in_both() {
    grep -E '^== |joined producer|produced [0-9]+, consumed|got job|sum of k|total [0-9]|summary' |
        sed -E 's/(parent|pid|process) [0-9]+/\1 N/g'
}

@test "5_queue_workers.py and 7_queue_results.py print the same deterministic results" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    local step c py
    for step in 5_queue_workers 7_queue_results; do
        run bounded 30 "$BIN/$step" -j 2 3>&-
        assert_success
        c=$(printf '%s\n' "$output" | same_in_both)
        run bounded 60 python3 "$ROOT/02_queue/$step.py" -j 2 3>&-
        assert_success
        py=$(printf '%s\n' "$output" | same_in_both)
        [ -n "$c" ]
        if [ "$c" != "$py" ]; then
            diff <(printf '%s\n' "$c") <(printf '%s\n' "$py") >&2
            return 1
        fi
    done
    run bounded 30 "$BIN/5_queue_workers" -p 3 -j 2 -n 300 3>&-
    c=$(printf '%s\n' "$output" | same_in_both)
    run bounded 60 python3 "$ROOT/02_queue/5_queue_workers.py" -p 3 -j 2 -n 300 3>&-
    [ "$c" = "$(printf '%s\n' "$output" | same_in_both)" ]
}

@test "6_queue_kill.py: the same accounting as 6_queue_kill" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run bounded 60 python3 "$ROOT/02_queue/6_queue_kill.py" 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] consumer 1 \(pid [0-9]+\), SIGKILLed mid-work: killed by SIGKILL$'
    assert_line --regexp 'lost with consumer 1 \(taken, never finished\):'
    assert_line --regexp 'produced 2000 = finished by survivors [0-9]+ \+ finished by consumer 1 before it died [0-9]+ \+ lost [0-9]+: nothing corrupted, nothing twice$'
    assert_line --regexp 'summary: every check held$'
}

@test "8_queue_cost.py prints the same table shape and checks as 8_queue_cost" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    local shape='/^ +[0-9]+ +[0-9]+ +[0-9.]+ /{ print $1, $2; next } /^==|items\/put|every row|summary/{ sub(/\[parent [0-9]+\]/, "[parent N]"); print }'
    run bounded 30 "$BIN/8_queue_cost" -n 3000 3>&-
    assert_success
    local c
    c=$(printf '%s\n' "$output" | awk "$shape")
    run bounded 90 python3 "$ROOT/02_queue/8_queue_cost.py" -n 3000 3>&-
    assert_success
    local py
    py=$(printf '%s\n' "$output" | awk "$shape")
    [ "$(printf '%s\n' "$c" | wc -l)" -eq 8 ]
    [ "$c" = "$py" ]
}

@test "5_queue_workers: SIGTERM to the parent mid-run leaves no process behind" {
    timeout -k 2 60 "$BIN/5_queue_workers" -q -n 10M >/dev/null 3>&- &
    local pid=$! i prog=
    # the event: its 2 producers and 2 consumers have had CPU time (it runs
    # under timeout: its pid is timeout's child)
    wait_until 'prog=$(children_of "$pid") && [ -n "$prog" ] &&
        [ "$(children_at_work "$prog" | wc -l)" -ge 4 ]' 10 || fail "its 4 children not at work after 10 s"
    kill -TERM "$pid"
    wait "$pid" || true
    for i in $(seq 30); do
        nothing_left 5_queue_workers && return 0
        sleep 0.1
    done
    nothing_left 5_queue_workers
}

@test "5_queue_workers: SIGINT to the parent alone mid-run: exit 130, every child stopped and reaped" {
    sigint_parent_alone 4 5_queue_workers -n 10M -q # 2 producers, 2 consumers
    [ "$(grep -c 'stopping and reaping 4 children (pid [0-9 ]*), then dying of SIGINT' "$BATS_TEST_TMPDIR/out")" -eq 1 ]
}

@test "8_queue_cost: SIGINT to the parent alone mid-run: exit 130, the producer stopped and reaped" {
    sigint_parent_alone 1 8_queue_cost -n 100M
    grep -q 'SIGINT: stopping and reaping 1 child (pid [0-9]*), then dying of SIGINT' "$BATS_TEST_TMPDIR/out"
}
