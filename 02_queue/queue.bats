#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 02_queue: queue (producers/consumers, structs, results, --kill-consumer)
# and queue_cost (what a queue call costs).

setup() {
    load ../common/tests/helper
    load interrupt
    README=$ROOT/02_queue/README.md
}

# A usage error: exit 2, nothing on stdout, one line on stderr naming $1.
refused() {
    local name=$1
    shift
    run --separate-stderr bounded 10 "$BIN/$name" "$@" 3>&-
    assert_failure 2
    assert_output ""
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ $stderr == *"try '$name --help'"* ]]
}

# No process of this program is left (children die or are reaped).
nothing_left() {
    ! pgrep -f "^$BIN/$1( |$)" >/dev/null
}

@test "queue: produced = consumed, each item once, FIFO per producer" {
    run bounded 20 "$BIN/queue" 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] joined producer 1 \(pid [0-9]+\): put 1000 items, seq 0 to 999, exited normally$'
    assert_line --regexp '^\[parent [0-9]+\] joined producer 2 \(pid [0-9]+\): put 1000 items, seq 0 to 999, exited normally$'
    assert_line --regexp '^\[parent [0-9]+\] consumer 1 \(pid [0-9]+\) reported: got [0-9]+ items, then EPIPE; FIFO per producer: held; exited normally$'
    assert_line --regexp '^\[parent [0-9]+\] consumer 2 \(pid [0-9]+\) reported: got [0-9]+ items, then EPIPE; FIFO per producer: held; exited normally$'
    assert_line --regexp '^\[parent [0-9]+\] produced 2000, consumed 2000, each exactly once: every item accounted for$'
    # the consumers' counts add up to what was produced
    local sum
    sum=$(printf '%s\n' "$output" | awk '/reported: got/ { s += $9 } END { print s }')
    [ "$sum" -eq 2000 ]
    assert_line --regexp 'summary: every check held$'
    nothing_left queue
}

@test "queue: the README's expected output matches a real run" {
    run bounded 20 "$BIN/queue" 3>&-
    assert_success
    readme_matches "$README" queue
}

@test "queue: 100 runs, 3 producers and 3 consumers: the totals always match" {
    local i
    for i in $(seq 100); do
        run bounded 20 "$BIN/queue" -q -p 3 -j 3 -n 500 3>&-
        assert_success
        assert_line --regexp 'produced 1500, consumed 1500, each exactly once: every item accounted for$'
    done
    nothing_left queue
}

@test "queue: many producers, one consumer, items given as 2K" {
    run bounded 20 "$BIN/queue" -q -p 5 -j 1 -n 2K 3>&-
    assert_success
    assert_line --partial "produced 10000, consumed 10000, each exactly once"
}

@test "queue: a struct goes through the queue, in order, into another process" {
    run bounded 20 "$BIN/queue" 3>&-
    assert_success
    local jobs
    jobs=$(printf '%s\n' "$output" | grep '^\[worker pid' | sed -E 's/^.*got job ([0-9]) \{name "([a-z]+)".*$/\1 \2/')
    [ "$jobs" = "$(printf '1 alice\n2 bob\n3 carol')" ]
    # the worker is one process, not the parent, and its parent is the parent
    local parent worker_pids parents
    parent=$(printf '%s\n' "$output" | sed -nE 's/^\[parent ([0-9]+)\] putting.*/\1/p')
    worker_pids=$(printf '%s\n' "$output" | sed -nE 's/^\[worker pid ([0-9]+)\].*/\1/p' | sort -u)
    parents=$(printf '%s\n' "$output" | sed -nE 's/^\[worker pid .*\(parent ([0-9]+)\)$/\1/p' | sort -u)
    [ "$(printf '%s\n' "$worker_pids" | wc -l)" -eq 1 ]
    [ "$worker_pids" != "$parent" ]
    [ "$parents" = "$parent" ]
    assert_line --regexp "^\[parent $parent\] worker $worker_pids exited normally$"
}

@test "queue: results come back through a queue and add up" {
    run bounded 20 "$BIN/queue" -j 3 3>&-
    assert_success
    assert_line --regexp 'from worker 1 \(pid [0-9]+\): sum of k\*k for k = 1\.\.333333 is [0-9]+$'
    assert_line --regexp 'from worker 3 \(pid [0-9]+\): sum of k\*k for k = 666667\.\.1000000 is [0-9]+$'
    assert_line --regexp 'total 333333833333500000, by the formula .*: 333333833333500000: match$'
    # every worker's result arrived exactly once
    local order
    order=$(printf '%s\n' "$output" | sed -nE 's/.*arrival order: ([0-9 ]+) \(.*/\1/p' | tr ' ' '\n' | sort | tr '\n' ' ')
    [ "$order" = "1 2 3 " ]
}

