#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Tests of chapter 07: shared memory, races, locks, atomics, named segments,
# a server process.

setup() {
    load ../common/tests/helper
    README=$ROOT/07_shared_memory/README.md
    PROG=$BIN/shared_memory
}

# The /dev/shm names a run with parent pid $1 may have left.
leftovers() {
    ls /dev/shm 2>/dev/null | grep -x "forklore-07-$1" || true
}

# The first process below $1 (at any depth) whose name is $2.
descendant_named() {
    local child
    for child in $(children_of "$1"); do
        if [ "$(cat "/proc/$child/comm" 2>/dev/null)" = "$2" ]; then
            echo "$child"
            return
        fi
        descendant_named "$child" "$2"
    done
}

# Start the named section holding its segment, wait until the segment is in
# /dev/shm, send signal $1, and check: dies of it, name gone, nobody left.
signal_during_named() {
    local sig=$1 code=$2
    bounded 30 "$PROG" --section named --hold-ms 20000 >"$BATS_TEST_TMPDIR/out" 3>&- &
    local pid=$!
    # The program runs under a subshell and timeout(1): find it below $pid.
    local prog="" i
    for i in $(seq 100); do
        prog=$(descendant_named "$pid" shared_memory)
        [ -n "$prog" ] && [ -e "/dev/shm/forklore-07-$prog" ] && break
        sleep 0.05
    done
    [ -n "$prog" ]
    [ -e "/dev/shm/forklore-07-$prog" ]
    kill -"$sig" "$prog"
    local status=0
    wait "$pid" || status=$?
    [ "$status" -eq "$code" ]
    [ -z "$(leftovers "$prog")" ]
    grep -q "SIG$sig: removing /forklore-07-$prog, then dying of SIG$sig" "$BATS_TEST_TMPDIR/out"
}

@test "race: updates are lost without a lock (3 runs)" {
    for i in 1 2 3; do
        run bounded 30 "$PROG" -q --section race 3>&-
        assert_success
        local lost
        lost=$(sed -n 's/.*: \([0-9]*\) updates lost.*/\1/p' <<<"$output")
        [ -n "$lost" ]
        [ "$lost" -gt 0 ]
    done
}

@test "fixes: mutex, atomic and partial counts are exact, 20 runs each" {
    for i in $(seq 20); do
        run bounded 30 "$PROG" -q --section fixes -j 3 -n 200K 3>&-
        assert_success
        assert_line --partial "mutex (Value's lock):    total 600000 of 600000, exact,"
        assert_line --partial "C11 atomic:              total 600000 of 600000, exact,"
        assert_line --partial "partial counts, summed:  total 600000 of 600000, exact,"
        refute_output --partial WRONG
    done
}

@test "false sharing: every worker's counter reaches -n, packed and padded" {
    run bounded 30 "$PROG" -q --section false-sharing -j 3 -n 1M 3>&-
    assert_success
    assert_line --partial "every counter reached 1000000: yes"
}

@test "array: every element correct, zero-copy and through pipes (uneven slices)" {
    run bounded 30 "$PROG" -q --section array -j 3 --array-mib 8 3>&-
    assert_success
    assert_line --partial "shared (MAP_SHARED, zero-copy): 1048576 of 1048576 elements correct"
    assert_line --partial "sent back through pipes (copied):  1048576 of 1048576 elements correct"
}

@test "named: an exec'd reader finds the segment by name; gone after a normal run" {
    run bounded 30 "$PROG" --section named 3>&-
    assert_success
    local pid
    pid=$(sed -n '1s/^\[parent \([0-9]*\)\].*/\1/p' <<<"$output")
    assert_line --regexp "^\[reader [0-9]+\] opened /forklore-07-$pid by name: [0-9]+ bytes$"
    assert_line --regexp "^\[reader [0-9]+\] greeting \"hello from pid $pid\"; sum of the 1000 numbers = 500500$"
    assert_line --regexp "reader \(pid [0-9]+\) exited normally; its answer in the segment: sum 500500$"
    assert_line --partial "/dev/shm/forklore-07-$pid is gone"
    [ -z "$(leftovers "$pid")" ]
}

@test "named: SIGINT while the segment is open removes it, exit 130" {
    signal_during_named INT 130
}

@test "named: SIGTERM while the segment is open removes it, exit 143" {
    signal_during_named TERM 143
}

