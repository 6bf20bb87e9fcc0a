#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 02_queue, steps 1-4: a pipe as a FIFO, the pipe deadlock, draining first,
# ping-pong.

setup() {
    load ../common/tests/helper
    load interrupt
    README=$ROOT/02_queue/README.md
}

@test "1_pipe_fifo: three lines, in order, then end of file" {
    run bounded 10 "$BIN/1_pipe_fifo" 3>&-
    assert_success
    [[ ${lines[0]} == *"got: message 1" ]]
    [[ ${lines[1]} == *"got: message 2" ]]
    [[ ${lines[2]} == *"got: message 3" ]]
    assert_line --regexp '^\[parent [0-9]+\] end of file after 3 lines: every write end is closed; child [0-9]+ exited with 0$'
}

@test "1_pipe_fifo: the README's expected output matches a real run" {
    run bounded 10 "$BIN/1_pipe_fifo" 3>&-
    assert_success
    readme_matches "$README" 1_pipe_fifo
}

@test "2_pipe_deadlock: 100 bytes fit; joining before reading hangs on a full pipe" {
    run bounded 20 "$BIN/2_pipe_deadlock" --timeout 0.3 3>&-
    assert_success
    local capacity
    capacity=$(printf '%s\n' "$output" | sed -nE 's/.*F_GETPIPE_SZ\): ([0-9]+) bytes.*/\1/p' | head -n 1)
    [ "$capacity" -gt 0 ]
    assert_line --regexp 'child [0-9]+ exited normally, nobody read: its 100 bytes fit in the pipe, which still holds 100$'
    assert_line --regexp "timed out: child [0-9]+ is still alive \(state S\), the pipe holds $capacity of $capacity bytes"
    assert_line --regexp 'deadlock: sent SIGKILL, child [0-9]+ killed by SIGKILL$'
    refute_line --regexp "wrote all $((2 * capacity)) bytes"
    assert_line --regexp 'summary: 100 bytes did not hang; join before reading hung$'
    nothing_left 2_pipe_deadlock
}

@test "2_pipe_deadlock -q: no lines from the child" {
    run bounded 20 "$BIN/2_pipe_deadlock" -q --timeout 0.2 3>&-
    assert_success
    refute_line --partial "[child pid"
    assert_line --partial "summary: 100 bytes did not hang; join before reading hung"
}

@test "2_pipe_deadlock: the README's expected output matches a real run" {
    run bounded 20 "$BIN/2_pipe_deadlock" 3>&-
    assert_success
    readme_matches "$README" 2_pipe_deadlock
}

@test "3_pipe_drain: reading first, the writer of twice the capacity ends" {
    run bounded 20 "$BIN/3_pipe_drain" 3>&-
    assert_success
    local capacity
    capacity=$(printf '%s\n' "$output" | sed -nE 's/.*F_GETPIPE_SZ\): ([0-9]+) bytes.*/\1/p')
    assert_line --regexp "read $((2 * capacity)) bytes until end of file, THEN waited: child [0-9]+ exited normally$"
    assert_line --regexp "wrote all $((2 * capacity)) bytes, exiting$"
    assert_line --regexp 'summary: drain before joining finished$'
    assert_line --regexp '^\[parent [0-9]+\] r.poll\(0.1\) on the empty pipe: False$'
    assert_line --regexp '^\[parent [0-9]+\] r.poll\(\) at end of file: True: the next read returns 0 at once$'
    readme_matches "$README" 3_pipe_drain
}

@test "4_ping_pong: the counter comes back, best of 3 for each channel, a verdict" {
    run bounded 30 "$BIN/4_ping_pong" -n 777 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] socketpair \(Pipe\(\)\): 777 round trips in [0-9.]+ s \(best of 3\): [0-9]+ round trips/s'
    assert_line --regexp '^\[parent [0-9]+\] two pipes .*: 777 round trips in [0-9.]+ s \(best of 3\): [0-9]+ round trips/s'
    assert_line --partial "the counter came back as 777: every message arrived, in order; every child exited normally: yes"
    assert_line --regexp 'two pipes vs socketpair: (two pipes are faster|the socketpair is faster|too close to call on this machine)$'
    local sock pipes verdict
    sock=$(sed -n 's/.*\] socketpair (Pipe()): .*, \([0-9.]*\) us each$/\1/p' <<<"$output")
    pipes=$(sed -n 's/.*\] two pipes (.*, \([0-9.]*\) us each$/\1/p' <<<"$output")
    verdict=$(sed -n 's/.*two pipes vs socketpair: //p' <<<"$output")
    verdict_follows "$verdict" "two pipes are faster" "the socketpair is faster" "$sock" "$pipes" ||
        fail "socketpair $sock us, two pipes $pipes us, but: $verdict"
    nothing_left 4_ping_pong
}