@test "queue --kill-consumer: killed consumer reported, lost items named, nothing hangs" {
    local i
    for i in 1 2 3 4 5; do
        run bounded 20 "$BIN/queue" --kill-consumer 3>&-
        assert_success
        assert_line --regexp '^\[parent [0-9]+\] sent SIGKILL to consumer 1 \(pid [0-9]+\): killed by SIGKILL$'
        assert_line --regexp '^\[parent [0-9]+\] consumer 2 \(pid [0-9]+\) reported: got [0-9]+ items, then EPIPE; FIFO per producer: held; exited normally$'
        assert_line --regexp '^\[parent [0-9]+\] consumer 1 \(pid [0-9]+\): killed, sent no report$'
        assert_line --regexp 'lost with consumer 1 \(taken, never finished\):'
        assert_line --regexp '^\[parent [0-9]+\] produced 2000 = finished by survivors [0-9]+ \+ finished by consumer 1 before it died [0-9]+ \+ lost [0-9]+: nothing corrupted, nothing twice$'
        # the item consumer 1 held is the item reported lost
        local held lost
        held=$(printf '%s\n' "$output" | sed -nE 's/.*was holding item (producer [0-9]+ seq [0-9]+) when it died$/\1/p')
        lost=$(printf '%s\n' "$output" | sed -nE 's/.*never finished\): (.*)$/\1/p')
        if [ -n "$held" ]; then
            [ "$lost" = "$held" ]
        fi
        # the sum adds up
        local line
        line=$(printf '%s\n' "$output" | grep 'produced 2000 =' | tr -cs '0-9' ' ')
        read -r _ total survivors _ dead lost_count <<<"$line"
        [ $((survivors + dead + lost_count)) -eq "$total" ]
    done
    nothing_left queue
}

@test "queue --kill-consumer: the README's expected output matches a real run" {
    run bounded 20 "$BIN/queue" --kill-consumer 3>&-
    assert_success
    readme_matches "$README" kill-consumer
}

@test "queue --kill-consumer with 4 consumers: the other 3 go on" {
    run bounded 20 "$BIN/queue" --kill-consumer -j 4 -p 3 3>&-
    assert_success
    local survivors
    survivors=$(printf '%s\n' "$output" | grep -c 'consumer [234] (pid [0-9]*) reported: .*FIFO per producer: held; exited normally$')
    [ "$survivors" -eq 3 ]
    assert_line --partial "nothing corrupted, nothing twice"
}

@test "queue: --help prints usage on stdout, exit 0" {
    run --separate-stderr "$BIN/queue" --help
    assert_success
    assert_line --partial "Usage: queue"
    [ -z "$stderr" ]
}

@test "queue: bad input is refused with one line and exit 2" {
    local bad
    for bad in 0 -1 abc 12abc 99999999999999999999 ""; do
        refused queue -j "$bad"
        [[ $stderr == *"-j"* ]]
        refused queue -p "$bad"
        [[ $stderr == *"-p"* ]]
        refused queue -n "$bad"
        [[ $stderr == *"-n"* ]]
    done
    refused queue --frobnicate
    [[ $stderr == *"--frobnicate"* ]]
    refused queue -j
    [[ $stderr == *"-j"* ]]
    refused queue stray
    [[ $stderr == *"stray"* ]]
    refused queue --kill-consumer -j 1
    [[ $stderr == *"--kill-consumer"* ]]
}

@test "queue_cost: every batch size delivers every item, in order" {
    run bounded 30 "$BIN/queue_cost" -n 20000 3>&-
    assert_success
    assert_line --regexp '^ +1 +20000 +[0-9.]+ +[0-9]+ +[0-9]+$'
    assert_line --regexp '^ +10 +2000 +[0-9.]+ +[0-9]+ +[0-9]+$'
    assert_line --regexp '^ +100 +200 +[0-9.]+ +[0-9]+ +[0-9]+$'
    assert_line --regexp '^ +1000 +20 +[0-9.]+ +[0-9]+ +[0-9]+$'
    assert_line --regexp 'every row: all 20000 items arrived once, in order$'
    nothing_left queue_cost
}