@test "named: an error after shm_open (ftruncate over the file size limit) still removes the name" {
    # With SIGXFSZ ignored, a file size limit of 1 KiB makes ftruncate fail
    # (EFBIG); die() exits, and the atexit handler must unlink the segment.
    run --separate-stderr bounded 30 bash -c "trap '' XFSZ; ulimit -f 1; exec '$PROG' --section named" 3>&-
    assert_failure 1
    [[ $stderr == "shared_memory: ftruncate: File too large" ]]
    local pid
    pid=$(sed -n '1s/^\[parent \([0-9]*\)\].*/\1/p' <<<"$output")
    [ -n "$pid" ]
    [ -z "$(leftovers "$pid")" ]
}

@test "SIGTERM while workers race: they are stopped and reaped, exit 143" {
    bounded 30 "$PROG" --section race --race-n 1000M >"$BATS_TEST_TMPDIR/out" 3>&- &
    local pid=$! prog="" workers="" i
    for i in $(seq 100); do
        prog=$(descendant_named "$pid" shared_memory)
        [ -n "$prog" ] && workers=$(children_of "$prog")
        [ "$(wc -w <<<"$workers")" -ge 2 ] && break
        sleep 0.05
    done
    [ "$(wc -w <<<"$workers")" -ge 2 ]
    kill -TERM "$prog"
    local status=0
    wait "$pid" || status=$?
    [ "$status" -eq 143 ]
    local worker
    for worker in $workers; do
        # (inside ||: process_gone's awk fails once /proc/PID is gone)
        process_gone "$worker" || { echo "worker $worker is still there"; false; }
    done
    grep -q "SIGTERM: dying of SIGTERM" "$BATS_TEST_TMPDIR/out"
}

# The processes of session $1: setsid makes the program a session leader,
# and whatever it forks stays in its session, zombies and orphans included.
session_members() {
    awk -v s="$1" '{ sub(/^.*\) /, ""); if ($4 == s) { split(FILENAME, f, "/"); print f[3] } }' \
        /proc/[0-9]*/stat 2>/dev/null || true
}

# SIGINT while the workers race, to the parent alone ($1 = parent) or to the
# whole process group ($1 = group, as a terminal's Ctrl-C): the workers die
# of it too, which must not be reported as a worker failure (exit 1). The
# parent dies of SIGINT (130) and leaves no process behind.
ctrl_c_while_racing() {
    local out=$BATS_TEST_TMPDIR/out i
    # A shell without job control starts background jobs with SIGINT
    # ignored; env --default-signal undoes that, as a terminal would have it.
    setsid env --default-signal=INT,TERM "$PROG" --section race --race-n 1e9 -j 2 >"$out" 3>&- &
    local pid=$!
    for i in $(seq 100); do
        [ "$(session_members "$pid" | wc -l)" -ge 3 ] && break # parent + 2 workers
        sleep 0.05
    done
    sleep 0.2
    process_gone "$pid" && fail "shared_memory ended before the signal"
    if [ "$1" = group ]; then kill -INT -- -"$pid"; else kill -INT "$pid"; fi
    for i in $(seq 100); do
        process_gone "$pid" && break
        sleep 0.05
    done
    process_gone "$pid" || { kill -KILL -- -"$pid"; fail "still running 5 s after SIGINT"; }
    local status=0
    wait "$pid" || status=$?
    assert_equal "$status" 130
    grep -q "SIGINT: dying of SIGINT" "$out"
    assert_equal "$(session_members "$pid")" ""
}

@test "Ctrl-C to the parent alone while workers race: exit 130, no worker left" {
    ctrl_c_while_racing parent
}

@test "Ctrl-C to the whole process group while workers race: exit 130, not a worker failure (3 runs)" {
    # Whether the parent reaps a worker killed by the SIGINT before its own
    # waitpid returns EINTR is up to the scheduler: try it a few times.
    local run
    for run in 1 2 3; do ctrl_c_while_racing group; done
}

