#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 02_queue: pipe (one-way pipe, socketpair ping-pong, the pipe deadlock).

setup() {
    load ../common/tests/helper
    load interrupt
    README=$ROOT/02_queue/README.md
}

refused() {
    run --separate-stderr bounded 10 "$BIN/pipe" "$@" 3>&-
    assert_failure 2
    assert_output ""
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ $stderr == *"try 'pipe --help'"* ]]
}

@test "pipe: one-way pipe carries 3 lines, then end of file" {
    run bounded 20 "$BIN/pipe" --timeout 0.2 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] read "message 1 from pid [0-9]+"$'
    assert_line --regexp '^\[parent [0-9]+\] read "message 3 from pid [0-9]+"$'
    assert_line --regexp 'read\(\) returned 0 after [0-9]+ bytes \(3 lines\): end of file'
}

@test "pipe: ping-pong over a socketpair brings the counter back" {
    run bounded 20 "$BIN/pipe" -n 777 --timeout 0.2 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] 777 round trips in [0-9.]+ s: [0-9]+ round trips/s'
    assert_line --partial "the counter came back as 777: every message arrived, in order; child exited normally"
}

@test "pipe: joining before reading hangs on a full pipe; draining first does not" {
    run bounded 20 "$BIN/pipe" -n 100 3>&-
    assert_success
    local capacity
    capacity=$(printf '%s\n' "$output" | sed -nE 's/.*F_GETPIPE_SZ\): ([0-9]+) bytes.*/\1/p')
    [ "$capacity" -gt 0 ]
    assert_line --regexp "timed out: child [0-9]+ is still alive \(state S\), the pipe holds $capacity of $capacity bytes"
    assert_line --regexp 'deadlock: sent SIGKILL, child [0-9]+ killed by SIGKILL$'
    assert_line --regexp "read $((2 * capacity)) bytes until end of file, THEN waited: child [0-9]+ exited normally"
    assert_line --regexp "wrote all $((2 * capacity)) bytes, exiting$"
    assert_line --regexp 'summary: join before reading hung; drain before joining finished$'
    ! pgrep -f "^$BIN/pipe( |$)" >/dev/null
}

@test "pipe: the README's expected output matches a real run" {
    run bounded 20 "$BIN/pipe" 3>&-
    assert_success
    readme_matches "$README" pipe
}

@test "pipe: --help prints usage on stdout, exit 0" {
    run --separate-stderr "$BIN/pipe" --help
    assert_success
    assert_line --partial "Usage: pipe"
    [ -z "$stderr" ]
}

@test "pipe: bad input is refused with one line and exit 2" {
    local bad
    for bad in 0 -1 abc 12abc 99999999999999999999 ""; do
        refused -n "$bad"
        [[ $stderr == *"-n"* ]]
        refused --timeout "$bad"
        [[ $stderr == *"--timeout"* ]]
    done
    refused --nope
    refused -n
    refused extra
}

# The lines whose content must be the same in C and Python, pids and times blanked.
same_in_both() {
    grep -E '^== |read "message|counter came back|F_GETPIPE_SZ|timed out: child|deadlock: sent|wrote all|until end of file|summary' |
        sed -E 's/(parent|pid|child) [0-9]+/\1 N/g; s/, after [0-9.]+ s$//'
}

@test "pipe.py prints the same deterministic results as pipe" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run bounded 30 "$BIN/pipe" -n 500 3>&-
    assert_success
    local c
    c=$(printf '%s\n' "$output" | same_in_both)
    # the default timeout (1 s): a Python child under load may need more
    # than 0.3 s just to start, and would not have filled the pipe yet
    run bounded 60 python3 "$ROOT/02_queue/pipe.py" -n 500 3>&-
    assert_success
    local py
    py=$(printf '%s\n' "$output" | same_in_both)
    [ "$(printf '%s\n' "$c" | wc -l)" -ge 14 ]
    if [ "$c" != "$py" ]; then
        diff <(printf '%s\n' "$c") <(printf '%s\n' "$py") >&2
        return 1
    fi
}

@test "pipe: SIGTERM during the deadlock leaves no process behind" {
    timeout -k 2 60 "$BIN/pipe" -n 100 --timeout 20 >/dev/null 3>&- &
    local pid=$! i
    sleep 0.7
    kill -TERM "$pid"
    wait "$pid" || true
    for i in $(seq 30); do
        ! pgrep -f "^$BIN/pipe( |$)" >/dev/null && return 0
        sleep 0.1
    done
    ! pgrep -f "^$BIN/pipe( |$)" >/dev/null
}

@test "pipe: SIGINT to the parent alone mid-ping-pong: exit 130, the child stopped and reaped" {
    sigint_parent_alone pipe -n 100M
    grep -q 'SIGINT: stopping and reaping child [0-9]*, then dying of SIGINT' "$BATS_TEST_TMPDIR/out"
}