@test "4_ping_pong -q and the README" {
    run bounded 30 "$BIN/4_ping_pong" -q -n 100 3>&-
    assert_success
    refute_line --partial "a pipe has two ends"
    run bounded 30 "$BIN/4_ping_pong" 3>&-
    assert_success
    readme_matches "$README" 4_ping_pong
}

@test "steps 2 and 4: --help prints usage on stdout, exit 0" {
    local p
    for p in 2_pipe_deadlock 4_ping_pong; do
        run --separate-stderr "$BIN/$p" --help
        assert_success
        assert_line --partial "Usage: $p"
        [ -z "$stderr" ]
    done
}

@test "steps 2 and 4: bad input is refused with one line and exit 2" {
    local bad
    for bad in 0 -1 abc 12abc 99999999999999999999 ""; do
        refused 4_ping_pong -n "$bad"
        [[ $stderr == *"-n"* ]]
        refused 2_pipe_deadlock --timeout "$bad"
        [[ $stderr == *"--timeout"* ]]
    done
    refused 4_ping_pong --nope
    refused 4_ping_pong -n
    refused 4_ping_pong extra
    refused 2_pipe_deadlock -n 5
    [[ $stderr == *"-n"* ]]
}

# The lines whose content must be the same in C and Python, pids and times blanked.
same_in_both() {
    grep -E '^== |got: message|end of file|\.poll|F_GETPIPE_SZ|fit in the pipe|timed out: child|deadlock: sent|wrote all|until end of file|counter came back|summary' | grep -v Queue |
        sed -E 's/(parent|pid|child) [0-9]+/\1 N/g'
}

@test "the Python mirrors of steps 1-4 print the same deterministic results" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    local step args c py
    # 2_pipe_deadlock with the default timeout (1 s): a Python child under
    # load may need more than 0.3 s just to start, and fill the pipe
    for step in 1_pipe_fifo 2_pipe_deadlock 3_pipe_drain 4_ping_pong; do
        args=()
        [ "$step" = 4_ping_pong ] && args=(-n 300)
        run bounded 30 "$BIN/$step" "${args[@]}" 3>&-
        assert_success
        c=$(printf '%s\n' "$output" | same_in_both)
        run bounded 60 python3 "$ROOT/02_queue/$step.py" "${args[@]}" 3>&-
        assert_success
        py=$(printf '%s\n' "$output" | same_in_both)
        [ -n "$c" ]
        if [ "$c" != "$py" ]; then
            diff <(printf '%s\n' "$c") <(printf '%s\n' "$py") >&2
            return 1
        fi
    done
}

@test "2_pipe_deadlock.py: a Queue's feeder thread: small puts let the child exit, big ones do not" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run bounded 60 python3 "$ROOT/02_queue/2_pipe_deadlock.py" 3>&-
    assert_success
    assert_line --regexp 'Queue: the child put 100 bytes and exited normally before anyone called get\(\)$'
    assert_line --regexp 'Queue: the child put [0-9]+ bytes and is still alive after 1.0 s: its feeder thread waits for room in the pipe$'
}

@test "2_pipe_deadlock: SIGTERM during the deadlock leaves no process behind" {
    local out=$BATS_TEST_TMPDIR/out
    timeout -k 2 60 "$BIN/2_pipe_deadlock" --timeout 20 >"$out" 3>&- &
    local pid=$! i
    # the event: the second child is writing more than the pipe holds (its
    # line is flushed before the write that blocks)
    wait_until 'grep -q "writing 131072 bytes" "$out"' 10 || fail "no deadlock after 10 s"
    kill -TERM "$pid"
    wait "$pid" || true
    for i in $(seq 30); do
        nothing_left 2_pipe_deadlock && return 0
        sleep 0.1
    done
    nothing_left 2_pipe_deadlock
}

@test "4_ping_pong: SIGINT to the parent alone mid-ping-pong: exit 130, the child stopped and reaped" {
    sigint_parent_alone 1 4_ping_pong -n 100M
    grep -q 'SIGINT: stopping and reaping 1 child (pid [0-9]*), then dying of SIGINT' "$BATS_TEST_TMPDIR/out"
}