@test "server: the final table equals the updates applied, every request answered" {
    run bounded 30 "$PROG" -q --section server -j 3 --ops 2000 --seed 42 3>&-
    assert_success
    assert_line --partial "the server answered 6000 of 6000 requests; its table equals the replayed updates"
    local server replayed
    server=$(sed -n "s/.*server's table: *//p" <<<"$output")
    replayed=$(sed -n 's/.*replayed adds: *//p' <<<"$output")
    [ -n "$server" ]
    [ "$server" = "$replayed" ]
    assert_line --partial "shared memory (atomics), same operations:"
    assert_line --partial "table equal"
    # The same seed gives the same table in every run.
    run bounded 30 "$PROG" -q --section server -j 3 --ops 2000 --seed 42 3>&-
    assert_success
    [ "$(sed -n "s/.*server's table: *//p" <<<"$output")" = "$server" ]
}

@test "whole run: every section passes, nothing left in /dev/shm" {
    run bounded 60 "$PROG" -j 2 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] done: 6 sections run, 0 checks failed$'
    local pid
    pid=$(sed -n '1s/^\[parent \([0-9]*\)\].*/\1/p' <<<"$output")
    [ -z "$(leftovers "$pid")" ]
}

@test "README: expected output of build/bin/shared_memory -j 2" {
    run bounded 60 "$PROG" -j 2 3>&-
    assert_success
    readme_matches "$README" run
}

@test "README: expected output of one quiet section" {
    run bounded 30 "$PROG" -q --section server -j 2 --ops 1000 3>&-
    assert_success
    readme_matches "$README" server
}

@test "--help prints usage on stdout, exit 0" {
    run --separate-stderr "$PROG" --help
    assert_success
    assert_line --index 0 --partial "Usage: shared_memory"
    [ -z "$stderr" ]
}

@test "bad input: one line on stderr naming the option, exit 2, empty stdout" {
    local args
    for args in "-j 0" "-j -1" "-j abc" "-j 12abc" "-j 99999999999999999999" "-j=" \
                "-n 0" "-n abc" "-n 99999999999999999999" "--race-n 0" "--ops -1" \
                "--array-mib 0" "--seed abc" "--seed -1" "--section nope" \
                "--hold-ms 1x" "--bogus" "-x" "stray"; do
        # shellcheck disable=SC2086
        run --separate-stderr bounded 10 "$PROG" $args 3>&-
        [ "$status" -eq 2 ] || { echo "args: $args status $status"; false; }
        [ -z "$output" ] || { echo "args: $args stdout: $output"; false; }
        [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || { echo "args: $args: $stderr"; false; }
        [[ $stderr == *"(try 'shared_memory --help')"* ]]
    done
    run --separate-stderr "$PROG" -j ""
    assert_failure 2
    [[ $stderr == *"-j"* ]]
    run --separate-stderr "$PROG" -n
    assert_failure 2
    [[ $stderr == *"-n"* ]]
    run --separate-stderr "$PROG" --section
    assert_failure 2
    [[ $stderr == *"--section"* ]]
}

@test "python mirror: the same deterministic results as the C program" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    # the lines that do not depend on timing or scheduling, without the pids
    deterministic() {
        grep -E 'usable CPUs|workers each add|, exact,|workers fill|elements correct|greeting|opened .* by name|answer in the segment|is gone|server owns|table:|replayed adds|answered' |
            sed -E 's/^\[[a-z]+ [0-9]+\] //; s/pid [0-9]+/pid N/g; s/forklore-07-[0-9]+/forklore-07-N/g;
                    s/, exact,.*/, exact/; s/ elements correct.*/ elements correct/'
    }
    local args="-j 2 -n 20K --race-n 20K --ops 500 --array-mib 2 --seed 11" c py
    # shellcheck disable=SC2086
    c=$(bounded 30 "$PROG" $args 3>&- | grep -v 'C11 atomic' | deterministic)
    # shellcheck disable=SC2086
    py=$(bounded 60 python3 "$ROOT/07_shared_memory/shared_memory.py" $args 3>&- | deterministic)
    [ -n "$c" ]
    assert_equal "$py" "$c"
}

@test "python mirror: SIGTERM during the named section leaves nothing in /dev/shm" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    python3 "$ROOT/07_shared_memory/shared_memory.py" --section named --hold-ms 20000 \
        >"$BATS_TEST_TMPDIR/out" 3>&- &
    local pid=$! i
    for i in $(seq 100); do
        [ -e "/dev/shm/forklore-07-$pid" ] && break
        sleep 0.05
    done
    [ -e "/dev/shm/forklore-07-$pid" ]
    kill -TERM "$pid"
    local status=0
    wait "$pid" || status=$?
    [ "$status" -eq 143 ]
    [ -z "$(leftovers "$pid")" ]
}