@test "queue_cost: a count that is not a multiple of the batch" {
    run bounded 30 "$BIN/queue_cost" -n 1234 3>&-
    assert_success
    assert_line --regexp '^ +1000 +2 +'
    assert_line --partial "all 1234 items arrived once, in order"
}

@test "queue_cost: the README's expected output matches a real run" {
    run bounded 30 "$BIN/queue_cost" 3>&-
    assert_success
    readme_matches "$README" queue_cost
}

@test "queue_cost: --help and bad input" {
    run --separate-stderr "$BIN/queue_cost" -h
    assert_success
    assert_line --partial "Usage: queue_cost"
    local bad
    for bad in 0 -1 abc 12abc 99999999999999999999 ""; do
        refused queue_cost -n "$bad"
        [[ $stderr == *"-n"* ]]
    done
    refused queue_cost --nope
    refused queue_cost -n
    refused queue_cost extra
}

# The lines whose content must be the same in C and Python, pids blanked.
same_in_both() {
    grep -E '^== |joined producer|produced [0-9]+, consumed|got job|sum of k|total [0-9]|summary' |
        sed -E 's/(parent|pid|process) [0-9]+/\1 N/g'
}

@test "queue_demo.py prints the same deterministic results as queue" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run bounded 30 "$BIN/queue" -p 3 -j 2 -n 300 3>&-
    assert_success
    local c
    c=$(printf '%s\n' "$output" | same_in_both)
    run bounded 60 python3 "$ROOT/02_queue/queue_demo.py" -p 3 -j 2 -n 300 3>&-
    assert_success
    local py
    py=$(printf '%s\n' "$output" | same_in_both)
    [ -n "$c" ]
    if [ "$c" != "$py" ]; then
        diff <(printf '%s\n' "$c") <(printf '%s\n' "$py") >&2
        return 1
    fi
}

@test "queue_demo.py --kill-consumer: the same accounting as queue" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run bounded 60 python3 "$ROOT/02_queue/queue_demo.py" --kill-consumer 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] sent SIGKILL to consumer 1 \(pid [0-9]+\): killed by SIGKILL$'
    assert_line --regexp 'lost with consumer 1 \(taken, never finished\):'
    assert_line --regexp 'produced 2000 = finished by survivors [0-9]+ \+ finished by consumer 1 before it died [0-9]+ \+ lost [0-9]+: nothing corrupted, nothing twice$'
    assert_line --regexp 'summary: every check held$'
}

@test "queue_cost.py prints the same table shape and checks as queue_cost" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    local shape='/^ +[0-9]+ +[0-9]+ +[0-9.]+ /{ print $1, $2; next } /^==|items\/put|every row|summary/{ sub(/\[parent [0-9]+\]/, "[parent N]"); print }'
    run bounded 30 "$BIN/queue_cost" -n 3000 3>&-
    assert_success
    local c
    c=$(printf '%s\n' "$output" | awk "$shape")
    run bounded 60 python3 "$ROOT/02_queue/queue_cost.py" -n 3000 3>&-
    assert_success
    local py
    py=$(printf '%s\n' "$output" | awk "$shape")
    [ "$(printf '%s\n' "$c" | wc -l)" -eq 8 ]
    [ "$c" = "$py" ]
}

@test "queue: SIGTERM to the parent mid-run leaves no process behind" {
    # timeout itself (not the bounded function: a subshell) so $! is the
    # process that passes SIGTERM on to the program
    timeout -k 2 60 "$BIN/queue" -q -n 10M >/dev/null 3>&- &
    local pid=$! i
    sleep 0.5
    kill -TERM "$pid"
    wait "$pid" || true
    for i in $(seq 30); do
        nothing_left queue && return 0
        sleep 0.1
    done
    nothing_left queue
}

@test "queue: SIGINT to the parent alone mid-run: exit 130, every child stopped and reaped" {
    sigint_parent_alone queue -n 10M -q
    [ "$(grep -c 'stopping and reaping 4 children, then dying of SIGINT' "$BATS_TEST_TMPDIR/out")" -eq 1 ]
}

@test "queue_cost: SIGINT to the parent alone mid-run: exit 130, the producer stopped and reaped" {
    sigint_parent_alone queue_cost -n 100M
    grep -q 'SIGINT: stopping and reaping the producer (pid [0-9]*), then dying of SIGINT' "$BATS_TEST_TMPDIR/out"
}
